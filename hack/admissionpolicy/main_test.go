package main

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"
	"testing"

	admissionv1 "k8s.io/api/admissionregistration/v1"
	"sigs.k8s.io/yaml"
)

// targetIndex finds the target index an expression reads: the placement
// policy's namespaces[i % n] and clusters[i / n], the failover policy's
// targets[i].
var targetIndex = regexp.MustCompile(`(?:namespaces\[|clusters\[|targets\[)(\d+)[ \]]`)

func TestRenderUnrollsOneValidationPerTarget(t *testing.T) {
	const max = 3
	data, err := render([]string{"federatedupstreams", "federatedsecrets"}, max)
	if err != nil {
		t.Fatal(err)
	}
	policies := map[string]admissionv1.ValidatingAdmissionPolicy{}
	for _, doc := range bytes.Split(data, []byte("\n---\n")) {
		var meta struct{ Kind string }
		if err := yaml.Unmarshal(doc, &meta); err != nil {
			t.Fatalf("not YAML: %v\n%s", err, doc)
		}
		if meta.Kind != "ValidatingAdmissionPolicy" {
			continue
		}
		var p admissionv1.ValidatingAdmissionPolicy
		if err := yaml.UnmarshalStrict(doc, &p); err != nil {
			t.Fatalf("not a ValidatingAdmissionPolicy: %v\n%s", err, doc)
		}
		policies[p.Name] = p
	}
	for name, perCheck := range map[string]string{
		"meridian-placement":        "variables.targets <= %d ||",
		"meridian-failover-targets": "size(variables.targets) <= %d ||",
	} {
		p, ok := policies[name]
		if !ok {
			t.Fatalf("policy %s not rendered; have %v", name, policies)
		}
		if got := len(p.Spec.Validations); got != max+1 {
			t.Fatalf("%s: %d validations, want %d checks and the limit", name, got, max+1)
		}
		for i, v := range p.Spec.Validations[:max] {
			if !strings.Contains(v.Expression, fmt.Sprintf(perCheck, i)) {
				t.Errorf("%s: validation %d is not guarded by target count %d:\n%s", name, i, i, v.Expression)
			}
			indexes := targetIndex.FindAllStringSubmatch(v.Expression+v.MessageExpression, -1)
			if len(indexes) == 0 {
				t.Errorf("%s: validation %d indexes no target:\n%s", name, i, v.Expression)
			}
			for _, m := range indexes {
				if m[1] != fmt.Sprint(i) {
					t.Errorf("%s: validation %d reads target %s:\n%s", name, i, m[1], m[0])
				}
			}
		}
		limit := p.Spec.Validations[max]
		if !strings.Contains(limit.Expression, fmt.Sprintf("<= %d || variables.everywhere", max)) || !strings.Contains(limit.MessageExpression, fmt.Sprintf("beyond %d,", max)) {
			t.Errorf("%s: last validation is not the limit of %d:\n%s\n%s", name, max, limit.Expression, limit.MessageExpression)
		}
	}
	placement := policies["meridian-placement"].Spec.MatchConstraints.ResourceRules[0].Resources
	if strings.Join(placement, ",") != "federatedupstreams,federatedsecrets" {
		t.Errorf("placement policy matches %v, want the federated resources given", placement)
	}
	if _, ok := policies["meridian-failover-primary"]; !ok {
		t.Error("policy meridian-failover-primary not rendered")
	}
}

func TestRenderRefusesNoResources(t *testing.T) {
	if _, err := render(nil, MaxChecks); err == nil {
		t.Fatal("rendered a placement policy that matches no resource")
	}
}

func TestFederatedResourcesReadsEveryFederatedCRD(t *testing.T) {
	got, err := federatedResources("../../charts/meridian/files/crds")
	if err != nil {
		t.Fatal(err)
	}
	// One Federated* kind per Gloo kind Meridian federates, and Secrets.
	if len(got) != 11 || got[0] != "federatedauthconfigs" || !contains(got, "federatedsecrets") {
		t.Fatalf("federated resources %v", got)
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
