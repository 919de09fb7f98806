//go:build e2e

package e2e

import (
	"encoding/json"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// TestCronWorkflowFiresOnceUnderForbid: Given the repository's CronWorkflow
// with a one-minute schedule and a short plan (the test's variant of it),
// When a minute passes, Then it starts farepipe-collect, and Forbid keeps a
// second run from starting while the first runs.
func TestCronWorkflowFiresOnceUnderForbid(t *testing.T) {
	s := newSuite(t)
	src, err := os.ReadFile("../workflows/farepipe-collect-schedule.yaml")
	if err != nil {
		t.Fatal(err)
	}
	manifest := string(src)
	for old, repl := range map[string]string{
		"name: farepipe-collect-schedule": "name: farepipe-collect-e2e",
		`"0 0,6,12,18 * * *"`:             `"* * * * *"`,
		"value: ICN-NRT,ICN-KIX":          "value: CJU-GMP",
		`value: "60"`:                     `value: "2"`,
	} {
		if !strings.Contains(manifest, old) {
			t.Fatalf("the CronWorkflow manifest no longer holds %q; update this test", old)
		}
		manifest = strings.Replace(manifest, old, repl, 1)
	}
	if !strings.Contains(manifest, "concurrencyPolicy: Forbid") {
		t.Fatal("the CronWorkflow is not Forbid")
	}
	apply := exec.Command("kubectl", "-n", namespace, "apply", "-f", "-")
	apply.Stdin = strings.NewReader(manifest)
	if out, err := apply.CombinedOutput(); err != nil {
		t.Fatalf("applying the test CronWorkflow: %v\n%s", err, out)
	}
	t.Cleanup(func() {
		exec.Command("kubectl", "-n", namespace, "delete", "cronworkflow", "farepipe-collect-e2e").Run()
	})

	type run struct {
		name, phase string
	}
	runs := func() []run {
		var list struct {
			Items []workflow `json:"items"`
		}
		out := s.run("kubectl", "-n", namespace, "get", "workflows", "-l",
			"workflows.argoproj.io/cron-workflow=farepipe-collect-e2e", "-o", "json")
		if err := json.Unmarshal([]byte(out), &list); err != nil {
			t.Fatal(err)
		}
		var rs []run
		for _, w := range list.Items {
			rs = append(rs, run{w.Metadata.Name, w.Status.Phase})
		}
		return rs
	}
	maxRunning := 0
	s.eventually("the CronWorkflow to start a run that succeeds", 3*time.Minute, func() bool {
		running := 0
		succeeded := false
		for _, r := range runs() {
			switch r.phase {
			case "", "Pending", "Running":
				running++
			case "Succeeded":
				succeeded = true
			}
		}
		maxRunning = max(maxRunning, running)
		return succeeded
	})
	if maxRunning > 1 {
		t.Errorf("%d runs of the CronWorkflow ran at once under Forbid", maxRunning)
	}
}
