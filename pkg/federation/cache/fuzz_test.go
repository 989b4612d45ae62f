package cache

import (
	"encoding/binary"
	"maps"
	"testing"
)

// A resourceVersion comes back from any client: decoding never panics, and
// whatever decodes re-encodes to a string that decodes to the same vector
// (the canonical form may differ from the input: duplicate clusters,
// non-minimal varints). Seeds: testdata/fuzz/FuzzDecodeVector.
func FuzzDecodeVector(f *testing.F) {
	for _, s := range []string{
		"", "0", "1", "12", "-1", "garbage!", "\x00", "AQ", "Ag", "AQA", "AQE", "AQFh",
		Vector{}.Encode(),
		Vector{"east": 10}.Encode(),
		Vector{"east": 10, "west": 1<<64 - 1}.Encode(),
		Vector{"east": 10, replicaKey: 7}.Encode(),
		Vector{"prod": 1, "prod-eu": 2, "a": 3, "a.b": 4}.Encode(),
		Vector{"ünï¢ødé": 5}.Encode(),
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := DecodeVector(s)
		if err != nil {
			if v != nil {
				t.Fatalf("DecodeVector(%q) returned %v with error %v", s, v, err)
			}
			return
		}
		enc := v.Encode()
		again, err := DecodeVector(enc)
		if err != nil {
			t.Fatalf("DecodeVector(%q) = %v, whose encoding %q does not decode: %v", s, v, enc, err)
		}
		if !maps.Equal(v, again) {
			t.Fatalf("DecodeVector(%q) = %v, re-encoded %q decodes to %v", s, v, enc, again)
		}
	})
}

// Any vector (cluster names of any bytes, any uint64) survives Encode then
// DecodeVector exactly.
func FuzzVectorRoundTrip(f *testing.F) {
	f.Add([]byte{})
	f.Add(fuzzVectorBytes(map[string]uint64{"east": 10}))
	f.Add(fuzzVectorBytes(map[string]uint64{"prod": 1, "prod-eu": 2, "a": 3, "a.b": 4}))
	f.Add(fuzzVectorBytes(map[string]uint64{"": 0, "\x00": 1<<64 - 1, replicaKey: 3}))
	f.Add(fuzzVectorBytes(map[string]uint64{"ünï¢ødé/🙂": 1 << 63}))
	f.Fuzz(func(t *testing.T, data []byte) {
		v := fuzzVectorFrom(data)
		enc := v.Encode()
		got, err := DecodeVector(enc)
		if err != nil {
			t.Fatalf("Encode(%v) = %q does not decode: %v", v, enc, err)
		}
		if !maps.Equal(v, got) {
			t.Fatalf("Encode(%v) = %q decodes to %v", v, enc, got)
		}
		// Comparable and Restrict never lose the replica entry.
		if err := v.Comparable(got); err != nil {
			t.Fatalf("a vector is not comparable with its own round trip: %v", err)
		}
		if r := v.Restrict(func(string) bool { return false }); r[replicaKey] != v[replicaKey] {
			t.Fatalf("Restrict dropped the replica entry of %v: %v", v, r)
		}
	})
}

// fuzzVectorFrom reads a vector from data: repeated (one length byte, that
// many name bytes, eight bytes of resourceVersion), until data runs out.
func fuzzVectorFrom(data []byte) Vector {
	v := Vector{}
	for len(data) > 0 {
		n := int(data[0])
		data = data[1:]
		n = min(n, len(data))
		name := string(data[:n])
		data = data[n:]
		var rv [8]byte
		k := copy(rv[:], data)
		data = data[k:]
		v[name] = binary.LittleEndian.Uint64(rv[:])
	}
	return v
}

func fuzzVectorBytes(v map[string]uint64) []byte {
	var out []byte
	for name, rv := range v {
		out = append(out, byte(len(name)))
		out = append(out, name...)
		out = binary.LittleEndian.AppendUint64(out, rv)
	}
	return out
}
