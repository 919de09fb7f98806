package api

import (
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

const validCalendar = "/v1/calendar?origin=ICN&destination=NRT&departureDate=2027-01-01,2027-01-31"

func TestProbes(t *testing.T) {
	t.Parallel()
	srv := serve(t, Options{Backend: clientOf(t, closedPort(t), "none"), ReadyTimeout: time.Second})
	var st Status
	a := get(t, srv.URL+"/healthz")
	if a.decode(t, &st); a.status != 200 || st.Status != "ok" {
		t.Errorf("/healthz: %d %s, want 200 ok", a.status, a.body)
	}
	a = get(t, srv.URL+"/readyz")
	if issues := a.issues(t); a.status != 503 || issues[0].Title != "SEARCH BACKEND UNAVAILABLE" || a.header.Get("Retry-After") == "" {
		t.Errorf("/readyz with Elasticsearch down: %d %v %s, want 503 with Retry-After", a.status, a.header, a.body)
	}
	if strings.Contains(string(a.body), "127.0.0.1") || strings.Contains(string(a.body), "refused") {
		t.Errorf("/readyz leaks the error: %s", a.body)
	}
}

func TestUnknownPathsAndMethods(t *testing.T) {
	t.Parallel()
	srv := serve(t, Options{Backend: clientOf(t, closedPort(t), "none")})
	tests := []struct {
		method, path string
		status       int
	}{
		{"GET", "/v1/nothing", 404},
		{"GET", "/v2/calendar", 404},
		{"GET", "/", 404}, // no web page mounted
		{"POST", "/v1/calendar", 405},
		{"DELETE", "/v1/series/0123456789abcdef0123456789abcdef/history", 405},
		{"PUT", "/healthz", 405},
	}
	if a := do(t, "HEAD", srv.URL+"/healthz", nil); a.status != 200 || len(a.body) != 0 {
		t.Errorf("HEAD /healthz: %d %q, want 200 without a body", a.status, a.body)
	}
	for _, tt := range tests {
		a := do(t, tt.method, srv.URL+tt.path, nil)
		if a.status != tt.status {
			t.Errorf("%s %s: %d, want %d: %s", tt.method, tt.path, a.status, tt.status, a.body)
			continue
		}
		a.issues(t)
		if tt.status == 405 && a.header.Get("Allow") != "GET, HEAD" {
			t.Errorf("%s %s: Allow %q, want GET, HEAD", tt.method, tt.path, a.header.Get("Allow"))
		}
	}
}

func TestTheWebPageOwnsEveryOtherPath(t *testing.T) {
	t.Parallel()
	ui := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.Write([]byte("page " + r.URL.Path))
	})
	srv := serve(t, Options{Backend: clientOf(t, closedPort(t), "none"), UI: ui})
	for _, path := range []string{"/", "/app.js", "/static/style.css"} {
		if a := get(t, srv.URL+path); a.status != 200 || string(a.body) != "page "+path {
			t.Errorf("GET %s: %d %q, want the page's answer", path, a.status, a.body)
		}
	}
	if a := do(t, "POST", srv.URL+"/", nil); a.status != 405 {
		t.Errorf("POST /: %d, want 405", a.status)
	}
	if a := get(t, srv.URL+"/v1/nothing"); a.status != 404 || !strings.HasPrefix(a.header.Get("Content-Type"), "application/json") {
		t.Errorf("GET /v1/nothing with a page mounted: %d %q, want the API's JSON 404", a.status, a.header.Get("Content-Type"))
	}
	if a := get(t, srv.URL+"/healthz"); a.status != 200 {
		t.Errorf("GET /healthz with a page mounted: %d", a.status)
	}
}

