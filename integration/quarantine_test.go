package integration

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/farepipe/farepipe/internal/ndjson"
	"github.com/farepipe/farepipe/internal/raw"
	"github.com/farepipe/farepipe/internal/synthetic"
)

// rawLines builds envelope lines around synthetic answers, bending some.
func rawLines(t *testing.T) (good []byte, badIATA []byte, negative []byte, unknownCurrency []byte) {
	t.Helper()
	at := time.Date(2026, 11, 21, 6, 0, 0, 0, time.UTC)
	p := synthetic.New(synthetic.Config{Seed: 7, ObservedAt: at})
	search := raw.Search{Origin: "ICN", Destination: "NRT", Departure: "2027-02-10", Adults: 1}
	env, err := p.Search(context.Background(), search)
	if err != nil {
		t.Fatal(err)
	}
	line := func(e raw.Envelope) []byte {
		b, err := json.Marshal(e)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	good = line(env)

	bad := env
	bad.Search.Origin = "IC1"
	badIATA = line(bad)

	bend := func(edit func(price map[string]any)) []byte {
		var body map[string]any
		if err := json.Unmarshal(env.Body, &body); err != nil {
			t.Fatal(err)
		}
		offers := body["data"].([]any)
		edit(offers[0].(map[string]any)["price"].(map[string]any))
		body["data"] = offers[:1]
		b, _ := json.Marshal(body)
		e := env
		e.Body = b
		return line(e)
	}
	negative = bend(func(p map[string]any) { p["grandTotal"] = "-" + p["grandTotal"].(string); p["total"] = p["grandTotal"] })
	unknownCurrency = bend(func(p map[string]any) { p["currency"] = "XYZ" })
	return good, badIATA, negative, unknownCurrency
}

func gzipped(t *testing.T, lines ...[]byte) []byte {
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

// TestBadRecordsAreQuarantinedAndGoodOnesIndexed feeds a raw object holding
// a malformed JSON line, a bad IATA code, a negative price, an unknown
// currency and a truncated gzip tail: the good records are indexed, every
// bad one is in quarantine with its reason, and the exit code is 3 only
// when nothing could be processed.
func TestBadRecordsAreQuarantinedAndGoodOnesIndexed(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	good, badIATA, negative, unknownCurrency := rawLines(t)
	var padding [][]byte
	for range 30 {
		padding = append(padding, good) // the same answer again: duplicates, and bytes for the cut
	}
	whole := gzipped(t, append([][]byte{good, []byte(`{"provider":"amadeus","request":`), badIATA, negative, unknownCurrency}, padding...)...)
	uri := e.put("raw/source=test/date=2026-11-21/mixed.ndjson.gz", whole[:len(whole)-len(whole)/4])

	tr := e.run("transform", "--in", uri)
	if tr.code != 0 {
		t.Fatalf("transform exit %d, want 0 (good records were processed)\n%s", tr.code, tr.stderr)
	}
	rej := records(t, e.get(tr.outputs["quarantine"]))
	wants := []struct {
		line   float64
		reason string
	}{
		{2, "decoding envelope"},
		{3, `origin "IC1"`},
		{4, "not positive"},
		{5, `currency "XYZ"`},
	}
	for _, w := range wants {
		found := false
		for _, r := range rej {
			if r["line"] == w.line && strings.Contains(r["reason"].(string), w.reason) {
				found = true
			}
		}
		if !found {
			t.Errorf("quarantine has no line %.0f rejected for %q: %v", w.line, w.reason, rej)
		}
	}
	if last := rej[len(rej)-1]; !strings.Contains(last["reason"].(string), "truncated") {
		t.Errorf("last rejection %v, want the truncated tail", last)
	}
	if tr.outputs["rejected"] != itoa(len(rej)) {
		t.Errorf("rejected output %s, quarantine holds %d", tr.outputs["rejected"], len(rej))
	}

	ix := e.must("index", "--in", tr.outputs["curated"])
	if ix.outputs["created"] == "0" || ix.outputs["dead_lettered"] != "0" {
		t.Errorf("index outcomes %v, want the good records created and none rejected", ix.outputs)
	}
	for _, d := range e.latest() {
		if d.Source["departure_date"] != "2027-02-10" {
			t.Errorf("a rejected record reached the index: %v", d.Source)
		}
	}

	// Nothing usable at all: exit 3, and the quarantine still says why.
	allBad := e.put("raw/source=test/date=2026-11-21/bad.ndjson.gz", gzipped(t, []byte("nope"), badIATA))
	tr = e.run("transform", "--in", allBad)
	if tr.code != 3 {
		t.Errorf("transform of an object with nothing usable: exit %d, want 3\n%s", tr.code, tr.stderr)
	}
	if got := len(records(t, e.get(strings.Replace(allBad, "/raw/", "/quarantine/", 1)))); got != 2 {
		t.Errorf("quarantine of the unusable object holds %d records, want 2", got)
	}
}

func records(t *testing.T, data []byte) []map[string]any {
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

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}
