package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/elastic/go-elasticsearch/v8/esapi"
)

// esRequest is one request farepipe sent to Elasticsearch, as sent: method,
// path with its query string, and body; and the length of the answer.
type esRequest struct {
	Method, Path string
	Body         []byte
	AnswerLen    int
}

// recorder is the Elasticsearch transport of the API under measurement: it
// passes every request on and, while recording, keeps a copy of each, so
// that the very queries farepipe builds can be sent again without it.
type recorder struct {
	es        esapi.Transport
	recording atomic.Bool
	mu        sync.Mutex
	got       []esRequest
}

var _ esapi.Transport = (*recorder)(nil)

// Perform sends req through the wrapped transport.
func (r *recorder) Perform(req *http.Request) (*http.Response, error) {
	if !r.recording.Load() {
		return r.es.Perform(req)
	}
	var body []byte
	if req.Body != nil {
		var err error
		if body, err = io.ReadAll(req.Body); err != nil {
			return nil, fmt.Errorf("recording %s: %w", req.URL.Path, err)
		}
		req.Body.Close()
		req.Body = io.NopCloser(bytes.NewReader(body))
		req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
		req.ContentLength = int64(len(body))
	}
	res, err := r.es.Perform(req)
	if err != nil {
		return res, err
	}
	answer, err := io.ReadAll(res.Body)
	res.Body.Close()
	if err != nil {
		return nil, fmt.Errorf("recording the answer to %s: %w", req.URL.Path, err)
	}
	res.Body = io.NopCloser(bytes.NewReader(answer))
	r.mu.Lock()
	defer r.mu.Unlock()
	r.got = append(r.got, esRequest{Method: req.Method, Path: req.URL.RequestURI(), Body: body, AnswerLen: len(answer)})
	return res, nil
}

// record returns the requests farepipe sends to Elasticsearch while do
// runs. Only one record may run at a time.
func (r *recorder) record(do func() error) ([]esRequest, error) {
	r.mu.Lock()
	r.got = nil
	r.mu.Unlock()
	r.recording.Store(true)
	err := do()
	r.recording.Store(false)
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.got, err
}

// planKey names the calendar of one route and trip.
type planKey struct {
	route int
	trip  string
}

// bare sends the Elasticsearch requests farepipe sends for a calendar
// straight to the node, one after the other as farepipe does, with
// nothing around them: no API, no decoding, no answer built. Its latency
// is the floor of farepipe's.
type bare struct {
	es     string
	client *http.Client
	plans  map[planKey][]esRequest
}

func newBare(esURL string, clients int) *bare {
	return &bare{es: strings.TrimSuffix(esURL, "/"), plans: map[planKey][]esRequest{}, client: &http.Client{
		Timeout:   30 * time.Second,
		Transport: &http.Transport{MaxIdleConnsPerHost: clients, MaxConnsPerHost: clients, DisableCompression: true},
	}}
}

// get sends the requests of the calendar of route i and trip t, reading
// each answer whole into buf, and checks each is 200 with the length
// farepipe was answered with. It returns the bytes read.
func (b *bare) get(ctx context.Context, i int, t trip, buf *bytes.Buffer) (int, error) {
	plan := b.plans[planKey{i, t.Name}]
	if len(plan) == 0 {
		return 0, fmt.Errorf("no recorded requests for route %d %s", i, t.Name)
	}
	total := 0
	for _, q := range plan {
		req, err := http.NewRequestWithContext(ctx, q.Method, b.es+q.Path, bytes.NewReader(q.Body))
		if err != nil {
			return total, err
		}
		req.Header.Set("Content-Type", "application/json")
		res, err := b.client.Do(req)
		if err != nil {
			return total, err
		}
		buf.Reset()
		_, err = buf.ReadFrom(res.Body)
		res.Body.Close()
		total += buf.Len()
		if err != nil {
			return total, fmt.Errorf("reading the answer to %s: %w", q.Path, err)
		}
		if res.StatusCode != http.StatusOK || buf.Len() != q.AnswerLen {
			return total, fmt.Errorf("%s %s: HTTP %d, %d bytes, want 200 and %d bytes: %.200s",
				q.Method, q.Path, res.StatusCode, buf.Len(), q.AnswerLen, buf.Bytes())
		}
	}
	return total, nil
}
