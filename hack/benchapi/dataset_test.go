package main

import (
	"bytes"
	"errors"
	"io"
	"testing"

	"github.com/farepipe/farepipe/internal/fare"
	"github.com/farepipe/farepipe/internal/ndjson"
)

func testDataset(t *testing.T) *dataset {
	t.Helper()
	d, err := newDataset()
	if err != nil {
		t.Fatalf("newDataset() error: %v", err)
	}
	return d
}

func TestDatasetTotals(t *testing.T) {
	d := testDataset(t)
	if len(d.routes) != 100 {
		t.Errorf("routes = %d, want 100", len(d.routes))
	}
	got := d.totals()
	if got.Observations != 1_000_000 || got.Series != 100*365*9 {
		t.Errorf("totals() = %+v, want 1000000 observations of 328500 series", got)
	}
	// Every later observation changes price with probability 35 %.
	repeats := got.Observations - got.Series
	changed := got.ChangePoints - got.Series
	if pct := changed * 100 / repeats; pct < 33 || pct > 37 {
		t.Errorf("totals() = %+v: %d %% of later observations change price, want about %d %%", got, pct, changePercent)
	}
}

// TestPollIsValidCuratedData reads poll 3 back as the indexer does: every
// line is a valid observation, and writing it again gives the same bytes.
func TestPollIsValidCuratedData(t *testing.T) {
	d := testDataset(t)
	var a, b bytes.Buffer
	if _, err := d.writePoll(&a, 3); err != nil {
		t.Fatalf("writePoll(3) error: %v", err)
	}
	if _, err := d.writePoll(&b, 3); err != nil {
		t.Fatalf("writePoll(3) error: %v", err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Error("writePoll(3) wrote different bytes twice")
	}
	r, err := ndjson.NewReader(&a)
	if err != nil {
		t.Fatalf("ndjson.NewReader: %v", err)
	}
	n := 0
	currencies := map[string]bool{}
	for {
		line, _, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("reading poll 3: %v", err)
		}
		var o fare.Observation
		if err := o.UnmarshalJSON(line); err != nil {
			t.Fatalf("line %d %s: %v", n+1, line, err)
		}
		if err := o.Validate(); err != nil {
			t.Errorf("line %d %s: %v", n+1, line, err)
		}
		if !o.ObservedAt.Equal(pollTime(3)) {
			t.Errorf("line %d observed at %s, want %s", n+1, o.ObservedAt, pollTime(3))
		}
		currencies[o.Key.Currency] = true
		n++
	}
	if n != 14_500 || len(currencies) < 8 {
		t.Errorf("poll 3 holds %d observations in %d currencies, want 14500 in at least 8", n, len(currencies))
	}
}

func TestSeriesOfADate(t *testing.T) {
	d := testDataset(t)
	// The 9 series of ICN-NRT on 2027-01-01, then the first of 2027-01-02.
	want := []string{
		"ICN NRT 2027-01-01  ECONOMY true KE KRW", "ICN NRT 2027-01-01  ECONOMY false OZ KRW", "ICN NRT 2027-01-01  BUSINESS true KE KRW",
		"ICN NRT 2027-01-01 2027-01-04 ECONOMY true KE KRW", "ICN NRT 2027-01-01 2027-01-04 ECONOMY false OZ KRW", "ICN NRT 2027-01-01 2027-01-04 BUSINESS true KE KRW",
		"ICN NRT 2027-01-01 2027-01-08 ECONOMY true KE KRW", "ICN NRT 2027-01-01 2027-01-08 ECONOMY false OZ KRW", "ICN NRT 2027-01-01 2027-01-08 BUSINESS true KE KRW",
		"ICN NRT 2027-01-02  ECONOMY true KE KRW",
	}
	for g, w := range want {
		k, _ := d.key(g)
		got := k.Origin + " " + k.Destination + " " + k.Departure + " " + k.Return + " " + k.Cabin + " " +
			map[bool]string{true: "true", false: "false"}[k.NonStop] + " " + k.Carrier + " " + k.Currency
		if got != w {
			t.Errorf("key(%d) = %q, want %q", g, got, w)
		}
	}
	if k, _ := d.key(d.series() - 1); k.Origin != "SYD" || k.Destination != "ICN" || k.Departure != "2027-12-31" || k.Currency != "AUD" {
		t.Errorf("key(last) = %+v, want SYD-ICN departing 2027-12-31 in AUD", k)
	}
}
