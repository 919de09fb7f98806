package api

import (
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/elastic/go-elasticsearch/v8"

	"github.com/farepipe/farepipe/internal/query"
)

// closedPort returns the URL of a loopback port nothing listens on.
func closedPort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return "http://" + addr
}

// clientOf returns a query client of the Elasticsearch node at url.
func clientOf(t *testing.T, url, prefix string) *query.Client {
	t.Helper()
	es, err := elasticsearch.NewClient(elasticsearch.Config{Addresses: []string{url}, MaxRetries: 1,
		RetryBackoff: func(int) time.Duration { return 10 * time.Millisecond }})
	if err != nil {
		t.Fatal(err)
	}
	return &query.Client{ES: es, Prefix: prefix}
}

// serve starts the API of opts on a loopback server for the test.
func serve(t *testing.T, opts Options) *httptest.Server {
	t.Helper()
	h, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

// answer is one HTTP answer.
type answer struct {
	status int
	header http.Header
	body   []byte
}

func do(t *testing.T, method, url string, body io.Reader) answer {
	t.Helper()
	req, err := http.NewRequest(method, url, body)
	if err != nil {
		t.Fatal(err)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return answer{status: res.StatusCode, header: res.Header, body: b}
}

func get(t *testing.T, url string) answer { t.Helper(); return do(t, http.MethodGet, url, nil) }

// decode decodes a JSON answer, failing the test if it is not JSON.
func (a answer) decode(t *testing.T, v any) {
	t.Helper()
	if ct := a.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("answer %d has Content-Type %q, want JSON: %s", a.status, ct, a.body)
	}
	if err := json.Unmarshal(a.body, v); err != nil {
		t.Fatalf("answer %d is not the JSON expected: %v\n%s", a.status, err, a.body)
	}
}

// issues decodes an error answer.
func (a answer) issues(t *testing.T) []Issue {
	t.Helper()
	var doc ErrorDocument
	a.decode(t, &doc)
	if len(doc.Errors) == 0 {
		t.Fatalf("error answer %d without errors: %s", a.status, a.body)
	}
	for _, is := range doc.Errors {
		if is.Status != a.status {
			t.Errorf("issue %+v has status %d in an answer %d", is, is.Status, a.status)
		}
	}
	return doc.Errors
}
