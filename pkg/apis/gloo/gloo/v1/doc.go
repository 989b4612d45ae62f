// +k8s:deepcopy-gen=package
// +groupName=gloo.solo.io

// Package v1 holds Go types for Gloo Edge's gloo.solo.io/v1 kinds as they sit in
// a member cluster: Upstream, UpstreamGroup, Settings and Proxy, plus the types
// Gloo defines in this group and reuses elsewhere (Destination, route actions,
// matchers, route/virtual-host/listener options, SSL configuration, health
// checks, failover). Meridian reads and writes these objects on member
// clusters; solo-io's own Go modules cannot be used, so the types are written
// here with Gloo's JSON field names, checked against Gloo's CRD schemas.
//
// Only the commonly used part of each schema is typed. Every struct keeps the
// members it does not model (and modelled members present with zero values) in
// an Unknown field, so a read-modify-write cycle never loses anything a real
// Gloo object carries; see package core.
package v1
