package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// loopTransport sends requests to a test server, as the Elasticsearch
// client sends them to its node.
type loopTransport struct{ base *url.URL }

func (t loopTransport) Perform(req *http.Request) (*http.Response, error) {
	req.URL.Scheme, req.URL.Host = t.base.Scheme, t.base.Host
	return http.DefaultTransport.RoundTrip(req)
}

// TestBareSendsWhatWasRecorded records two searches through the recorder
// and checks that bare sends the same method, path and body again, and
// refuses an answer of another length.
func TestBareSendsWhatWasRecorded(t *testing.T) {
	var got []string
	answer := `{"hits":{"hits":[]}}`
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		got = append(got, r.Method+" "+r.URL.RequestURI()+" "+string(body))
		_, _ = io.WriteString(w, answer)
	}))
	defer srv.Close()
	base, _ := url.Parse(srv.URL)
	rec := &recorder{es: loopTransport{base}}
	send := func(path, body string) error {
		req, _ := http.NewRequest(http.MethodPost, path, strings.NewReader(body))
		res, err := rec.Perform(req)
		if err != nil {
			return err
		}
		defer res.Body.Close()
		b, err := io.ReadAll(res.Body)
		if string(b) != answer {
			t.Errorf("the recorder passed on %q, want %q", b, answer)
		}
		return err
	}
	if err := send("/x-latest/_search?size=0", `{"aggs":{}}`); err != nil { // not recorded
		t.Fatal(err)
	}
	plan, err := rec.record(func() error {
		if err := send("/x-latest/_search?filter_path=aggregations", `{"size":0}`); err != nil {
			return err
		}
		return send("/x-latest/_search?filter_path=hits", `{"size":1000}`)
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(plan) != 2 {
		t.Fatalf("recorded %d requests, want 2", len(plan))
	}
	b := newBare(srv.URL, 1)
	b.plans[planKey{0, oneWayTrip.Name}] = plan
	got = nil
	var buf bytes.Buffer
	n, err := b.get(context.Background(), 0, oneWayTrip, &buf)
	if err != nil || n != 2*len(answer) {
		t.Errorf("get() = %d, %v, want %d, nil", n, err, 2*len(answer))
	}
	want := []string{
		`POST /x-latest/_search?filter_path=aggregations {"size":0}`,
		`POST /x-latest/_search?filter_path=hits {"size":1000}`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("bare sent\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	answer = `{"hits":{"hits":[{}]}}`
	if _, err := b.get(context.Background(), 0, oneWayTrip, &buf); err == nil {
		t.Error("get() of an answer of another length: no error")
	}
	if _, err := b.get(context.Background(), 1, oneWayTrip, &buf); err == nil {
		t.Error("get() of a route not recorded: no error")
	}
}
