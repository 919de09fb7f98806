package esindex

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/elastic/go-elasticsearch/v8"

	"github.com/farepipe/farepipe/internal/fare"
)

// scriptedES is a loopback Elasticsearch look-alike for tests of Index:
// it answers each bulk item as answer decides, keeps the latest documents
// it accepts and records every bulk request.
type scriptedES struct {
	t      *testing.T
	stored map[string]*Latest             // latest documents by series id
	price  int64                          // amount_minor of the change point _search finds
	answer func(op, id string, n int) int // status of the n-th attempt (from 1) at item id
	mu     sync.Mutex
	tries  map[string]int            // attempts by id
	bulks  []bulkRequest             // in order
	bodies map[string]map[string]any // last document sent, by id
}

type bulkRequest struct {
	path    string
	actions []string // action lines
}

func (es *scriptedES) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("X-Elastic-Product", "Elasticsearch")
	w.Header().Set("Content-Type", "application/json")
	body, _ := io.ReadAll(r.Body)
	switch p := r.URL.Path; {
	case strings.HasPrefix(p, "/_index_template/") && r.Method == http.MethodGet:
		w.WriteHeader(http.StatusNotFound)
		io.WriteString(w, `{"error":{"type":"resource_not_found_exception","reason":"no template"},"status":404}`)
	case strings.HasPrefix(p, "/_index_template/"):
		io.WriteString(w, `{"acknowledged":true}`)
	case strings.HasSuffix(p, "/_mget"):
		var req struct{ IDs []string }
		if err := json.Unmarshal(body, &req); err != nil {
			es.t.Errorf("_mget body %s: %v", body, err)
		}
		var docs []string
		for _, id := range req.IDs {
			if l := es.stored[id]; l != nil {
				docs = append(docs, fmt.Sprintf(`{"_id":%q,"found":true,"_source":%s}`, id, l.AppendJSON(nil)))
			} else {
				docs = append(docs, fmt.Sprintf(`{"_id":%q,"found":false}`, id))
			}
		}
		io.WriteString(w, `{"docs":[`+strings.Join(docs, ",")+`]}`)
	case strings.HasSuffix(p, "/_bulk"):
		es.bulk(w, p, body)
	case strings.HasSuffix(p, "/_search"):
		fmt.Fprintf(w, `{"hits":{"hits":[{"_source":{"amount_minor":%d}}]}}`, es.price)
	case strings.HasSuffix(p, "/_refresh"):
		io.WriteString(w, `{"_shards":{"total":1,"successful":1,"failed":0}}`)
	default:
		es.t.Errorf("unexpected request %s %s", r.Method, r.URL)
		w.WriteHeader(http.StatusBadRequest)
	}
}

func (es *scriptedES) bulk(w http.ResponseWriter, path string, body []byte) {
	es.mu.Lock()
	defer es.mu.Unlock()
	req := bulkRequest{path: path}
	var items []string
	sc := bufio.NewScanner(bytes.NewReader(body))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		req.actions = append(req.actions, sc.Text())
		var action map[string]struct {
			ID string `json:"_id"`
		}
		if err := json.Unmarshal(sc.Bytes(), &action); err != nil || len(action) != 1 || !sc.Scan() {
			es.t.Fatalf("bad bulk action line %s: %v", req.actions[len(req.actions)-1], err)
		}
		for op, a := range action {
			var doc map[string]any
			if err := json.Unmarshal(sc.Bytes(), &doc); err != nil {
				es.t.Errorf("document of %s: %v", a.ID, err)
			}
			es.bodies[a.ID] = doc
			es.tries[a.ID]++
			status := es.answer(op, a.ID, es.tries[a.ID])
			if op == "index" && status < 300 {
				l, err := ParseLatest(sc.Bytes())
				if err != nil {
					es.t.Errorf("latest document %s: %v", a.ID, err)
				}
				es.stored[a.ID] = l
			}
			item := fmt.Sprintf(`{%q:{"_index":"x","_id":%q,"status":%d`, op, a.ID, status)
			if status >= 300 {
				item += fmt.Sprintf(`,"error":{"type":"status_%d","reason":"answered %d"}`, status, status)
			}
			items = append(items, item+"}}")
		}
	}
	es.bulks = append(es.bulks, req)
	io.WriteString(w, `{"took":1,"errors":true,"items":[`+strings.Join(items, ",")+`]}`)
}

