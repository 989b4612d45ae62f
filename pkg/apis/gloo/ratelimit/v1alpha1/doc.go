// +k8s:deepcopy-gen=package
// +groupName=ratelimit.solo.io

// Package v1alpha1 holds Go types for Gloo Edge Enterprise's
// ratelimit.solo.io/v1alpha1 RateLimitConfig as it sits in a member cluster:
// rate-limit descriptors and the request actions that produce them, which
// virtual hosts and routes reference from options.rateLimitConfigs. Meridian
// federates RateLimitConfigs (FederatedRateLimitConfig) and reads their status.
//
// The RateLimitConfig CRD has no schema (it preserves unknown fields from the
// root), and its controller writes the status as `{state: ACCEPTED, message,
// observedGeneration}`; core.NamespacedStatuses reads that form too. Every
// struct keeps members it does not model in an Unknown field, so nothing is
// lost on a read-modify-write cycle; see package core.
package v1alpha1
