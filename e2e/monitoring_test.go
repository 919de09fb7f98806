//go:build e2e

package e2e

import (
	"bytes"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/farepipe/farepipe/internal/testenv"
)

// TestPrometheusScrapesTheStackAndAlertsWhenTheAPILosesElasticsearch:
// Given a real Prometheus loading deploy/monitoring/rules.yaml and scraping
// the farepipe-api pods and the workflow controller, Then both are up and
// every rule evaluates; When two objects are ingested and the API is
// asked, Then the ingests' custom metrics and the API's request counters
// are in Prometheus; When a rollout of the API points at an Elasticsearch
// that does not answer, Then FarepipeElasticsearchNotReady becomes
// active; Then hack/dashshot draws the panels of dashboard.json from this
// Prometheus and the e2e Elasticsearch (see renderDashboard).
func TestPrometheusScrapesTheStackAndAlertsWhenTheAPILosesElasticsearch(t *testing.T) {
	s := newSuite(t)
	s.run("kubectl", "-n", namespace, "rollout", "status", "deployment/farepipe-api", "--timeout=120s")
	started := time.Now()
	p := startPrometheus(t)

	s.eventually("every target of both jobs up", time.Minute, func() bool {
		up := map[string]int{}
		for _, tg := range p.targets() {
			if tg.Health != "up" {
				return false
			}
			up[tg.Labels["job"]]++
		}
		return up[jobAPI] > 0 && up[jobController] > 0
	})
	rules := alertNames(t)
	s.eventually("every rule of rules.yaml evaluated", time.Minute, func() bool {
		got := p.alertingRules()
		if len(got) != len(rules) {
			t.Fatalf("prometheus loaded %d alerting rules, rules.yaml has %d", len(got), len(rules))
		}
		for _, r := range got {
			if r.Health == "err" {
				t.Fatalf("rule %s: %s", r.Name, r.LastError)
			}
			if r.Health != "ok" {
				return false
			}
		}
		return true
	})
	const alert = "FarepipeElasticsearchNotReady"
	if st := ruleState(p, alert); st != "inactive" {
		t.Fatalf("%s is %s before the test broke anything, want inactive", alert, st)
	}

	// Two ingests of ICN → FUK observed a day apart, and questions to the
	// API, counted by Prometheus. The first sample of a counter is no
	// increase, so the second ingest is what lifts the dashboard's
	// increase() panels above zero; the two days are the fare trend's.
	ingest := `sum(argo_workflows_farepipe_workflow_runs_total{workflow_template="farepipe-ingest",status="Succeeded"})`
	recordsIn := `sum(argo_workflows_farepipe_records_in_total{step="transform"})`
	observations := `sum(argo_workflows_farepipe_observations_total{step="transform"})`
	calendar := `sum(farepipe_http_requests_total{route="GET /v1/calendar",code="200"})`
	before := map[string]float64{}
	for _, q := range []string{ingest, recordsIn, observations, calendar} {
		before[q] = p.value(q)
	}
	ip := strings.TrimSpace(s.run("kubectl", "-n", namespace, "get", "svc", "farepipe-api", "-o", "jsonpath={.spec.clusterIP}"))
	for _, at := range []time.Time{observedAt, observedAt.AddDate(0, 0, 1)} {
		day := at.Format("2006-01-02")
		key := "raw/source=e2e/date=" + day + "/monitoring-icn-fuk-" + day + ".ndjson.gz"
		s.upload(key, rawBatchAt(t, at, "ICN", "FUK", 3))
		s.indexedAll(s.waitIngests(key, 1)[0])
		for range 5 {
			res, err := http.Get("http://" + ip + "/v1/calendar?origin=ICN&destination=FUK")
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if res.StatusCode != http.StatusOK {
				t.Fatalf("GET /v1/calendar through Service farepipe-api: %s, want 200", res.Status)
			}
		}
	}
	want := map[string]float64{ingest: 2, recordsIn: 6, observations: 1, calendar: 10}
	s.eventually("the ingest's and the API's counters in prometheus", time.Minute, func() bool {
		for q, d := range want {
			if p.value(q) < before[q]+d {
				return false
			}
		}
		return true
	})

	// A rollout whose pods cannot reach Elasticsearch: it stalls (its pod
	// never gets ready, the old pods keep serving) and the new pod's
	// readiness probe is answered 503. Prometheus scrapes the new pod once
	// discover has listed it.
	s.run("kubectl", "-n", namespace, "set", "env", "deployment/farepipe-api", "FAREPIPE_ES_URL=http://127.0.0.1:9")
	t.Cleanup(func() {
		s.run("kubectl", "-n", namespace, "set", "env", "deployment/farepipe-api", "FAREPIPE_ES_URL-")
		s.run("kubectl", "-n", namespace, "rollout", "status", "deployment/farepipe-api", "--timeout=120s")
	})
	var active promAlert
	s.eventually(alert+" pending or firing", 2*time.Minute, func() bool {
		p.discover()
		for _, a := range p.alerts() {
			if a.Labels["alertname"] == alert {
				active = a
				return true
			}
		}
		return false
	})
	if active.State != "pending" && active.State != "firing" {
		t.Errorf("%s: state %q, want pending or firing", alert, active.State)
	}
	if st := ruleState(p, alert); st != active.State {
		t.Errorf("%s: /api/v1/rules says %s, /api/v1/alerts %s", alert, st, active.State)
	}
	t.Logf("%s %s since %s, value %s", alert, active.State, active.ActiveAt.Format(time.RFC3339), active.Value)

	renderDashboard(t, p, started)
}