// indexLines indexes observations, written as curated lines, through es.
func indexLines(t *testing.T, es *scriptedES, cfg Config, obs ...fare.Observation) (Summary, []DeadLetter) {
	t.Helper()
	srv := httptest.NewServer(es)
	t.Cleanup(srv.Close)
	client, err := elasticsearch.NewClient(elasticsearch.Config{Addresses: []string{srv.URL}})
	if err != nil {
		t.Fatal(err)
	}
	var dead []DeadLetter
	cfg.Prefix, cfg.Backoff, cfg.MaxBackoff = "fp", time.Millisecond, 2*time.Millisecond
	cfg.DeadLetter = func(dl DeadLetter) error { dead = append(dead, dl); return nil }
	ix, err := New(client, cfg)
	if err != nil {
		t.Fatal(err)
	}
	var in []byte
	for _, o := range obs {
		in = append(o.AppendJSON(in), '\n')
	}
	sum, err := ix.Index(t.Context(), bytes.NewReader(in))
	if err != nil {
		t.Fatalf("Index: %v", err)
	}
	return sum, dead
}

func newScriptedES(t *testing.T, answer func(op, id string, n int) int) *scriptedES {
	if answer == nil {
		answer = func(op, _ string, _ int) int { return map[string]int{"create": 201, "index": 200}[op] }
	}
	return &scriptedES{t: t, stored: map[string]*Latest{}, answer: answer, tries: map[string]int{},
		bodies: map[string]map[string]any{}}
}

// obsOf returns an observation of the series of testKey with another
// carrier, at minute m of 2026-11-01, for won.
func obsOf(t *testing.T, carrier string, m int, won int64) fare.Observation {
	t.Helper()
	k := testKey
	k.Carrier = carrier
	price, err := fare.MoneyFromMinor(won, "KRW")
	if err != nil {
		t.Fatal(err)
	}
	return fare.NewObservation(k, time.Date(2026, 11, 1, 0, m, 0, 0, time.UTC), price, 1)
}

func TestIndexFoldsInterleavedSeries(t *testing.T) {
	a1, b1, a2, b2, a3 := obsOf(t, "KE", 1, 100), obsOf(t, "OZ", 1, 200), obsOf(t, "KE", 2, 90), obsOf(t, "OZ", 2, 200), obsOf(t, "KE", 2, 90)
	es := newScriptedES(t, nil)
	// Series C is stored, last seen at minute 10 for 300.
	c := obsOf(t, "7C", 0, 300)
	es.stored[c.SeriesID] = &Latest{Key: c.Key, SeriesID: c.SeriesID, Price: c.Price, ObservationID: c.ID,
		ChangedAt: c.ObservedAt, FirstSeen: c.ObservedAt, LastSeen: c.ObservedAt.Add(10 * time.Minute),
		Observations: 4, ChangePoints: 1}
	es.price = 300
	c11, c5 := obsOf(t, "7C", 11, 300), obsOf(t, "7C", 5, 300)

	// Two rounds: the second folds onto what the first wrote.
	sum, dead := indexLines(t, es, Config{ChunkSize: 4}, a1, b1, c11, a2, b2, a3, c5)

	if len(dead) != 0 {
		t.Errorf("dead letters %+v, want none", dead)
	}
	want := map[Outcome]int{Created: 3, Unchanged: 2, Duplicate: 1, Stale: 1}
	for o := Outcome(0); o < numOutcomes; o++ {
		if sum.Count(o) != want[o] {
			t.Errorf("%s = %d, want %d (summary %s)", o, sum.Count(o), want[o], sum)
		}
	}
	if sum.Read != 7 || !sum.Accounted() {
		t.Errorf("summary %s, want 7 read, all accounted", sum)
	}
	for _, o := range []fare.Observation{a1, b1, a2} {
		if got, want := es.bodies[o.ID], jsonObject(t, o.AppendJSON(nil)); !equalJSON(got, want) {
			t.Errorf("change point %s sent as %v, want %v", o.ID, got, want)
		}
	}
	if got := es.bodies[c.SeriesID]; got["last_seen"] != fare.FormatTime(c11.ObservedAt) || got["observations"] != 5.0 ||
		got["changed_at"] != fare.FormatTime(c.ObservedAt) {
		t.Errorf("latest of the stored series sent as %v, want last_seen %s, 5 observations, changed_at %s",
			got, fare.FormatTime(c11.ObservedAt), fare.FormatTime(c.ObservedAt))
	}
	if got := es.bodies[a1.SeriesID]; got["amount_minor"] != 90.0 || got["change_points"] != 2.0 || got["id"] != a2.ID {
		t.Errorf("latest of series A sent as %v, want 90 won from %s, 2 change points", got, a2.ID)
	}
	for _, req := range es.bulks {
		wantPath := "/fp-observations-2026.11/_bulk"
		if strings.Contains(req.actions[0], `"index"`) {
			wantPath = "/fp-latest/_bulk"
		}
		if req.path != wantPath {
			t.Errorf("bulk request to %s, want %s", req.path, wantPath)
		}
		for _, a := range req.actions {
			if strings.Contains(a, "_index") {
				t.Errorf("action line %s names its index; the URL does", a)
			}
		}
	}
}

