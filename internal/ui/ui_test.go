package ui

import (
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/farepipe/farepipe/internal/api"
	"github.com/farepipe/farepipe/internal/query"
)

func request(t *testing.T, h http.Handler, method, path string, header ...string) *http.Response {
	t.Helper()
	r := httptest.NewRequest(method, path, nil)
	for i := 0; i+1 < len(header); i += 2 {
		r.Header.Set(header[i], header[i+1])
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w.Result()
}

func body(t *testing.T, res *http.Response) string {
	t.Helper()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestHandlerServesTheFiles(t *testing.T) {
	h := Handler()
	tests := []struct {
		path, contentType, contains string
	}{
		{"/", "text/html; charset=utf-8", `<form id="search"`},
		{"/index.html", "text/html; charset=utf-8", `<form id="search"`},
		{"/app.js", "text/javascript; charset=utf-8", "import {"},
		{"/calendar.js", "text/javascript; charset=utf-8", "export function renderMonth"},
		{"/chart.js", "text/javascript; charset=utf-8", "export function stepChart"},
		{"/style.css", "text/css; charset=utf-8", ".days"},
		{"/favicon.svg", "image/svg+xml", "<svg"},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			res := request(t, h, http.MethodGet, tt.path)
			b := body(t, res)
			if res.StatusCode != http.StatusOK {
				t.Fatalf("GET %s: %d %s", tt.path, res.StatusCode, b)
			}
			for k, want := range map[string]string{
				"Content-Type":            tt.contentType,
				"Content-Security-Policy": ContentSecurityPolicy,
				"X-Content-Type-Options":  "nosniff",
				"Cache-Control":           "no-cache",
			} {
				if got := res.Header.Get(k); got != want {
					t.Errorf("GET %s: %s = %q, want %q", tt.path, k, got, want)
				}
			}
			if !strings.Contains(b, tt.contains) {
				t.Errorf("GET %s: body lacks %q", tt.path, tt.contains)
			}
			etag := res.Header.Get("ETag")
			if etag == "" {
				t.Fatalf("GET %s: no ETag", tt.path)
			}
			again := request(t, h, http.MethodGet, tt.path, "If-None-Match", etag)
			if again.StatusCode != http.StatusNotModified {
				t.Errorf("GET %s with If-None-Match %s: %d, want 304", tt.path, etag, again.StatusCode)
			}
		})
	}
}

func TestHandlerRefuses(t *testing.T) {
	h := Handler()
	tests := []struct {
		name, method, path string
		status             int
	}{
		{"unknown file", http.MethodGet, "/nope.js", http.StatusNotFound},
		{"directory", http.MethodGet, "/static/", http.StatusNotFound},
		{"path climbing", http.MethodGet, "/../ui.go", http.StatusNotFound},
		{"post", http.MethodPost, "/", http.StatusMethodNotAllowed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := request(t, h, tt.method, tt.path)
			if res.StatusCode != tt.status {
				t.Errorf("%s %s: %d, want %d", tt.method, tt.path, res.StatusCode, tt.status)
			}
			if got := res.Header.Get("Content-Security-Policy"); got != ContentSecurityPolicy {
				t.Errorf("%s %s: no content security policy (%q)", tt.method, tt.path, got)
			}
		})
	}
}

func TestHeadHasNoBody(t *testing.T) {
	res := request(t, Handler(), http.MethodHead, "/app.js")
	if b := body(t, res); res.StatusCode != http.StatusOK || b != "" {
		t.Errorf("HEAD /app.js: %d with %d bytes, want 200 and none", res.StatusCode, len(b))
	}
}

// The policy allows no inline script or style, so the page must have
// none: every script is a file, every style in style.css, no handler
// attributes.
func TestPageHasNothingInline(t *testing.T) {
	b, err := fs.ReadFile(static, "static/index.html")
	if err != nil {
		t.Fatal(err)
	}
	page := string(b)
	tests := []struct {
		name string
		re   string
	}{
		{"inline script", `<script(?:\s[^>]*)?>\s*[^<\s]`},
		{"style element", `<style[\s>]`},
		{"style attribute", `\sstyle\s*=`},
		{"event handler attribute", `\son[a-z]+\s*=`},
		{"javascript: URL", `javascript:`},
		{"external URL", `(?:src|href)\s*=\s*"(?:https?:)?//`},
	}
	for _, tt := range tests {
		if m := regexp.MustCompile(tt.re).FindString(page); m != "" {
			t.Errorf("index.html has an %s: %q", tt.name, m)
		}
	}
	scripts := regexp.MustCompile(`<script[^>]*>`).FindAllString(page, -1)
	if len(scripts) == 0 {
		t.Error("index.html loads no script")
	}
	for _, s := range scripts {
		if !strings.Contains(s, ` src="/`) || !strings.Contains(s, `type="module"`) {
			t.Errorf("index.html has %s, want only module scripts from files", s)
		}
	}
}

// Every file the page or a module refers to is embedded.
func TestReferencesResolve(t *testing.T) {
	refs := map[string]*regexp.Regexp{
		"static/index.html":  regexp.MustCompile(`(?:src|href)="(/[^"]*)"`),
		"static/app.js":      regexp.MustCompile(`from '\./([^']+)'`),
		"static/calendar.js": regexp.MustCompile(`from '\./([^']+)'`),
		"static/chart.js":    regexp.MustCompile(`from '\./([^']+)'`),
	}
	h := Handler()
	for file, re := range refs {
		b, err := fs.ReadFile(static, file)
		if err != nil {
			t.Fatal(err)
		}
		matches := re.FindAllStringSubmatch(string(b), -1)
		if len(matches) == 0 {
			t.Errorf("%s refers to nothing: the pattern is stale", file)
		}
		for _, m := range matches {
			path := "/" + strings.TrimPrefix(m[1], "/")
			if path == "/openapi.json" {
				continue // the API's
			}
			if res := request(t, h, http.MethodGet, path); res.StatusCode != http.StatusOK {
				t.Errorf("%s refers to %s: GET answers %d", file, m[1], res.StatusCode)
			}
		}
	}
}

// Mounted in the API, the page has "/" and the API keeps /v1/.
func TestMountedInTheAPI(t *testing.T) {
	h, err := api.New(api.Options{Backend: &query.Client{}, UI: Handler()})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		path, contentType string
		status            int
	}{
		{"/", "text/html; charset=utf-8", http.StatusOK},
		{"/app.js", "text/javascript; charset=utf-8", http.StatusOK},
		{"/v1/nope", "application/json", http.StatusNotFound},
		{"/openapi.json", "application/json", http.StatusOK},
	}
	for _, tt := range tests {
		res := request(t, h, http.MethodGet, tt.path)
		if res.StatusCode != tt.status || res.Header.Get("Content-Type") != tt.contentType {
			t.Errorf("GET %s: %d %s, want %d %s", tt.path, res.StatusCode, res.Header.Get("Content-Type"), tt.status, tt.contentType)
		}
	}
}
