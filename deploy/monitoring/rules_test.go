package monitoring

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestRulesPassPromtool checks the rules with promtool and runs their unit
// tests (rules_test.yaml), which fire each alert on the pattern it is for
// and keep it quiet otherwise.
func TestRulesPassPromtool(t *testing.T) {
	if testing.Short() {
		t.Skip("runs promtool; make test installs it (Debian: apt-get install prometheus)")
	}
	promtool, err := exec.LookPath("promtool")
	if err != nil {
		t.Fatal("promtool not found: hack/test.sh installs it (Debian: apt-get install prometheus)")
	}
	for _, args := range [][]string{{"check", "rules", "rules.yaml"}, {"test", "rules", "rules_test.yaml"}} {
		out, err := exec.Command(promtool, args...).CombinedOutput()
		if err != nil {
			t.Errorf("promtool %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
}

// TestRulesReadMetricsFarepipeEmits checks every metric name the rules
// read against what emits it: the Argo custom metrics of the
// WorkflowTemplates (exposed with the workflow controller's prefix
// argo_workflows_) and the API's own metrics.
func TestRulesReadMetricsFarepipeEmits(t *testing.T) {
	rules := read(t, "rules.yaml")
	var emitted strings.Builder
	files, err := filepath.Glob("../../workflows/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no WorkflowTemplates found: %v", err)
	}
	for _, f := range files {
		emitted.WriteString(read(t, f))
	}
	workflows := emitted.String()
	api := read(t, "../../internal/api/middleware.go")

	used := regexp.MustCompile(`\b(argo_workflows_farepipe_\w+|farepipe_http_\w+)`).FindAllString(rules, -1)
	if len(used) == 0 {
		t.Fatal("the rules read no farepipe metric")
	}
	for _, name := range used {
		switch custom, ok := strings.CutPrefix(name, "argo_workflows_"); {
		case ok:
			if !strings.Contains(workflows, "name: "+custom+"\n") {
				t.Errorf("rules.yaml reads %s, but no WorkflowTemplate emits %s", name, custom)
			}
		default:
			base := strings.TrimSuffix(strings.TrimSuffix(strings.TrimSuffix(name, "_bucket"), "_count"), "_sum")
			if !strings.Contains(api, `"`+base+`"`) {
				t.Errorf("rules.yaml reads %s, but the API does not emit %s", name, base)
			}
		}
	}
	if strings.Contains(rules, `workflow_template="farepipe-ingest"`) &&
		!strings.Contains(workflows, "key: workflow_template\n                value: farepipe-ingest") {
		t.Error(`rules.yaml selects workflow_template="farepipe-ingest", which no WorkflowTemplate sets`)
	}
}

func read(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
