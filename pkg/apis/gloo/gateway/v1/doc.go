// +k8s:deepcopy-gen=package
// +groupName=gateway.solo.io

// Package v1 holds Go types for Gloo Edge's gateway.solo.io/v1 kinds as they
// sit in a member cluster: Gateway, VirtualService, RouteTable,
// MatchableHttpGateway and MatchableTcpGateway. These are what users write to
// configure Gloo's edge proxies and what Meridian federates; Gloo's gateway
// translator compiles them into a gloo.solo.io Proxy. Route actions,
// destinations, matchers and options are Gloo's gloo.solo.io types and live in
// package github.com/meridianfed/meridian/pkg/apis/gloo/gloo/v1.
//
// Field names follow Gloo's CRDs exactly. Every struct keeps the members it
// does not model (and modelled members present with zero values) in an Unknown
// field, so a read-modify-write cycle never loses anything; see package core.
package v1
