package transform

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/farepipe/farepipe/internal/fare"
	"github.com/farepipe/farepipe/internal/ndjson"
	"github.com/farepipe/farepipe/internal/raw"
)

var update = flag.Bool("update", false, "rewrite golden files")

var fetchedAt = time.Date(2026, 11, 21, 6, 0, 0, 0, time.UTC)

// clock is the time of every test run: an hour after fetchedAt.
var clock = fetchedAt.Add(time.Hour)

// exampleBody returns the Flight Offers Search example response, decoded
// generically so that tests can bend it.
func exampleBody(t *testing.T) map[string]any {
	t.Helper()
	data, err := os.ReadFile("testdata/syd-bkk.json")
	if err != nil {
		t.Fatal(err)
	}
	var body map[string]any
	if err := json.Unmarshal(data, &body); err != nil {
		t.Fatal(err)
	}
	return body
}

func envelopeLine(t *testing.T, search raw.Search, status int, body any) []byte {
	t.Helper()
	return envelopeAt(t, search, fetchedAt, status, body)
}

// envelopeAt returns an envelope line fetched at at.
func envelopeAt(t *testing.T, search raw.Search, at time.Time, status int, body any) []byte {
	t.Helper()
	b, err := json.Marshal(body)
	if err != nil {
		t.Fatal(err)
	}
	line, err := json.Marshal(raw.Envelope{Provider: "amadeus", Search: search, FetchedAt: at, Status: status, Body: b})
	if err != nil {
		t.Fatal(err)
	}
	return line
}

var sydBkk = raw.Search{Origin: "SYD", Destination: "BKK", Departure: "2021-11-01", Adults: 1}

func gzipLines(t *testing.T, lines ...[]byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := ndjson.NewWriter(&buf)
	for _, l := range lines {
		if err := w.WriteLine(l); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// readAll decodes a gzip NDJSON output into generic records.
func readAll(t *testing.T, data []byte) []map[string]any {
	t.Helper()
	r, err := ndjson.NewReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	var out []map[string]any
	for {
		line, _, err := r.Next()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]any
		if err := json.Unmarshal(line, &m); err != nil {
			t.Fatal(err)
		}
		out = append(out, m)
	}
}

func run(t *testing.T, in []byte) (Counts, []map[string]any, []map[string]any, []byte) {
	t.Helper()
	var cur, qua bytes.Buffer
	sum, err := StreamEnvelopes(context.Background(), bytes.NewReader(in), &cur, &qua, Options{Source: "s3://b/raw/x.ndjson.gz",
		Times: fare.TimeBounds{Now: func() time.Time { return clock }}})
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	return sum, readAll(t, cur.Bytes()), readAll(t, qua.Bytes()), cur.Bytes()
}

func TestRunGolden(t *testing.T) {
	in := gzipLines(t, envelopeLine(t, sydBkk, 200, exampleBody(t)))
	sum, obs, rej, _ := run(t, in)
	if sum.Observations != 1 || sum.Offers != 2 || sum.Rejected() != 0 || len(rej) != 0 {
		t.Fatalf("summary %s, %d rejections; want 1 observation of 2 offers, none rejected", sum, len(rej))
	}
	got, _ := json.MarshalIndent(obs, "", "  ")
	const golden = "testdata/syd-bkk.golden.json"
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("observations differ from %s (run with -update after checking):\n%s", golden, got)
	}
}

func TestRunIsDeterministic(t *testing.T) {
	in := gzipLines(t, envelopeLine(t, sydBkk, 200, exampleBody(t)))
	_, _, _, a := run(t, in)
	_, _, _, b := run(t, in)
	if !bytes.Equal(a, b) {
		t.Error("two runs over the same input wrote different bytes")
	}
}

