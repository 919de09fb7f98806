package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image/png"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fakePrometheus answers query_range with a series of five points for
// every query but those of the collect workflow, which find nothing, and
// with a bad_data error for a query holding "broken".
func fakePrometheus(t *testing.T) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		if r.URL.Path != "/api/v1/query_range" || q.Get("start") == "" || q.Get("end") == "" || q.Get("step") == "" {
			http.Error(w, "unexpected request "+r.URL.String(), http.StatusNotFound)
			return
		}
		expr := q.Get("query")
		if strings.Contains(expr, "broken") {
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprint(w, `{"status":"error","errorType":"bad_data","error":"parse error"}`)
			return
		}
		result := `[{"metric":{"route":"GET /readyz","code":"200","workflow_template":"farepipe-ingest","status":"Succeeded"},
		  "values":[[1796292000,"1"],[1796292002,"2"],[1796292004,"NaN"],[1796292006,"2"],[1796292008,"3"]]}]`
		for _, collect := range []string{"searches", "records_fetched", "objects_landed"} {
			if strings.Contains(expr, collect) {
				result = `[]`
			}
		}
		fmt.Fprintf(w, `{"status":"success","data":{"resultType":"matrix","result":%s}}`, result)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// fakeElasticsearch answers a search of the change log of ICN → FUK with
// two daily buckets.
func fakeElasticsearch(t *testing.T) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if r.Method != http.MethodPost || r.URL.Path != "/farepipe-observations-*/_search" ||
			!bytes.Contains(body, []byte("origin:ICN AND destination:FUK")) {
			http.Error(w, fmt.Sprintf("unexpected search %s %s %s", r.Method, r.URL, body), http.StatusBadRequest)
			return
		}
		fmt.Fprint(w, `{"aggregations":{"2":{"buckets":[
		  {"key":1795219200000,"doc_count":3,"1":{"value":231000}},
		  {"key":1795305600000,"doc_count":2,"1":{"value":198500}}]}}}`)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestRunDrawsEveryPanelOfTheDashboard(t *testing.T) {
	prom, es := fakePrometheus(t), fakeElasticsearch(t)
	out := filepath.Join(t.TempDir(), "dashboard.png")
	args := []string{"--dashboard", dashboardPath, "--prometheus", prom.URL, "--elasticsearch", es.URL,
		"--index-prefix", "farepipe", "--origin", "ICN", "--destination", "FUK", "--from", "2026-12-03T10:00:00Z",
		"--to", "2026-12-03T10:05:00Z", "--fares-from", "2026-11-14T00:00:00Z", "--fares-to", "2026-11-28T00:00:00Z",
		"--scrape-interval", "2s", "--width", "1200", "--out", out}
	var stdout bytes.Buffer
	if err := run(context.Background(), append(args, "--require-data", "4,5,6,8,9,11"), &stdout, io.Discard); err != nil {
		t.Fatalf("run: %v\n%s", err, stdout.String())
	}
	for _, want := range []string{
		`panel 2 "Searches per hour": no data`,
		`panel 4 "Transform per hour": 3 series, 12 points`,
		`panel 11 "Cheapest change point of ICN → FUK, by day observed": 1 series, 2 points`,
		"wrote " + out,
	} {
		if !strings.Contains(stdout.String(), want+"\n") {
			t.Errorf("output lacks %q:\n%s", want, stdout.String())
		}
	}
	f, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cfg, err := png.DecodeConfig(f)
	if err != nil {
		t.Fatalf("%s: %v", out, err)
	}
	if want := 44*unitHeight + headerPx; cfg.Width != 1200 || cfg.Height != want {
		t.Errorf("PNG of %d×%d pixels, want 1200×%d", cfg.Width, cfg.Height, want)
	}

	err = run(context.Background(), append(args, "--require-data", "all"), io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), `no data in panel 2 "Searches per hour", panel 3 "Raw objects landed per hour"`) {
		t.Errorf("run --require-data all = %v, want an error naming panels 2 and 3", err)
	}
}

func TestRunFailsOnAFailedQuery(t *testing.T) {
	dir := t.TempDir()
	d, err := os.ReadFile(dashboardPath)
	if err != nil {
		t.Fatal(err)
	}
	broken := filepath.Join(dir, "dashboard.json")
	if err := os.WriteFile(broken, bytes.Replace(d, []byte("argo_workflows_farepipe_indexed_total"), []byte("broken("), 1), 0o644); err != nil {
		t.Fatal(err)
	}
	prom, es := fakePrometheus(t), fakeElasticsearch(t)
	err = run(context.Background(), []string{"--dashboard", broken, "--prometheus", prom.URL, "--elasticsearch", es.URL,
		"--since", "1h", "--out", filepath.Join(dir, "out.png")}, io.Discard, io.Discard)
	want := `panel 5 "Index outcomes per hour", target A: querying sum(increase(broken([1h])): 400 Bad Request: bad_data: parse error`
	if err == nil || err.Error() != want {
		t.Errorf("run = %v, want %s", err, want)
	}
}

func TestRunRefusesBadFlags(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"no prometheus", []string{"--elasticsearch", "http://es"}, "reads Prometheus: give --prometheus"},
		{"unknown panel", []string{"--prometheus", "http://p", "--elasticsearch", "http://es", "--require-data", "7"}, "no time series panel 7"},
		{"bad require-data", []string{"--require-data", "fares"}, "want panel ids"},
		{"since and from", []string{"--since", "1h", "--from", "now-2h"}, "give one"},
		{"range backwards", []string{"--prometheus", "http://p", "--elasticsearch", "http://es", "--from", "now", "--to", "now-1h"}, "start before the end"},
	} {
		err := run(context.Background(), append([]string{"--dashboard", dashboardPath}, tc.args...), io.Discard, io.Discard)
		var usage usageError
		if err == nil || !strings.Contains(err.Error(), tc.want) || !errors.As(err, &usage) {
			t.Errorf("%s: run = %v, want a usage error saying %q", tc.name, err, tc.want)
		}
	}
}
