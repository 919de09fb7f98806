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
// read against what emits it (see checkEmitted).
func TestRulesReadMetricsFarepipeEmits(t *testing.T) {
	rules := read(t, "rules.yaml")
	checkEmitted(t, "rules.yaml", rules)
	if strings.Contains(rules, `workflow_template="farepipe-ingest"`) &&
		!strings.Contains(emitters(t).workflows, "key: workflow_template\n                value: farepipe-ingest") {
		t.Error(`rules.yaml selects workflow_template="farepipe-ingest", which no WorkflowTemplate sets`)
	}
}

// sources are the files that emit farepipe's metrics: the WorkflowTemplates
// (Argo custom metrics, exposed with the workflow controller's prefix
// argo_workflows_) and the API's middleware.
type sources struct{ workflows, api string }

func emitters(t *testing.T) sources {
	t.Helper()
	files, err := filepath.Glob("../../workflows/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no WorkflowTemplates found: %v", err)
	}
	var b strings.Builder
	for _, f := range files {
		b.WriteString(read(t, f))
	}
	return sources{workflows: b.String(), api: read(t, "../../internal/api/middleware.go")}
}

// checkEmitted checks every farepipe metric name in text, read from what,
// against what emits it.
func checkEmitted(t *testing.T, what, text string) {
	t.Helper()
	src := emitters(t)
	used := regexp.MustCompile(`\b(argo_workflows_farepipe_\w+|farepipe_http_\w+)`).FindAllString(text, -1)
	if len(used) == 0 {
		t.Fatalf("%s reads no farepipe metric", what)
	}
	for _, name := range used {
		switch custom, ok := strings.CutPrefix(name, "argo_workflows_"); {
		case ok:
			if !strings.Contains(src.workflows, "name: "+custom+"\n") {
				t.Errorf("%s reads %s, but no WorkflowTemplate emits %s", what, name, custom)
			}
		default:
			base := strings.TrimSuffix(strings.TrimSuffix(strings.TrimSuffix(name, "_bucket"), "_count"), "_sum")
			if !strings.Contains(src.api, `"`+base+`"`) {
				t.Errorf("%s reads %s, but the API does not emit %s", what, name, base)
			}
		}
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
