package integration

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/farepipe/farepipe/internal/fare"
	"github.com/farepipe/farepipe/internal/ndjson"
)

// TestReadmeDemoPathRunsTheWholePipeline runs the commands README.md gives:
// farepipe run on synthetic fares into MinIO and Elasticsearch, then
// farepipe calendar, and checks the calendar against the indexed data.
func TestReadmeDemoPathRunsTheWholePipeline(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	r := e.must("farepipe", "run", "--routes", "ICN-NRT,ICN-KIX", "--from", "2027-01-01", "--days", "10",
		"--stay", "3,7", "--observed-at", "2026-11-21T06:00:00Z", "--prefix", e.keys)
	for _, stage := range []string{"fetch      40 searches: 40 answered", "land       s3://", "transform  40 envelopes", "index      "} {
		if !strings.Contains(r.stdout, stage) {
			t.Errorf("farepipe run output lacks %q:\n%s", stage, r.stdout)
		}
	}
	latest := e.latest()
	if len(latest) == 0 || len(e.observations()) != len(latest) {
		t.Fatalf("after one run: %d latest documents, %d observations; want the same non-zero number", len(latest), len(e.observations()))
	}

	cal := e.must("farepipe", "calendar", "--origin", "ICN", "--destination", "NRT", "--from", "2027-01-01",
		"--to", "2027-01-10", "--json")
	var got struct {
		Data []struct {
			Departure  string `json:"departureDate"`
			PriceMinor int64  `json:"priceMinor"`
			SeriesID   string `json:"seriesId"`
		} `json:"data"`
	}
	if err := json.Unmarshal([]byte(cal.stdout), &got); err != nil {
		t.Fatalf("calendar --json: %v\n%s", err, cal.stdout)
	}
	want := map[string]int64{} // cheapest round trip per departure date, from the documents themselves
	for _, d := range latest {
		s := d.Source
		if s["origin"] != "ICN" || s["destination"] != "NRT" || s["return_date"] == "" {
			continue
		}
		dep, price := s["departure_date"].(string), int64(s["amount_minor"].(float64))
		if cur, ok := want[dep]; !ok || price < cur {
			want[dep] = price
		}
	}
	if len(got.Data) != 10 || len(want) != 10 {
		t.Fatalf("calendar has %d dates, the documents %d; want 10", len(got.Data), len(want))
	}
	for _, entry := range got.Data {
		if want[entry.Departure] != entry.PriceMinor {
			t.Errorf("calendar %s: %d, want the cheapest document price %d", entry.Departure, entry.PriceMinor, want[entry.Departure])
		}
	}
	table := e.must("farepipe", "calendar", "--origin", "ICN", "--destination", "NRT", "--from", "2027-01-01", "--to", "2027-01-10")
	if strings.Count(table.stdout, "cheapest") != 1 {
		t.Errorf("calendar table marks %d cheapest dates, want 1:\n%s", strings.Count(table.stdout, "cheapest"), table.stdout)
	}
}

// fetchAndLand fetches a small synthetic plan at observedAt and lands it in
// the test's prefix; it returns the raw object's URI.
func (e *env) fetchAndLand(observedAt string) string {
	e.t.Helper()
	batch := e.t.TempDir() + "/batch.ndjson.gz"
	e.must("fetch", "--routes", "ICN-NRT", "--from", "2027-02-01", "--days", "5", "--observed-at", observedAt,
		"--out", "file://"+batch)
	r := e.must("land", "--in", batch, "--to", "s3://"+e.s3.Bucket+"/"+e.keys)
	return strings.TrimSpace(r.outputs["uris"])
}

// ingest runs transform then index on a raw object, the way the ingest
// workflow does, and returns the index step's output parameters.
func (e *env) ingest(rawURI string) map[string]string {
	e.t.Helper()
	tr := e.must("transform", "--in", rawURI)
	ix := e.must("index", "--in", tr.outputs["curated"])
	return ix.outputs
}

// TestSameRawObjectThreeTimesIndexesOnce proves idempotency: transform and
// index over one raw object three times leave exactly the documents, with
// the same contents and versions, of one pass.
func TestSameRawObjectThreeTimesIndexesOnce(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	raw := e.fetchAndLand("2026-11-21T06:00:00Z")
	first := e.ingest(raw)
	obs, latest := e.observations(), e.latest()
	if n, _ := strconv.Atoi(first["created"]); n == 0 || n != len(obs) {
		t.Fatalf("first pass created %s change points, index holds %d", first["created"], len(obs))
	}
	for pass := 2; pass <= 3; pass++ {
		out := e.ingest(raw)
		if out["created"] != "0" || out["duplicate"] != out["read"] {
			t.Errorf("pass %d: created=%s duplicate=%s read=%s; want every record a duplicate", pass, out["created"], out["duplicate"], out["read"])
		}
		if got := e.observations(); !reflect.DeepEqual(got, obs) {
			t.Errorf("pass %d changed the observations: %d documents, want %d identical", pass, len(got), len(obs))
		}
		if got := e.latest(); !reflect.DeepEqual(got, latest) {
			t.Errorf("pass %d changed the latest documents", pass)
		}
	}
	// The land step too: the same batch again is the same object.
	again := e.fetchAndLand("2026-11-21T06:00:00Z")
	if again != raw {
		t.Errorf("landing the same batch again gave %s, want %s", again, raw)
	}
}

