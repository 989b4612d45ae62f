package v1

import "github.com/meridianfed/meridian/pkg/apis/gloo/core"

// Every struct of this package decodes and encodes itself through
// core.UnmarshalPreserving and core.MarshalPreserving, so that JSON members it
// does not model (and modelled members present with zero values) are kept in
// its Unknown field and written back. The "plain" conversion drops the
// methods, so that encoding/json handles the fields without recursing here.

// UnmarshalJSON decodes a Gateway, keeping members it does not model in Unknown.
func (in *Gateway) UnmarshalJSON(b []byte) error {
	type plain Gateway
	return core.UnmarshalPreserving(b, (*plain)(in), &in.Unknown)
}

// MarshalJSON encodes a Gateway together with the members kept in Unknown.
func (in Gateway) MarshalJSON() ([]byte, error) {
	type plain Gateway
	return core.MarshalPreserving(plain(in), in.Unknown)
}

// UnmarshalJSON decodes a GatewaySpec, keeping members it does not model in Unknown.
func (in *GatewaySpec) UnmarshalJSON(b []byte) error {
	type plain GatewaySpec
	return core.UnmarshalPreserving(b, (*plain)(in), &in.Unknown)
}

// MarshalJSON encodes a GatewaySpec together with the members kept in Unknown.
func (in GatewaySpec) MarshalJSON() ([]byte, error) {
	type plain GatewaySpec
	return core.MarshalPreserving(plain(in), in.Unknown)
}

// UnmarshalJSON decodes a HttpGateway, keeping members it does not model in Unknown.
func (in *HttpGateway) UnmarshalJSON(b []byte) error {
	type plain HttpGateway
	return core.UnmarshalPreserving(b, (*plain)(in), &in.Unknown)
}

// MarshalJSON encodes a HttpGateway together with the members kept in Unknown.
func (in HttpGateway) MarshalJSON() ([]byte, error) {
	type plain HttpGateway
	return core.MarshalPreserving(plain(in), in.Unknown)
}

// UnmarshalJSON decodes a VirtualServiceSelectorExpressions, keeping members it does not model in Unknown.
func (in *VirtualServiceSelectorExpressions) UnmarshalJSON(b []byte) error {
	type plain VirtualServiceSelectorExpressions
	return core.UnmarshalPreserving(b, (*plain)(in), &in.Unknown)
}

// MarshalJSON encodes a VirtualServiceSelectorExpressions together with the members kept in Unknown.
func (in VirtualServiceSelectorExpressions) MarshalJSON() ([]byte, error) {
	type plain VirtualServiceSelectorExpressions
	return core.MarshalPreserving(plain(in), in.Unknown)
}

// UnmarshalJSON decodes a TcpGateway, keeping members it does not model in Unknown.
func (in *TcpGateway) UnmarshalJSON(b []byte) error {
	type plain TcpGateway
	return core.UnmarshalPreserving(b, (*plain)(in), &in.Unknown)
}

// MarshalJSON encodes a TcpGateway together with the members kept in Unknown.
func (in TcpGateway) MarshalJSON() ([]byte, error) {
	type plain TcpGateway
	return core.MarshalPreserving(plain(in), in.Unknown)
}

// UnmarshalJSON decodes a HybridGateway, keeping members it does not model in Unknown.
func (in *HybridGateway) UnmarshalJSON(b []byte) error {
	type plain HybridGateway
	return core.UnmarshalPreserving(b, (*plain)(in), &in.Unknown)
}

// MarshalJSON encodes a HybridGateway together with the members kept in Unknown.
func (in HybridGateway) MarshalJSON() ([]byte, error) {
	type plain HybridGateway
	return core.MarshalPreserving(plain(in), in.Unknown)
}

// UnmarshalJSON decodes a MatchedGateway, keeping members it does not model in Unknown.
func (in *MatchedGateway) UnmarshalJSON(b []byte) error {
	type plain MatchedGateway
	return core.UnmarshalPreserving(b, (*plain)(in), &in.Unknown)
}

// MarshalJSON encodes a MatchedGateway together with the members kept in Unknown.
func (in MatchedGateway) MarshalJSON() ([]byte, error) {
	type plain MatchedGateway
	return core.MarshalPreserving(plain(in), in.Unknown)
}

// UnmarshalJSON decodes a Matcher, keeping members it does not model in Unknown.
func (in *Matcher) UnmarshalJSON(b []byte) error {
	type plain Matcher
	return core.UnmarshalPreserving(b, (*plain)(in), &in.Unknown)
}

// MarshalJSON encodes a Matcher together with the members kept in Unknown.
func (in Matcher) MarshalJSON() ([]byte, error) {
	type plain Matcher
	return core.MarshalPreserving(plain(in), in.Unknown)
}

// UnmarshalJSON decodes a DelegatedHttpGateway, keeping members it does not model in Unknown.
func (in *DelegatedHttpGateway) UnmarshalJSON(b []byte) error {
	type plain DelegatedHttpGateway
	return core.UnmarshalPreserving(b, (*plain)(in), &in.Unknown)
}

