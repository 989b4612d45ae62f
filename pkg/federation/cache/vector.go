package cache

import (
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"strconv"
)

// vectorVersion is the first byte of every encoded vector, so that the
// format can change without old resourceVersions being misread.
const vectorVersion = 1

// Vector is a position in the federation: for each member cluster, the
// member resourceVersion up to which the state reflects that member.
type Vector map[string]uint64

// replicaKey is the entry a replica-local store (NewReplicaLocalStore) adds
// to its positions: the identity of the server process that gave them out.
// It cannot be a cluster's name (those are DNS labels).
const replicaKey = "@replica"

// Comparable reports whether positions v and w belong to the same history:
// both carry the members' own positions only, or both come from the same
// replica-local store. Otherwise neither can be judged newer than the other.
func (v Vector) Comparable(w Vector) error {
	if v[replicaKey] != w[replicaKey] {
		return errOtherReplica
	}
	return nil
}

// errOtherReplica: a replica-local position given out by another process.
var errOtherReplica = errors.New("that resourceVersion was given out by another replica of the server, or by this one before it restarted (GlooInstances are computed by each replica from its own watches)")

// Clone returns an independent copy.
func (v Vector) Clone() Vector {
	out := make(Vector, len(v))
	for k, rv := range v {
		out[k] = rv
	}
	return out
}

// Restrict returns the part of v about the clusters visible reports true
// for (all of v when visible is nil): what goes into a reply for a user who
// may see only those, so that no resourceVersion names another cluster. The
// replica entry, which names no cluster, stays.
func (v Vector) Restrict(visible func(cluster string) bool) Vector {
	if visible == nil {
		return v
	}
	out := make(Vector, len(v))
	for c, rv := range v {
		if c == replicaKey || visible(c) {
			out[c] = rv
		}
	}
	return out
}

// Encode returns the vector as an opaque resourceVersion string: a version
// byte, then per cluster (sorted by name) uvarint(len(name)), name,
// uvarint(rv); base64url without padding. Ten clusters with short names fit
// in about a hundred characters.
func (v Vector) Encode() string {
	names := make([]string, 0, len(v))
	for n := range v {
		names = append(names, n)
	}
	slices.Sort(names)
	buf := make([]byte, 0, 1+len(v)*16)
	buf = append(buf, vectorVersion)
	for _, n := range names {
		buf = binary.AppendUvarint(buf, uint64(len(n)))
		buf = append(buf, n...)
		buf = binary.AppendUvarint(buf, v[n])
	}
	return base64.RawURLEncoding.EncodeToString(buf)
}

// errNotAVector means a resourceVersion was not given out by Meridian.
var errNotAVector = errors.New("not a Meridian resourceVersion")

// DecodeVector parses a resourceVersion produced by Encode.
func DecodeVector(s string) (Vector, error) {
	buf, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || len(buf) == 0 || buf[0] != vectorVersion {
		return nil, fmt.Errorf("resourceVersion %q: %w", s, errNotAVector)
	}
	buf = buf[1:]
	v := Vector{}
	for len(buf) > 0 {
		n, k := binary.Uvarint(buf)
		if k <= 0 || uint64(len(buf)-k) < n {
			return nil, fmt.Errorf("resourceVersion %q: %w", s, errNotAVector)
		}
		name := string(buf[k : k+int(n)])
		buf = buf[k+int(n):]
		rv, k := binary.Uvarint(buf)
		if k <= 0 {
			return nil, fmt.Errorf("resourceVersion %q: %w", s, errNotAVector)
		}
		buf = buf[k:]
		v[name] = rv
	}
	return v, nil
}

// ParseMemberRV parses a member cluster's resourceVersion. Members are
// kube-apiservers, whose resourceVersions are etcd revisions; Meridian relies
// on that to order a member's events, the one place it looks inside them.
func ParseMemberRV(rv string) (uint64, error) {
	n, err := strconv.ParseUint(rv, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("member resourceVersion %q is not an etcd revision: %w", rv, err)
	}
	return n, nil
}