func TestRunQuarantinesBadRecordsAndKeepsGoodOnes(t *testing.T) {
	body := exampleBody(t)
	offers := body["data"].([]any)
	offer := func(i int) map[string]any {
		b, _ := json.Marshal(offers[i])
		var m map[string]any
		json.Unmarshal(b, &m)
		return m
	}
	negative, unknownCurrency, good := offer(0), offer(1), offer(0)
	negative["price"].(map[string]any)["total"] = "-12.00"
	unknownCurrency["price"].(map[string]any)["currency"] = "XYZ"
	good["validatingAirlineCodes"] = []any{"TG"}
	good["price"].(map[string]any)["grandTotal"] = "400.00"
	mixed := map[string]any{"data": []any{negative, unknownCurrency, good}}

	badIATA := sydBkk
	badIATA.Origin = "SY1"
	var lines [][]byte
	lines = append(lines,
		envelopeLine(t, sydBkk, 200, body),          // 1: good
		[]byte(`{"provider":"amadeus","request":{`), // 2: malformed JSON
		envelopeLine(t, badIATA, 200, body),         // 3: bad IATA code
		envelopeLine(t, sydBkk, 200, mixed),         // 4: two bad offers, one good
		envelopeLine(t, sydBkk, 500, map[string]any{"errors": []any{map[string]any{"status": 500, "code": 141, "title": "SYSTEM ERROR HAS OCCURRED"}}}), // 5
	)
	for i := 0; i < 40; i++ { // padding that the truncation cuts into
		s := sydBkk
		s.Departure = time.Date(2021, 12, 1+i%28, 0, 0, 0, 0, time.UTC).Format(fare.DateLayout)
		lines = append(lines, envelopeLine(t, s, 200, body))
	}
	full := gzipLines(t, lines...)
	truncated := full[:len(full)*2/3]

	sum, obs, rej, _ := run(t, truncated)
	if !sum.Truncated {
		t.Errorf("Truncated = false, want true")
	}
	if sum.Observations < 2 || len(obs) != sum.Observations {
		t.Errorf("observations = %d (%d written), want at least the 2 of lines 1 and 4", sum.Observations, len(obs))
	}
	reasons := map[int][]string{}
	for _, r := range rej {
		line := int(r["line"].(float64))
		reasons[line] = append(reasons[line], r["reason"].(string))
		if r["source"] != "s3://b/raw/x.ndjson.gz" {
			t.Errorf("rejection of line %d names source %v", line, r["source"])
		}
	}
	wantReason := map[int][]string{
		2: {"decoding envelope"},
		3: {`origin "SY1"`},
		4: {`"-12.00": not positive`, `currency "XYZ"`},
		5: {"HTTP 500", "SYSTEM ERROR"},
	}
	for line, wants := range wantReason {
		got := strings.Join(reasons[line], " | ")
		for _, w := range wants {
			if !strings.Contains(got, w) {
				t.Errorf("line %d rejected with %q, want it to mention %q", line, got, w)
			}
		}
	}
	if len(reasons[4]) != 2 {
		t.Errorf("line 4: %d rejections, want 2 (one per bad offer)", len(reasons[4]))
	}
	last := rej[len(rej)-1]
	if !strings.Contains(last["reason"].(string), "truncated") {
		t.Errorf("last rejection %q, want the truncated tail", last["reason"])
	}
	if sum.Rejected() != len(rej) {
		t.Errorf("summary counts %d rejections, quarantine holds %d", sum.Rejected(), len(rej))
	}
	if got := sum.Envelopes + sum.RejectedLines; got != sum.Lines {
		t.Errorf("envelopes %d + rejected lines %d != lines %d", sum.Envelopes, sum.RejectedLines, sum.Lines)
	}
	if sum.Empty() {
		t.Error("Empty() = true for an object with good records")
	}
}

func TestRunNothingUsable(t *testing.T) {
	in := gzipLines(t, []byte("not json"), []byte(`{"provider":"x"}`))
	sum, obs, rej, _ := run(t, in)
	if !sum.Empty() || len(obs) != 0 || len(rej) != 2 {
		t.Errorf("summary %s with %d observations and %d rejections, want Empty with 2 rejections", sum, len(obs), len(rej))
	}
}