// MarshalJSON encodes a DelegatedHttpGateway together with the members kept in Unknown.
func (in DelegatedHttpGateway) MarshalJSON() ([]byte, error) {
	type plain DelegatedHttpGateway
	return core.MarshalPreserving(plain(in), in.Unknown)
}

// UnmarshalJSON decodes a DelegatedTcpGateway, keeping members it does not model in Unknown.
func (in *DelegatedTcpGateway) UnmarshalJSON(b []byte) error {
	type plain DelegatedTcpGateway
	return core.UnmarshalPreserving(b, (*plain)(in), &in.Unknown)
}

// MarshalJSON encodes a DelegatedTcpGateway together with the members kept in Unknown.
func (in DelegatedTcpGateway) MarshalJSON() ([]byte, error) {
	type plain DelegatedTcpGateway
	return core.MarshalPreserving(plain(in), in.Unknown)
}

// UnmarshalJSON decodes a MatchableHttpGateway, keeping members it does not model in Unknown.
func (in *MatchableHttpGateway) UnmarshalJSON(b []byte) error {
	type plain MatchableHttpGateway
	return core.UnmarshalPreserving(b, (*plain)(in), &in.Unknown)
}

// MarshalJSON encodes a MatchableHttpGateway together with the members kept in Unknown.
func (in MatchableHttpGateway) MarshalJSON() ([]byte, error) {
	type plain MatchableHttpGateway
	return core.MarshalPreserving(plain(in), in.Unknown)
}

// UnmarshalJSON decodes a MatchableHttpGatewaySpec, keeping members it does not model in Unknown.
func (in *MatchableHttpGatewaySpec) UnmarshalJSON(b []byte) error {
	type plain MatchableHttpGatewaySpec
	return core.UnmarshalPreserving(b, (*plain)(in), &in.Unknown)
}

// MarshalJSON encodes a MatchableHttpGatewaySpec together with the members kept in Unknown.
func (in MatchableHttpGatewaySpec) MarshalJSON() ([]byte, error) {
	type plain MatchableHttpGatewaySpec
	return core.MarshalPreserving(plain(in), in.Unknown)
}

// UnmarshalJSON decodes a MatchableHttpGatewayMatcher, keeping members it does not model in Unknown.
func (in *MatchableHttpGatewayMatcher) UnmarshalJSON(b []byte) error {
	type plain MatchableHttpGatewayMatcher
	return core.UnmarshalPreserving(b, (*plain)(in), &in.Unknown)
}

// MarshalJSON encodes a MatchableHttpGatewayMatcher together with the members kept in Unknown.
func (in MatchableHttpGatewayMatcher) MarshalJSON() ([]byte, error) {
	type plain MatchableHttpGatewayMatcher
	return core.MarshalPreserving(plain(in), in.Unknown)
}

// UnmarshalJSON decodes a MatchableTcpGateway, keeping members it does not model in Unknown.
func (in *MatchableTcpGateway) UnmarshalJSON(b []byte) error {
	type plain MatchableTcpGateway
	return core.UnmarshalPreserving(b, (*plain)(in), &in.Unknown)
}

// MarshalJSON encodes a MatchableTcpGateway together with the members kept in Unknown.
func (in MatchableTcpGateway) MarshalJSON() ([]byte, error) {
	type plain MatchableTcpGateway
	return core.MarshalPreserving(plain(in), in.Unknown)
}

// UnmarshalJSON decodes a MatchableTcpGatewaySpec, keeping members it does not model in Unknown.
func (in *MatchableTcpGatewaySpec) UnmarshalJSON(b []byte) error {
	type plain MatchableTcpGatewaySpec
	return core.UnmarshalPreserving(b, (*plain)(in), &in.Unknown)
}

// MarshalJSON encodes a MatchableTcpGatewaySpec together with the members kept in Unknown.
func (in MatchableTcpGatewaySpec) MarshalJSON() ([]byte, error) {
	type plain MatchableTcpGatewaySpec
	return core.MarshalPreserving(plain(in), in.Unknown)
}

// UnmarshalJSON decodes a MatchableTcpGatewayMatcher, keeping members it does not model in Unknown.
func (in *MatchableTcpGatewayMatcher) UnmarshalJSON(b []byte) error {
	type plain MatchableTcpGatewayMatcher
	return core.UnmarshalPreserving(b, (*plain)(in), &in.Unknown)
}

// MarshalJSON encodes a MatchableTcpGatewayMatcher together with the members kept in Unknown.
func (in MatchableTcpGatewayMatcher) MarshalJSON() ([]byte, error) {
	type plain MatchableTcpGatewayMatcher
	return core.MarshalPreserving(plain(in), in.Unknown)
}

// UnmarshalJSON decodes a RouteTable, keeping members it does not model in Unknown.
func (in *RouteTable) UnmarshalJSON(b []byte) error {
	type plain RouteTable
	return core.UnmarshalPreserving(b, (*plain)(in), &in.Unknown)
}

