package integration

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"testing"
)

// faultProxy stands between a client and the real Elasticsearch node. It
// answers whole bulk and mget requests with a status of its choosing, or
// drops their connection without an answer, as a node that dies does, and
// it answers single bulk items with a status of its choosing: those items
// never reach the node, the others do, and their real answers are merged
// back in order. Every other request goes through as it is.
type faultProxy struct {
	URL    string
	target *url.URL
	proxy  *httputil.ReverseProxy

	mu sync.Mutex
	// item, when set, returns a status to answer a bulk item with instead
	// of forwarding it; 0 forwards. index is the index in the request's
	// path (esindex names it there, not per item).
	item func(index, action, id string) int
	// request, when set, returns a status to answer a whole _bulk or
	// _mget request with instead of forwarding it, or dropConnection; 0
	// forwards.
	request func() int
}

// The statuses request returns to close the connection with no answer:
// before the request reaches the node, or after the node answered it (its
// writes are done, the client does not know).
const (
	dropConnection = -1
	dropAnswer     = -2
)

func newFaultProxy(t *testing.T, target string) *faultProxy {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	p := &faultProxy{target: u, proxy: httputil.NewSingleHostReverseProxy(u)}
	srv := httptest.NewServer(http.HandlerFunc(p.serve))
	t.Cleanup(srv.Close)
	p.URL = srv.URL
	return p
}

// set changes the faults under the proxy's lock.
func (p *faultProxy) set(f func(p *faultProxy)) {
	p.mu.Lock()
	defer p.mu.Unlock()
	f(p)
}

func (p *faultProxy) serve(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	item, request := p.item, p.request
	p.mu.Unlock()
	bulkOrMget := strings.HasSuffix(r.URL.Path, "/_bulk") || strings.HasSuffix(r.URL.Path, "/_mget")
	if request != nil && bulkOrMget {
		switch status := request(); status {
		case 0:
		case dropConnection:
			_, _ = io.Copy(io.Discard, r.Body)
			panic(http.ErrAbortHandler) // the server closes the connection unanswered
		case dropAnswer:
			p.forward(httptest.NewRecorder(), r, item)
			panic(http.ErrAbortHandler)
		default:
			_, _ = io.Copy(io.Discard, r.Body)
			answer(w, status, fmt.Sprintf(`{"error":{"type":"fault_injected","reason":"status %d injected"},"status":%d}`, status, status))
			return
		}
	}
	p.forward(w, r, item)
}

// forward sends r to the node, with the item faults of item.
func (p *faultProxy) forward(w http.ResponseWriter, r *http.Request, item func(index, action, id string) int) {
	if item != nil && strings.HasSuffix(r.URL.Path, "/_bulk") {
		p.bulk(w, r, item)
		return
	}
	p.proxy.ServeHTTP(w, r)
}

func answer(w http.ResponseWriter, status int, body string) {
	w.Header().Set("X-Elastic-Product", "Elasticsearch")
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	io.WriteString(w, body)
}

// bulk forwards the items item lets through and answers the others with
// the status it chose, each in its place.
func (p *faultProxy) bulk(w http.ResponseWriter, r *http.Request, item func(index, action, id string) int) {
	index := strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, "/"), "/_bulk")
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	type slot struct {
		action, id string
		status     int // injected; 0 when forwarded
	}
	var slots []slot
	var forward bytes.Buffer
	sc := bufio.NewScanner(bytes.NewReader(body))
	sc.Buffer(make([]byte, 0, 1<<20), 64<<20)
	for sc.Scan() {
		line := sc.Bytes()
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		var meta map[string]struct {
			ID string `json:"_id"`
		}
		if err := json.Unmarshal(line, &meta); err != nil || len(meta) != 1 {
			http.Error(w, "fault proxy: bad action line "+string(line), http.StatusBadRequest)
			return
		}
		var s slot
		for a, m := range meta {
			s.action, s.id = a, m.ID
		}
		s.status = item(index, s.action, s.id)
		lines := [][]byte{append([]byte(nil), line...)}
		if s.action != "delete" && sc.Scan() {
			lines = append(lines, append([]byte(nil), sc.Bytes()...))
		}
		if s.status == 0 {
			for _, l := range lines {
				forward.Write(l)
				forward.WriteByte('\n')
			}
		}
		slots = append(slots, s)
	}
	var real []json.RawMessage
	if forward.Len() > 0 {
		u := *p.target
		u.Path, u.RawQuery = r.URL.Path, r.URL.RawQuery
		req, err := http.NewRequestWithContext(r.Context(), http.MethodPost, u.String(), &forward)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		req.Header.Set("Content-Type", "application/x-ndjson")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		defer res.Body.Close()
		data, _ := io.ReadAll(res.Body)
		if res.StatusCode != http.StatusOK {
			answer(w, res.StatusCode, string(data))
			return
		}
		var out struct {
			Items []json.RawMessage `json:"items"`
		}
		if err := json.Unmarshal(data, &out); err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		real = out.Items
	}
	var b strings.Builder
	b.WriteString(`{"errors":true,"items":[`)
	for i, s := range slots {
		if i > 0 {
			b.WriteByte(',')
		}
		if s.status == 0 {
			if len(real) == 0 {
				http.Error(w, "fault proxy: fewer answers than items", http.StatusBadGateway)
				return
			}
			b.Write(real[0])
			real = real[1:]
			continue
		}
		fmt.Fprintf(&b, `{%q:{"_id":%q,"status":%d,"error":{"type":"fault_injected","reason":"status %d injected"}}}`,
			s.action, s.id, s.status, s.status)
	}
	b.WriteString("]}")
	answer(w, http.StatusOK, b.String())
}