// renderDashboard runs hack/dashshot on deploy/monitoring/dashboard.json
// against this test's Prometheus (since it started) and the e2e
// Elasticsearch (the week around the ingested batches' observation
// times) and writes dashboard.png to $FAREPIPE_E2E_ARTIFACTS (default: a
// directory of the test's own, deleted with it). The panels this test's
// traffic fills must have data: ingest runs, transform, index outcomes,
// API requests and latency, and the fares of ICN → FUK. Searches per hour
// and raw objects landed are counted by the collect workflow, which this
// test does not run: they may say "no data".
func renderDashboard(t *testing.T, p *prometheus, started time.Time) {
	t.Helper()
	dir := getenv("FAREPIPE_E2E_ARTIFACTS")
	if dir == "" {
		dir = t.TempDir()
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	out, err := filepath.Abs(filepath.Join(dir, "dashboard.png"))
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("go", "run", "./hack/dashshot", "--dashboard", "deploy/monitoring/dashboard.json",
		"--prometheus", p.url, "--scrape-interval", "2s", "--elasticsearch", testenv.ES(t), "--index-prefix", indexPrefix,
		"--origin", "ICN", "--destination", "FUK",
		"--from", started.UTC().Truncate(time.Second).Format(time.RFC3339), "--to", "now",
		"--fares-from", observedAt.AddDate(0, 0, -3).Format(time.RFC3339), "--fares-to", observedAt.AddDate(0, 0, 4).Format(time.RFC3339),
		"--require-data", "4,5,6,8,9,11", "--out", out)
	cmd.Dir = ".."
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err = cmd.Run()
	t.Logf("hack/dashshot:\n%s", stdout.String())
	if err != nil {
		t.Fatalf("hack/dashshot: %v\n%s", err, stderr.String())
	}
	t.Logf("dashboard rendered to %s", out)
}

// alertNames returns the names of the alerts of rules.yaml.
func alertNames(t *testing.T) []string {
	t.Helper()
	b, err := os.ReadFile("../deploy/monitoring/rules.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, line := range strings.Split(string(b), "\n") {
		if name, ok := strings.CutPrefix(strings.TrimSpace(line), "- alert: "); ok {
			names = append(names, name)
		}
	}
	return names
}

// ruleState returns the state of an alerting rule, or "" if Prometheus
// has none of that name.
func ruleState(p *prometheus, name string) string {
	for _, r := range p.alertingRules() {
		if r.Name == name {
			return r.State
		}
	}
	return ""
}