// MarshalJSON encodes a RouteTable together with the members kept in Unknown.
func (in RouteTable) MarshalJSON() ([]byte, error) {
	type plain RouteTable
	return core.MarshalPreserving(plain(in), in.Unknown)
}

// UnmarshalJSON decodes a RouteTableSpec, keeping members it does not model in Unknown.
func (in *RouteTableSpec) UnmarshalJSON(b []byte) error {
	type plain RouteTableSpec
	return core.UnmarshalPreserving(b, (*plain)(in), &in.Unknown)
}

// MarshalJSON encodes a RouteTableSpec together with the members kept in Unknown.
func (in RouteTableSpec) MarshalJSON() ([]byte, error) {
	type plain RouteTableSpec
	return core.MarshalPreserving(plain(in), in.Unknown)
}

// UnmarshalJSON decodes a VirtualService, keeping members it does not model in Unknown.
func (in *VirtualService) UnmarshalJSON(b []byte) error {
	type plain VirtualService
	return core.UnmarshalPreserving(b, (*plain)(in), &in.Unknown)
}

// MarshalJSON encodes a VirtualService together with the members kept in Unknown.
func (in VirtualService) MarshalJSON() ([]byte, error) {
	type plain VirtualService
	return core.MarshalPreserving(plain(in), in.Unknown)
}

// UnmarshalJSON decodes a VirtualServiceSpec, keeping members it does not model in Unknown.
func (in *VirtualServiceSpec) UnmarshalJSON(b []byte) error {
	type plain VirtualServiceSpec
	return core.UnmarshalPreserving(b, (*plain)(in), &in.Unknown)
}

// MarshalJSON encodes a VirtualServiceSpec together with the members kept in Unknown.
func (in VirtualServiceSpec) MarshalJSON() ([]byte, error) {
	type plain VirtualServiceSpec
	return core.MarshalPreserving(plain(in), in.Unknown)
}

// UnmarshalJSON decodes a VirtualHost, keeping members it does not model in Unknown.
func (in *VirtualHost) UnmarshalJSON(b []byte) error {
	type plain VirtualHost
	return core.UnmarshalPreserving(b, (*plain)(in), &in.Unknown)
}

// MarshalJSON encodes a VirtualHost together with the members kept in Unknown.
func (in VirtualHost) MarshalJSON() ([]byte, error) {
	type plain VirtualHost
	return core.MarshalPreserving(plain(in), in.Unknown)
}

// UnmarshalJSON decodes a Route, keeping members it does not model in Unknown.
func (in *Route) UnmarshalJSON(b []byte) error {
	type plain Route
	return core.UnmarshalPreserving(b, (*plain)(in), &in.Unknown)
}

// MarshalJSON encodes a Route together with the members kept in Unknown.
func (in Route) MarshalJSON() ([]byte, error) {
	type plain Route
	return core.MarshalPreserving(plain(in), in.Unknown)
}

// UnmarshalJSON decodes a DelegateAction, keeping members it does not model in Unknown.
func (in *DelegateAction) UnmarshalJSON(b []byte) error {
	type plain DelegateAction
	return core.UnmarshalPreserving(b, (*plain)(in), &in.Unknown)
}

// MarshalJSON encodes a DelegateAction together with the members kept in Unknown.
func (in DelegateAction) MarshalJSON() ([]byte, error) {
	type plain DelegateAction
	return core.MarshalPreserving(plain(in), in.Unknown)
}

// UnmarshalJSON decodes a RouteTableSelector, keeping members it does not model in Unknown.
func (in *RouteTableSelector) UnmarshalJSON(b []byte) error {
	type plain RouteTableSelector
	return core.UnmarshalPreserving(b, (*plain)(in), &in.Unknown)
}

// MarshalJSON encodes a RouteTableSelector together with the members kept in Unknown.
func (in RouteTableSelector) MarshalJSON() ([]byte, error) {
	type plain RouteTableSelector
	return core.MarshalPreserving(plain(in), in.Unknown)
}

// UnmarshalJSON decodes a Expression, keeping members it does not model in Unknown.
func (in *Expression) UnmarshalJSON(b []byte) error {
	type plain Expression
	return core.UnmarshalPreserving(b, (*plain)(in), &in.Unknown)
}

// MarshalJSON encodes a Expression together with the members kept in Unknown.
func (in Expression) MarshalJSON() ([]byte, error) {
	type plain Expression
	return core.MarshalPreserving(plain(in), in.Unknown)
}

// UnmarshalJSON decodes a DelegateOptionsRefs, keeping members it does not model in Unknown.
func (in *DelegateOptionsRefs) UnmarshalJSON(b []byte) error {
	type plain DelegateOptionsRefs
	return core.UnmarshalPreserving(b, (*plain)(in), &in.Unknown)
}

// MarshalJSON encodes a DelegateOptionsRefs together with the members kept in Unknown.
func (in DelegateOptionsRefs) MarshalJSON() ([]byte, error) {
	type plain DelegateOptionsRefs
	return core.MarshalPreserving(plain(in), in.Unknown)
}
