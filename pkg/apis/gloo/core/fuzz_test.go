package core

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

// FuzzVerdict decides the state of raw statuses of any bytes, as members
// serve them (odd, huge, deeply nested, unicode, nulls): never a panic; what
// is not JSON is Pending, "could not be read"; a status that decodes
// encodes back (the preserving codec writes what it read) to one that
// decodes to the same verdict, and encodes again to the same JSON (the same
// value: invalid UTF-8 comes out as U+FFFD, escaped the first time as
// encoding/json does, then not).
// Seeds: testdata/fuzz/FuzzVerdict.
func FuzzVerdict(f *testing.F) {
	f.Fuzz(func(t *testing.T, raw []byte, reporter string) {
		code, reason := Verdict(raw, reporter)
		if again, againReason := Verdict(raw, reporter); again != code || againReason != reason {
			t.Fatalf("Verdict(%q, %q) is %v %q, then %v %q", raw, reporter, code, reason, again, againReason)
		}
		trimmed := bytes.TrimSpace(raw)
		if len(trimmed) > 0 && !json.Valid(trimmed) {
			if code != StatePending || !strings.Contains(reason, "could not be read") {
				t.Fatalf("Verdict(%q) of malformed JSON = %v %q", raw, code, reason)
			}
			return
		}
		var st NamespacedStatuses
		if err := json.Unmarshal(raw, &st); err != nil {
			return
		}
		enc, err := json.Marshal(st)
		if err != nil {
			t.Fatalf("status %q decodes but does not encode: %v", raw, err)
		}
		if c, r := Verdict(enc, reporter); c != code || r != reason {
			t.Fatalf("status %q: verdict %v %q; encoded back as %q: verdict %v %q", raw, code, reason, enc, c, r)
		}
		var st2 NamespacedStatuses
		if err := json.Unmarshal(enc, &st2); err != nil {
			t.Fatalf("status %q encodes to %q, which does not decode: %v", raw, enc, err)
		}
		enc2, err := json.Marshal(st2)
		if err != nil {
			t.Fatalf("status %q: second encoding: %v", raw, err)
		}
		v1, v2 := semantic(t, enc), semantic(t, enc2) // numbers as written: 1e700 is JSON a float64 cannot hold
		if !reflect.DeepEqual(v1, v2) {
			t.Fatalf("status %q encodes to %q, then to %q", raw, enc, enc2)
		}
	})
}