func TestRunNotGzip(t *testing.T) {
	in := append(envelopeLine(t, sydBkk, 200, exampleBody(t)), '\n')
	sum, obs, _, _ := run(t, in)
	if sum.Observations != 1 || len(obs) != 1 {
		t.Errorf("plain NDJSON: %s, want 1 observation", sum)
	}
}

func TestOutputKey(t *testing.T) {
	tests := []struct{ in, from, to, want string }{
		{"raw/source=amadeus/date=2026-11-21/ab12.ndjson.gz", AreaRaw, AreaCurated, "curated/source=amadeus/date=2026-11-21/ab12.ndjson.gz"},
		{"prod/raw/source=x/date=d/f.ndjson.gz", AreaRaw, AreaQuarantine, "prod/quarantine/source=x/date=d/f.ndjson.gz"},
		{"uploads/f.ndjson.gz", AreaRaw, AreaCurated, "uploads/curated/f.ndjson.gz"},
		{"f.ndjson.gz", AreaRaw, AreaCurated, "curated/f.ndjson.gz"},
		{"raw/raw.ndjson.gz", AreaRaw, AreaCurated, "curated/raw.ndjson.gz"},
		{"curated/source=x/f.ndjson.gz", AreaCurated, AreaDeadLetter, "dead-letter/source=x/f.ndjson.gz"},
		{"incoming/acme/2026-11-21T06:00:00Z/answer.json", AreaRaw, AreaCurated, "curated/incoming/acme/2026-11-21T06:00:00Z/answer.json.ndjson.gz"},
		{"incoming/acme/fares.csv.gz", AreaRaw, AreaQuarantine, "quarantine/incoming/acme/fares.csv.gz.ndjson.gz"},
		{"incoming/acme/fares.ndjson", AreaRaw, AreaCurated, "curated/incoming/acme/fares.ndjson"},
		{"curated/incoming/acme/fares.csv.ndjson.gz", AreaCurated, AreaDeadLetter, "dead-letter/incoming/acme/fares.csv.ndjson.gz"},
		{"uploads/f.json", AreaRaw, AreaCurated, "uploads/curated/f.json.ndjson.gz"},
	}
	for _, tt := range tests {
		if got := OutputKey(tt.in, tt.from, tt.to); got != tt.want {
			t.Errorf("OutputKey(%q, %q, %q) = %q, want %q", tt.in, tt.from, tt.to, got, tt.want)
		}
	}
}

