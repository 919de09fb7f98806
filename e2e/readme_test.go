//go:build e2e

package e2e

import (
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"
)

// readmeBlock returns the shell block of README.md that follows the
// marker naming this file.
func readmeBlock(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile("(?s)<!-- e2e/readme_test.go runs the next block verbatim -->\n```sh\n(.*?)\n```").FindSubmatch(b)
	if m == nil {
		t.Fatal("README.md has no block marked for e2e/readme_test.go")
	}
	return string(m[1])
}

// TestREADMECommands: Given the stack of make cluster (here hack/e2e.sh's
// cluster.sh up --with-farepipe), When README's commands run verbatim,
// Then the collect's counts show as it ends, its step logs are in the
// bucket, the CronWorkflow is listed, the API answers a calendar of the
// collected fares, and the upload starts one ingest that indexes it all.
func TestREADMECommands(t *testing.T) {
	s := newSuite(t)
	cmd := exec.Command("bash", "-e", "-o", "pipefail", "-c", readmeBlock(t))
	cmd.Dir = ".."
	out, err := cmd.CombinedOutput()
	text := string(out)
	if err != nil {
		t.Fatalf("README's commands: %v\n%s", err, text)
	}
	for _, want := range []string{
		"Output Parameters:", "planned:", "written:", "count:", // argo submit --watch
		"/main.log",                 // archived step logs
		"farepipe-collect-schedule", // argo cron list
		`"count":`,                  // the calendar
	} {
		if !strings.Contains(text, want) {
			t.Errorf("README's commands printed no %q:\n%s", want, text)
		}
	}
	// The calendar is the last line (curl's, a JSON document).
	lines := strings.Split(strings.TrimSpace(text), "\n")
	var cal struct {
		Meta struct {
			Count int `json:"count"`
		} `json:"meta"`
	}
	if json.Unmarshal([]byte(lines[len(lines)-1]), &cal) != nil || cal.Meta.Count == 0 {
		t.Errorf("the calendar from the API has no fares:\n%s", text)
	}

	key := "raw/source=manual/date=2026-11-21/batch.ndjson.gz"
	s.eventually("an ingest of the uploaded batch ends", 3*time.Minute, func() bool { return done(s.ingestsOf(key)) })
	ws := s.ingestsOf(key)
	if len(ws) != 1 {
		t.Fatalf("ingests of %s: %d, want 1", key, len(ws))
	}
	s.indexedAll(ws[0])
}

// TestAPIDeployment: Given the stack, When the API is asked through its
// Service, Then it is ready and answers a calendar.
func TestAPIDeployment(t *testing.T) {
	s := newSuite(t)
	s.run("kubectl", "-n", namespace, "rollout", "status", "deployment/farepipe-api", "--timeout=120s")
	ip := strings.TrimSpace(s.run("kubectl", "-n", namespace, "get", "svc", "farepipe-api", "-o", "jsonpath={.spec.clusterIP}"))
	for _, path := range []string{"/readyz", "/healthz", "/v1/calendar?origin=ICN&destination=NRT"} {
		res, err := http.Get("http://" + ip + path)
		if err != nil {
			t.Fatalf("GET %s: %v", path, err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			t.Errorf("GET %s through Service farepipe-api: %s, want 200", path, res.Status)
		}
	}
}