func TestMetricsCountRequestsByRoutePatternAndCode(t *testing.T) {
	t.Parallel()
	srv := serve(t, Options{Backend: clientOf(t, closedPort(t), "none"), Registry: prometheus.NewRegistry()})
	get(t, srv.URL+"/healthz")
	get(t, srv.URL+"/healthz")
	get(t, srv.URL+"/v1/calendar?origin=X")
	get(t, srv.URL+"/v1/series/0123456789abcdef0123456789abcdef/history")
	get(t, srv.URL+"/v1/series/abc/history")
	a := get(t, srv.URL+"/metrics")
	if a.status != 200 {
		t.Fatalf("/metrics: %d", a.status)
	}
	for _, want := range []string{
		`farepipe_http_requests_total{code="200",route="GET /healthz"} 2`,
		`farepipe_http_requests_total{code="400",route="GET /v1/calendar"} 1`,
		`farepipe_http_requests_total{code="503",route="GET /v1/series/{id}/history"} 1`,
		`farepipe_http_requests_total{code="400",route="GET /v1/series/{id}/history"} 1`,
		`farepipe_http_request_duration_seconds_count{code="200",route="GET /healthz"} 2`,
		`farepipe_http_request_duration_seconds_bucket{code="400",route="GET /v1/calendar",le="+Inf"} 1`,
	} {
		if !strings.Contains(string(a.body), want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	if strings.Contains(string(a.body), "0123456789abcdef") {
		t.Error("/metrics labels a raw path")
	}
}

func TestTheDefaultRegistryHasRuntimeMetrics(t *testing.T) {
	t.Parallel()
	srv := serve(t, Options{Backend: clientOf(t, closedPort(t), "none")})
	if a := get(t, srv.URL+"/metrics"); !strings.Contains(string(a.body), "go_goroutines") {
		t.Errorf("/metrics lacks the Go runtime metrics")
	}
}

func TestRequestBodiesAreLimited(t *testing.T) {
	t.Parallel()
	srv := serve(t, Options{Backend: clientOf(t, closedPort(t), "none"), MaxBodyBytes: 16})
	a := do(t, "GET", srv.URL+"/healthz", strings.NewReader(strings.Repeat("x", 17)))
	if a.status != 413 {
		t.Errorf("GET with a 17-byte body, limit 16: %d, want 413", a.status)
	}
	if a := do(t, "GET", srv.URL+"/healthz", strings.NewReader("small")); a.status != 200 {
		t.Errorf("GET with a 5-byte body: %d, want 200", a.status)
	}
}

// elasticLike answers every request with status, as an Elasticsearch node
// in trouble would.
func elasticLike(t *testing.T, status int) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Elastic-Product", "Elasticsearch")
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		fmt.Fprintf(w, `{"error":{"type":"secret_internal_failure","reason":"shard [farepipe-latest][0] exploded"},"status":%d}`, status)
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// silent accepts connections and never answers.
func silent(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		var conns []net.Conn
		for {
			c, err := ln.Accept()
			if err != nil {
				for _, c := range conns {
					c.Close()
				}
				close(done)
				return
			}
			conns = append(conns, c)
		}
	}()
	t.Cleanup(func() { ln.Close(); <-done })
	return "http://" + ln.Addr().String()
}

// TestElasticsearchFailuresAreMappedWithoutLeaking checks the status of
// each kind of failure and that nothing of Elasticsearch's answer is
// passed on.
func TestElasticsearchFailuresAreMappedWithoutLeaking(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		url    string
		status int
		title  string
	}{
		{"unreachable", closedPort(t), 503, "SEARCH BACKEND UNAVAILABLE"},
		{"error answer", elasticLike(t, 500), 502, "SEARCH BACKEND ERROR"},
		{"bad request answer", elasticLike(t, 400), 502, "SEARCH BACKEND ERROR"},
		{"overloaded", elasticLike(t, 429), 503, "SEARCH BACKEND UNAVAILABLE"},
		{"too slow", silent(t), 504, "SEARCH TIMED OUT"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := serve(t, Options{Backend: clientOf(t, tt.url, "none"), RequestTimeout: 300 * time.Millisecond})
			for _, path := range []string{validCalendar, "/v1/price-metrics?origin=ICN&destination=NRT&departureDate=2027-01",
				"/v1/series/0123456789abcdef0123456789abcdef/history"} {
				a := get(t, srv.URL+path)
				if a.status != tt.status {
					t.Errorf("GET %s: %d, want %d: %s", path, a.status, tt.status, a.body)
					continue
				}
				if issues := a.issues(t); issues[0].Title != tt.title || issues[0].Detail != "" {
					t.Errorf("GET %s: %+v, want only the title %s", path, issues[0], tt.title)
				}
				for _, secret := range []string{"secret_internal_failure", "exploded", "farepipe-latest", "127.0.0.1", "deadline"} {
					if strings.Contains(string(a.body), secret) {
						t.Errorf("GET %s leaks %q: %s", path, secret, a.body)
					}
				}
			}
		})
	}
}

func TestNewNeedsABackend(t *testing.T) {
	if _, err := New(Options{}); err == nil {
		t.Error("New without a backend: no error")
	}
}