// TestRunQuarantinesInstantsOutOfBounds checks that an envelope fetched
// far in the future or before the floor is quarantined whole, with a reason
// naming the instant and the bound, while the good envelopes of the same
// input become observations.
func TestRunQuarantinesInstantsOutOfBounds(t *testing.T) {
	body := exampleBody(t)
	in := gzipLines(t,
		envelopeAt(t, sydBkk, fetchedAt, 200, body),                                        // 1: good
		envelopeAt(t, sydBkk, time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC), 200, body), // 2: far future
		envelopeAt(t, sydBkk, clock.Add(10*time.Minute), 200, body),                        // 3: at the skew: good
		envelopeAt(t, sydBkk, clock.Add(11*time.Minute), 200, body),                        // 4: past the skew
		envelopeAt(t, sydBkk, time.Date(1999, 12, 31, 23, 59, 59, 0, time.UTC), 200, body), // 5: before the floor
	)
	sum, obs, rej, _ := run(t, in)
	if sum.Observations != 2 || len(obs) != 2 || sum.RejectedLines != 3 || sum.Envelopes != 2 {
		t.Fatalf("summary %s, %d observations written; want 2 observations (lines 1 and 3) and 3 rejected lines", sum, len(obs))
	}
	for _, o := range obs {
		if at := o["observed_at"]; at != "2026-11-21T06:00:00.000Z" && at != "2026-11-21T07:10:00.000Z" {
			t.Errorf("observation at %v, want one of lines 1 and 3", at)
		}
	}
	want := map[int][]string{
		2: {`fetched_at "9999-12-31T23:59:59Z"`, "after 2026-11-21T07:10:00Z", "clock 2026-11-21T07:00:00Z plus 10m0s"},
		4: {`fetched_at "2026-11-21T07:11:00Z"`, "after 2026-11-21T07:10:00Z"},
		5: {`fetched_at "1999-12-31T23:59:59Z"`, "before 2000-01-01T00:00:00Z"},
	}
	if len(rej) != len(want) {
		t.Fatalf("%d rejections, want %d: %v", len(rej), len(want), rej)
	}
	for _, r := range rej {
		line := int(r["line"].(float64))
		reason, _ := r["reason"].(string)
		for _, w := range want[line] {
			if !strings.Contains(reason, w) {
				t.Errorf("line %d rejected with %q, want it to mention %q", line, reason, w)
			}
		}
		if want[line] == nil {
			t.Errorf("line %d rejected with %q, want it accepted", line, reason)
		}
		if r["record"] == nil {
			t.Errorf("line %d: the rejection does not hold the record", line)
		}
	}
}

// TestRunNoRecords checks that an input without any record, a 0-byte
// object among them, says so and is not taken for one whose records were
// all rejected.
func TestRunNoRecords(t *testing.T) {
	for name, in := range map[string][]byte{
		"0 bytes":     nil,
		"empty gzip":  gzipLines(t),
		"blank lines": []byte("\n\n  \n"),
	} {
		sum, obs, rej, _ := run(t, in)
		if !sum.NoRecords() || sum.Empty() || len(obs) != 0 || len(rej) != 0 {
			t.Errorf("%s: summary %s, NoRecords %v, Empty %v, %d observations, %d rejections; want NoRecords only",
				name, sum, sum.NoRecords(), sum.Empty(), len(obs), len(rej))
		}
	}
	in := gzipLines(t, envelopeLine(t, sydBkk, 200, exampleBody(t)))
	if sum, _, _, _ := run(t, in); sum.NoRecords() {
		t.Errorf("NoRecords() = true for %s", sum)
	}
}

// TestRunQuarantinesOffersWithTheirJSON: an offer that contradicts its
// search is quarantined with the reason and the offer's own JSON, and an
// answer without offers is counted empty with its warning codes.
func TestRunQuarantinesOffersWithTheirJSON(t *testing.T) {
	body := exampleBody(t)
	late := sydBkk
	late.Departure = "2021-11-02"
	empty := map[string]any{"data": []any{}, "warnings": []any{map[string]any{"status": 200, "code": 3015, "title": "NO FLIGHTS FOUND"}}}
	sum, obs, rej, _ := run(t, gzipLines(t, envelopeLine(t, late, 200, body), envelopeLine(t, sydBkk, 200, empty)))
	if len(obs) != 0 || sum.RejectedOffers != 2 || len(rej) != 2 {
		t.Fatalf("summary %s, %d observations, %d rejections; want both offers of the 1st rejected", sum, len(obs), len(rej))
	}
	for _, r := range rej {
		offer, _ := r["record"].(map[string]any)
		if offer == nil || offer["id"] != r["offer_id"] || !strings.Contains(r["reason"].(string), "2021-11-02") {
			t.Errorf("rejection %v: want the reason naming the searched date and the offer's JSON in record", r)
		}
	}
	if sum.EmptyAnswers != 1 || sum.WarningText() != "3015:1" || sum.Envelopes != 2 {
		t.Errorf("summary %s, warnings %v; want 2 envelopes, 1 empty answer, warning 3015 once", sum, sum.Warnings)
	}
}
