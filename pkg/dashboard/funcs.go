package dashboard

import (
	"fmt"
	"html/template"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/util/duration"
	"sigs.k8s.io/yaml"

	viewsv1alpha1 "github.com/meridianfed/meridian/pkg/apis/views/v1alpha1"
)

// funcs are the templates' helpers.
var funcs = template.FuncMap{
	"cell": cellText,
	"ago": func(t *time.Time) string {
		if t == nil || t.IsZero() {
			return "never"
		}
		return duration.HumanDuration(time.Since(*t)) + " ago"
	},
	"join": strings.Join,
	// state is the CSS class of a state: its text always says the state
	// too, color is never the only sign.
	"state": func(s string) string {
		switch s {
		case "Accepted", "Placed", "Yes", "Healthy", "True":
			return "ok"
		case "Rejected", "Failed", "Invalid", "No", "Unhealthy", "False":
			return "bad"
		case "Warning", "Pending", "Reading", "Unknown", "Drifted":
			return "warn"
		}
		return "plain"
	},
	"yaml": func(v any) string {
		if v == nil {
			return ""
		}
		out, err := yaml.Marshal(v)
		if err != nil {
			return fmt.Sprintf("cannot show as YAML: %v", err)
		}
		return string(out)
	},
	"flag": func(b bool) string {
		if b {
			return "1"
		}
		return ""
	},
	"instanceErrors":   func(c viewsv1alpha1.Check) int { e, _ := c.Problems(); return e },
	"instanceWarnings": func(c viewsv1alpha1.Check) int { _, w := c.Problems(); return w },
}

// cellText is a table cell as text, as kubectl prints it.
func cellText(v any) string {
	switch c := v.(type) {
	case nil:
		return ""
	case string:
		return c
	case bool:
		if c {
			return "Yes"
		}
		return "No"
	case float64:
		if c == float64(int64(c)) {
			return fmt.Sprintf("%d", int64(c))
		}
		return fmt.Sprintf("%g", c)
	default:
		return fmt.Sprint(c)
	}
}
