package core

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
)

// StateCode is the state a Gloo controller reports for a resource. The
// numbers are solo-kit's (and RateLimitConfig's) enum values.
type StateCode int32

const (
	// StatePending means no controller has processed the resource yet.
	StatePending StateCode = 0
	// StateAccepted means the resource was processed and is in effect.
	StateAccepted StateCode = 1
	// StateRejected means the resource is invalid; Reason says why. Gloo does
	// not apply it (and may keep serving the last accepted configuration).
	StateRejected StateCode = 2
	// StateWarning means the resource is in effect but something is wrong
	// (e.g. a route points at a missing Upstream); Reason says what.
	StateWarning StateCode = 3
	// StateUnrecognized is used for a state written as a string Meridian does
	// not know. The original text is kept and written back.
	StateUnrecognized StateCode = -1
)

var stateNames = map[StateCode]string{
	StatePending:  "Pending",
	StateAccepted: "Accepted",
	StateRejected: "Rejected",
	StateWarning:  "Warning",
}

// String returns "Pending", "Accepted", "Rejected" or "Warning"
// ("State(<n>)" for other numbers).
func (c StateCode) String() string {
	if n, ok := stateNames[c]; ok {
		return n
	}
	if c == StateUnrecognized {
		return "Unrecognized"
	}
	return "State(" + strconv.Itoa(int(c)) + ")"
}

// Severity orders states from best to worst for summaries: Accepted (0) <
// Pending and any unknown state (1) < Warning (2) < Rejected (3).
func (c StateCode) Severity() int {
	switch c {
	case StateAccepted:
		return 0
	case StateWarning:
		return 2
	case StateRejected:
		return 3
	default:
		return 1
	}
}

// ParseStateCode maps a state name to its code, ignoring case ("Accepted",
// "ACCEPTED", "accepted"); decimal numbers are accepted too. ok is false for
// anything else.
func ParseStateCode(s string) (code StateCode, ok bool) {
	for c, n := range stateNames {
		if strings.EqualFold(s, n) {
			return c, true
		}
	}
	if n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 32); err == nil {
		return StateCode(n), true
	}
	return StateUnrecognized, false
}

// State is the `state` member of a Gloo status. solo-kit writes it as an
// integer (`state: 1`); other writers and older releases use the name
// (`state: Accepted`), and RateLimitConfig's controller the upper-case enum
// name (`state: ACCEPTED`). State reads all of them and remembers the form,
// so encoding writes back exactly what was read; after Code is changed the new
// state is written in the same form (integer, or a name in the same letter
// case).
//
// Compare states with Code (or Is), not with ==, since two States holding the
// same code in different forms are different values. The zero value is
// Pending in integer form.
type State struct {
	// Code is the state.
	Code StateCode
	// text is the state exactly as read when it was a JSON string; empty when
	// it was a number or the State was built in Go.
	text string
}

// StateOf returns a State holding c, written as an integer like solo-kit does.
func StateOf(c StateCode) State { return State{Code: c} }

// ParseState returns a State from its text form ("Accepted", "ACCEPTED", ...),
// which it keeps for encoding. Unknown text gives Code StateUnrecognized.
func ParseState(text string) State {
	c, _ := ParseStateCode(text)
	return State{Code: c, text: text}
}

// Is reports whether the state holds c.
func (s State) Is(c StateCode) bool { return s.Code == c }

// Text returns the string the state was read from, or "" if it was an integer.
func (s State) Text() string { return s.text }

// String returns the state's name: "Pending", "Accepted", "Rejected",
// "Warning", or the original text of an unrecognized state.
func (s State) String() string {
	if s.Code == StateUnrecognized && s.text != "" {
		return s.text
	}
	return s.Code.String()
}

// UnmarshalJSON accepts an integer or a string. JSON null leaves s untouched.
func (s *State) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case string(b) == "null":
		return nil
	case len(b) > 0 && b[0] == '"':
		var text string
		if err := json.Unmarshal(b, &text); err != nil {
			return err
		}
		*s = ParseState(text)
		return nil
	default:
		n, err := strconv.ParseInt(string(b), 10, 32)
		if err != nil {
			return fmt.Errorf("core.State: cannot parse %s as a state", b)
		}
		*s = State{Code: StateCode(n)}
		return nil
	}
}

// MarshalJSON writes the state in the form it was read in.
func (s State) MarshalJSON() ([]byte, error) {
	if s.text == "" {
		return []byte(strconv.Itoa(int(s.Code))), nil
	}
	if c, _ := ParseStateCode(s.text); c == s.Code {
		return json.Marshal(s.text)
	}
	// Code was changed: write the new state in the style of the old text.
	if _, err := strconv.ParseInt(strings.TrimSpace(s.text), 10, 32); err == nil {
		return json.Marshal(strconv.Itoa(int(s.Code)))
	}
	name, ok := stateNames[s.Code]
	if !ok {
		return []byte(strconv.Itoa(int(s.Code))), nil
	}
	switch {
	case s.text == strings.ToUpper(s.text):
		name = strings.ToUpper(name)
	case s.text == strings.ToLower(s.text):
		name = strings.ToLower(name)
	}
	return json.Marshal(name)
}