func TestIndexRetriesAndClassifiesItems(t *testing.T) {
	ok, retried, dup, bad, staleLatest := obsOf(t, "KE", 1, 100), obsOf(t, "OZ", 1, 100), obsOf(t, "JL", 1, 100), obsOf(t, "NH", 1, 100), obsOf(t, "CX", 1, 100)
	es := newScriptedES(t, func(op, id string, n int) int {
		switch {
		case id == retried.ID && n == 1:
			return 429
		case id == dup.ID:
			return 409
		case id == bad.ID:
			return 400
		case id == staleLatest.SeriesID:
			return 409
		case op == "create":
			return 201
		}
		return 200
	})
	sum, dead := indexLines(t, es, Config{}, ok, retried, dup, bad, staleLatest)

	want := map[Outcome]int{Created: 3, Duplicate: 1, DeadLettered: 1}
	for o := Outcome(0); o < numOutcomes; o++ {
		if sum.Count(o) != want[o] {
			t.Errorf("%s = %d, want %d (summary %s)", o, sum.Count(o), want[o], sum)
		}
	}
	if sum.Retries != 1 || sum.Latest != 3 {
		t.Errorf("retries=%d latest_written=%d, want 1 and 3", sum.Retries, sum.Latest)
	}
	if len(dead) != 1 || dead[0].ID != bad.ID || dead[0].Status != 400 || dead[0].Type != "status_400" ||
		!bytes.Equal(dead[0].Record, bad.AppendJSON(nil)) {
		t.Fatalf("dead letters %+v, want one for %s with status 400 and its record", dead, bad.ID)
	}
	// The latest document of the rejected series is left alone.
	if tries := es.tries[bad.SeriesID]; tries != 0 {
		t.Errorf("latest of the series with a rejected change point written %d times, want 0", tries)
	}
}

func TestGroupSeries(t *testing.T) {
	a1, b1, a2, c1 := obsOf(t, "KE", 1, 1), obsOf(t, "OZ", 1, 1), obsOf(t, "KE", 2, 1), obsOf(t, "7C", 1, 1)
	tests := []struct {
		name  string
		chunk []fare.Observation
		want  [][]fare.Observation
	}{
		{"each series once", []fare.Observation{a1, b1, c1}, [][]fare.Observation{{a1}, {b1}, {c1}}},
		{"series together", []fare.Observation{a1, a2, b1}, [][]fare.Observation{{a1, a2}, {b1}}},
		{"series interleaved", []fare.Observation{a1, b1, a2, c1}, [][]fare.Observation{{a1, a2}, {b1}, {c1}}},
	}
	rn := &run{}
	for _, tt := range tests { // one run: buffers are reused
		t.Run(tt.name, func(t *testing.T) {
			rn.groupSeries(slices.Clone(tt.chunk))
			if len(rn.series) != len(tt.want) {
				t.Fatalf("%d series, want %d", len(rn.series), len(tt.want))
			}
			for i, s := range rn.series {
				if s.id != tt.want[i][0].SeriesID || !slices.Equal(s.obs, tt.want[i]) {
					t.Errorf("series %d = %s with %d observations, want %s with %d", i, s.id, len(s.obs),
						tt.want[i][0].SeriesID, len(tt.want[i]))
				}
			}
		})
	}
}

func jsonObject(t *testing.T, b []byte) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("%s: %v", b, err)
	}
	return m
}

func equalJSON(a, b map[string]any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return bytes.Equal(x, y)
}