var series = fare.SeriesKey{Source: "synthetic", Origin: "ICN", Destination: "NRT", Departure: "2027-03-01",
	Cabin: "ECONOMY", NonStop: true, Carrier: "KE", Currency: "KRW"}

// curated writes observations of series as a curated object.
func (e *env) curated(name string, points ...point) string {
	e.t.Helper()
	var buf bytes.Buffer
	w := ndjson.NewWriter(&buf)
	for _, p := range points {
		price, err := fare.MoneyFromMinor(p.won, "KRW")
		if err != nil {
			e.t.Fatal(err)
		}
		o := fare.NewObservation(series, p.at, price, 1)
		if err := w.WriteLine(o.AppendJSON(nil)); err != nil {
			e.t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		e.t.Fatal(err)
	}
	return e.put("curated/"+name+".ndjson.gz", buf.Bytes())
}

type point struct {
	at  time.Time
	won int64
}

func hour(h int) time.Time { return time.Date(2026, 11, 21, h, 0, 0, 0, time.UTC) }

// latestOf returns the one latest document, checking there is one.
func (e *env) latestOf() map[string]any {
	e.t.Helper()
	l := e.latest()
	if len(l) != 1 {
		e.t.Fatalf("%d latest documents, want 1", len(l))
	}
	return l[0].Source
}

// TestOutOfOrderObservationsNeverMoveLatestBackwards delivers a series'
// observations newest first and checks the latest document stays on the
// newest, while older price changes still reach the change log.
func TestOutOfOrderObservationsNeverMoveLatestBackwards(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	steps := []struct {
		name       string
		point      point
		wantLast   time.Time
		wantPrice  float64
		wantPoints int
	}{
		{"newest first", point{hour(9), 300000}, hour(9), 300000, 1},
		{"an older, different price", point{hour(6), 100000}, hour(9), 300000, 2},
		{"an older, same price as the one before it", point{hour(7), 100000}, hour(9), 300000, 2},
		{"between, a new price", point{hour(8), 250000}, hour(9), 300000, 3},
		{"newer again", point{hour(10), 280000}, hour(10), 280000, 4},
	}
	for i, s := range steps {
		uri := e.curated(fmt.Sprintf("step-%d", i), s.point)
		e.must("index", "--in", uri)
		l := e.latestOf()
		if l["last_seen"] != fare.FormatTime(s.wantLast) || l["amount_minor"] != s.wantPrice {
			t.Errorf("after %s: latest last_seen=%v amount=%v, want %s and %.0f", s.name, l["last_seen"], l["amount_minor"],
				fare.FormatTime(s.wantLast), s.wantPrice)
		}
		if got := len(e.observations()); got != s.wantPoints {
			t.Errorf("after %s: %d change points, want %d", s.name, got, s.wantPoints)
		}
	}
}

// TestUnchangedPricesFoldIntoLatest polls one series five times at one price
// and then once at another: one change point and a count of 5, then
// exactly one more change point.
func TestUnchangedPricesFoldIntoLatest(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	for h := 1; h <= 5; h++ {
		out := e.must("index", "--in", e.curated(fmt.Sprintf("poll-%d", h), point{hour(h), 120000})).outputs
		want := "unchanged"
		if h == 1 {
			want = "created"
		}
		if out[want] != "1" {
			t.Errorf("poll %d: outcomes %v, want it %s", h, out, want)
		}
	}
	l := e.latestOf()
	if got := len(e.observations()); got != 1 {
		t.Errorf("5 polls of one price stored %d change points, want 1", got)
	}
	if l["observations"] != 5.0 || l["first_seen"] != fare.FormatTime(hour(1)) || l["last_seen"] != fare.FormatTime(hour(5)) ||
		l["changed_at"] != fare.FormatTime(hour(1)) {
		t.Errorf("latest after 5 polls: %v", l)
	}

	e.must("index", "--in", e.curated("poll-6", point{hour(6), 99000}))
	l = e.latestOf()
	if got := len(e.observations()); got != 2 {
		t.Errorf("a price change made %d change points, want 2", got)
	}
	if l["observations"] != 6.0 || l["change_points"] != 2.0 || l["changed_at"] != fare.FormatTime(hour(6)) || l["amount"] != "99000" {
		t.Errorf("latest after the change: %v", l)
	}

	// Polling again with the real fetch path: the same market polled on one
	// day keeps its prices, so every series folds instead of growing.
	e2 := newEnv(t)
	for i, at := range []string{"2026-11-21T06:00:00Z", "2026-11-21T08:00:00Z", "2026-11-21T10:00:00Z",
		"2026-11-21T12:00:00Z", "2026-11-21T14:00:00Z"} {
		out := e2.ingest(e2.fetchAndLand(at))
		if i > 0 && (out["created"] != "0" || out["unchanged"] != out["read"]) {
			t.Errorf("poll %d of the same day: %v, want every observation unchanged", i+1, out)
		}
	}
	for _, d := range e2.latest() {
		if d.Source["observations"] != 5.0 || d.Source["change_points"] != 1.0 {
			t.Fatalf("series %s after 5 polls: observations=%v change_points=%v, want 5 and 1", d.ID,
				d.Source["observations"], d.Source["change_points"])
		}
	}
	if len(e2.observations()) != len(e2.latest()) {
		t.Errorf("%d change points for %d series after 5 unchanged polls", len(e2.observations()), len(e2.latest()))
	}
}