// Status is what one Gloo controller reports about a resource: solo-kit's
// core.solo.io.Status (state, reason, reportedBy, subresourceStatuses, details,
// messages) and, in the same type, RateLimitConfig's status (state, message,
// observedGeneration). Members of newer releases are kept in Unknown.
type Status struct {
	// State is the outcome: Pending, Accepted, Rejected or Warning.
	State State `json:"state,omitzero"`
	// Reason explains a Rejected or Warning state (solo-kit).
	Reason string `json:"reason,omitempty"`
	// ReportedBy names the reporting component, e.g. "gloo" or "gateway".
	ReportedBy string `json:"reportedBy,omitempty"`
	// SubresourceStatuses are the statuses of objects derived from this one,
	// keyed like "*v1.Proxy.gloo-system.gateway-proxy".
	SubresourceStatuses map[string]Status `json:"subresourceStatuses,omitempty"`
	// Details is free-form data the reporter attached (a protobuf Struct).
	Details *apiextensionsv1.JSON `json:"details,omitempty"`
	// Messages are additional, non-fatal messages from the reporter.
	Messages []string `json:"messages,omitempty"`
	// Message explains the state of a RateLimitConfig (its controller writes
	// message rather than reason).
	Message string `json:"message,omitempty"`
	// ObservedGeneration is the metadata.generation the RateLimitConfig
	// controller processed.
	ObservedGeneration Int64 `json:"observedGeneration,omitzero"`

	// Unknown keeps members this type does not model; see Unknown.
	Unknown Unknown `json:"-"`
}

// Explanation returns Reason, or Message if Reason is empty (RateLimitConfig).
func (in *Status) Explanation() string {
	if in.Reason != "" {
		return in.Reason
	}
	return in.Message
}

// UnmarshalJSON decodes the status, keeping unknown members.
func (in *Status) UnmarshalJSON(b []byte) error {
	type plain Status
	return UnmarshalPreserving(b, (*plain)(in), &in.Unknown)
}

// MarshalJSON encodes the status with the members kept in Unknown.
func (in Status) MarshalJSON() ([]byte, error) {
	type plain Status
	return MarshalPreserving(plain(in), in.Unknown)
}

// NamespacedStatuses is the whole `status` of a Gloo object. Since Gloo 1.8
// every controller writes its Status under its own namespace in Statuses
// (`status: {statuses: {gloo-system: {state: 1, reportedBy: gloo}}}`); older
// releases, and RateLimitConfig's controller, write a single Status directly
// (`status: {state: 1, reason: ...}`), held here in the flat fields. Both
// forms are read and written back unchanged; use Effective or Summary for one
// verdict over all reporters.
type NamespacedStatuses struct {
	// Statuses maps the namespace of each reporting controller to its Status.
	Statuses map[string]Status `json:"statuses,omitempty"`

	// State is the state of the legacy flat status.
	State State `json:"state,omitzero"`
	// Reason explains a Rejected or Warning flat state.
	Reason string `json:"reason,omitempty"`
	// ReportedBy names the component that wrote the flat status.
	ReportedBy string `json:"reportedBy,omitempty"`
	// SubresourceStatuses of the flat status.
	SubresourceStatuses map[string]Status `json:"subresourceStatuses,omitempty"`
	// Details of the flat status (a protobuf Struct).
	Details *apiextensionsv1.JSON `json:"details,omitempty"`
	// Messages of the flat status.
	Messages []string `json:"messages,omitempty"`
	// Message of a flat RateLimitConfig status.
	Message string `json:"message,omitempty"`
	// ObservedGeneration of a flat RateLimitConfig status.
	ObservedGeneration Int64 `json:"observedGeneration,omitzero"`

	// Unknown keeps members this type does not model; see Unknown.
	Unknown Unknown `json:"-"`
}

// UnmarshalJSON decodes the status, keeping unknown members.
func (in *NamespacedStatuses) UnmarshalJSON(b []byte) error {
	type plain NamespacedStatuses
	return UnmarshalPreserving(b, (*plain)(in), &in.Unknown)
}

// MarshalJSON encodes the status with the members kept in Unknown.
func (in NamespacedStatuses) MarshalJSON() ([]byte, error) {
	type plain NamespacedStatuses
	return MarshalPreserving(plain(in), in.Unknown)
}

var flatStatusMembers = []string{"state", "reason", "reportedBy", "subresourceStatuses", "details", "messages", "message", "observedGeneration"}

