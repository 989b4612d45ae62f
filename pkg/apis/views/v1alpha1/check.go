package v1alpha1

// CheckField is one summary of a Check, with what it is about.
//
// +k8s:deepcopy-gen=false
// +k8s:openapi-gen=false
type CheckField struct {
	// Kind names what the summary reports on, as Gloo's check does
	// (Upstreams, Deployments, ...).
	Kind string
	// Resource is the views.meridian.io resource whose read permission lets
	// a user see the summary's reports. A report of a Gloo kind names an
	// object of that kind's view; Deployments and Pods have no view, and
	// what they report are the installation's own workloads, so reading
	// them takes what reading the GlooInstance does.
	Resource string
	// Summary points at the Check's field (nil when the check lacks it).
	Summary **Summary
}

// Fields lists the summaries of c, in the order Gloo's check reports them.
func (c *Check) Fields() []CheckField {
	return []CheckField{
		{"Gateways", "gateways", &c.Gateways}, {"VirtualServices", "virtualservices", &c.VirtualServices},
		{"RouteTables", "routetables", &c.RouteTables}, {"Upstreams", "upstreams", &c.Upstreams},
		{"UpstreamGroups", "upstreamgroups", &c.UpstreamGroups}, {"Settings", "settings", &c.Settings},
		{"Proxies", "proxies", &c.Proxies}, {"AuthConfigs", "authconfigs", &c.AuthConfigs},
		{"RateLimitConfigs", "ratelimitconfigs", &c.RateLimitConfigs},
		{"MatchableHttpGateways", "httpgateways", &c.MatchableHTTPGateways},
		{"MatchableTcpGateways", "tcpgateways", &c.MatchableTCPGateways},
		{"Deployments", "glooinstances", &c.Deployments}, {"Pods", "glooinstances", &c.Pods},
	}
}

// Problems counts the summary's errors and warnings, the reports a reply
// left out for its reader included.
func (s *Summary) Problems() (errors, warnings int) {
	return len(s.Errors) + int(s.HiddenErrors), len(s.Warnings) + int(s.HiddenWarnings)
}

// Problems counts the errors and warnings of every summary.
func (c *Check) Problems() (errors, warnings int) {
	for _, f := range c.Fields() {
		if s := *f.Summary; s != nil {
			e, w := s.Problems()
			errors, warnings = errors+e, warnings+w
		}
	}
	return errors, warnings
}

// ProxyReplicas sums the ready and desired replicas of every proxy.
func (s *GlooInstanceSpec) ProxyReplicas() (ready, total int32) {
	for _, p := range s.Proxies {
		ready += p.ReadyReplicas
		total += p.Replicas
	}
	return ready, total
}

// Healthy is whether an installation is reachable and reports no error:
// every proxy replica ready and no resource with errors.
func (gi *GlooInstance) Healthy() bool {
	errs, _ := gi.Spec.Check.Problems()
	ready, total := gi.Spec.ProxyReplicas()
	return gi.Status.Reachable && errs == 0 && ready == total
}