// Flat returns the legacy flat status, and whether one is present (any of its
// members set, including an explicit `state: 0`).
func (in *NamespacedStatuses) Flat() (Status, bool) {
	present := in.State != (State{}) || in.Reason != "" || in.ReportedBy != "" ||
		len(in.SubresourceStatuses) > 0 || in.Details != nil || len(in.Messages) > 0 ||
		in.Message != "" || in.ObservedGeneration != (Int64{})
	if !present {
		for _, m := range flatStatusMembers {
			if in.Unknown.Has(m) {
				present = true
				break
			}
		}
	}
	if !present {
		return Status{}, false
	}
	st := Status{
		State:              in.State,
		Reason:             in.Reason,
		ReportedBy:         in.ReportedBy,
		Details:            in.Details.DeepCopy(),
		Messages:           append([]string(nil), in.Messages...),
		Message:            in.Message,
		ObservedGeneration: in.ObservedGeneration,
	}
	if in.SubresourceStatuses != nil {
		st.SubresourceStatuses = make(map[string]Status, len(in.SubresourceStatuses))
		for k, v := range in.SubresourceStatuses {
			st.SubresourceStatuses[k] = *v.DeepCopy()
		}
	}
	return st, true
}

// For returns the Status reported by the controller running in namespace.
func (in *NamespacedStatuses) For(namespace string) (Status, bool) {
	st, ok := in.Statuses[namespace]
	return st, ok
}

// Set records st as the Status reported by the controller in namespace.
func (in *NamespacedStatuses) Set(namespace string, st Status) {
	if in.Statuses == nil {
		in.Statuses = map[string]Status{}
	}
	in.Statuses[namespace] = st
}

// Reporters returns the namespaces that reported a status, sorted.
func (in *NamespacedStatuses) Reporters() []string {
	ns := make([]string, 0, len(in.Statuses))
	for k := range in.Statuses {
		ns = append(ns, k)
	}
	sort.Strings(ns)
	return ns
}

// Effective folds every reported status (all namespaced entries and the legacy
// flat one) into one: the worst state by StateCode.Severity (Rejected >
// Warning > Pending > Accepted) and, in Reason, the explanations of every
// reporter in that state (reason, or message for RateLimitConfig), in namespace
// order, de-duplicated and joined with "; ". The other fields are copied from
// the first reporter in the worst state. With no status at all the result is
// Pending: Gloo has not processed the resource yet. Sub-resource statuses are
// not folded in; Gloo already reflects them in the parent's state.
func (in *NamespacedStatuses) Effective() Status {
	var entries []Status
	for _, ns := range in.Reporters() {
		entries = append(entries, in.Statuses[ns])
	}
	if flat, ok := in.Flat(); ok {
		entries = append(entries, flat)
	}
	if len(entries) == 0 {
		return Status{State: StateOf(StatePending)}
	}
	worst := entries[0].State.Code.Severity()
	for _, e := range entries[1:] {
		worst = max(worst, e.State.Code.Severity())
	}
	var result *Status
	var reasons []string
	seen := map[string]bool{}
	for i := range entries {
		e := &entries[i]
		if e.State.Code.Severity() != worst {
			continue
		}
		if result == nil {
			result = e.DeepCopy()
		}
		if r := e.Explanation(); r != "" && !seen[r] {
			seen[r] = true
			reasons = append(reasons, r)
		}
	}
	result.Reason = strings.Join(reasons, "; ")
	return *result
}

// Summary returns the state and reason of Effective.
func (in *NamespacedStatuses) Summary() (StateCode, string) {
	e := in.Effective()
	return e.State.Code, e.Reason
}

// Verdict decides a Gloo object's state from its raw `status` JSON. It is the
// one rule every part of Meridian uses (the views' STATUS column, the
// GlooInstance checks, the placement controller's per-target Gloo state):
//
//   - No status (absent, empty, null, {}) is Pending: no Gloo controller has
//     processed the object yet.
//   - With reporter set (an installation's namespace) and an entry reported
//     by the controller in that namespace (Gloo >= 1.8 keys each controller's
//     status by its namespace), that entry alone is the verdict: another Gloo
//     installation in the same cluster, or a stale legacy flat status, must
//     not mark this installation's objects as failing.
//   - Otherwise every reporter's status, namespaced and flat, is folded into
//     the worst one (Effective): reason for solo-kit statuses, message for
//     RateLimitConfig's.
//   - A status that cannot be decoded is Pending, with the reason saying so:
//     Meridian cannot read a verdict, and must not invent a Rejected one.
func Verdict(raw []byte, reporter string) (StateCode, string) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		return StatePending, ""
	}
	var st NamespacedStatuses
	if err := json.Unmarshal(raw, &st); err != nil {
		return StatePending, "Gloo's status could not be read (malformed, or of a form Meridian does not know)"
	}
	if reporter != "" {
		if own, ok := st.For(reporter); ok {
			return own.State.Code, own.Explanation()
		}
	}
	return st.Summary()
}
