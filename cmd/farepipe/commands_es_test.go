package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/farepipe/farepipe/internal/api"
	"github.com/farepipe/farepipe/internal/esindex"
	"github.com/farepipe/farepipe/internal/fare"
	"github.com/farepipe/farepipe/internal/query/querytest"
)

// loadFixture indexes the querytest fixture and returns the flags that
// point the commands at it, and its observations.
func loadFixture(t *testing.T) ([]string, []fare.Observation) {
	t.Helper()
	env := querytest.New(t)
	first, late := querytest.Fixture(t)
	env.Index(first...)
	if sum := env.Index(late...); sum.Count(esindex.Created) != len(late) {
		t.Fatalf("late observations: %+v", sum)
	}
	return []string{"--es-url", env.URL, "--index-prefix", env.Prefix}, append(first, late...)
}

func TestCalendarCommand(t *testing.T) {
	t.Parallel()
	es, all := loadFixture(t)
	var kept []querytest.Current
	for _, c := range querytest.CurrentOf(all) {
		if c.Key.Destination == "NRT" && querytest.StayOf(c.Key) == 7 && c.Key.Departure <= "2027-01-10" {
			kept = append(kept, c)
		}
	}
	want := querytest.Cheapest(kept, func(c querytest.Current) string { return c.Key.Departure })

	args := append([]string{"calendar", "--origin", "ICN", "--destination", "NRT", "--from", "2027-01-04", "--to", "2027-01-10",
		"--duration", "7", "--json"}, es...)
	code, out := runApp(t, args...)
	if code != 0 {
		t.Fatalf("farepipe %s: exit %d\n%s", strings.Join(args, " "), code, out)
	}
	var doc api.CalendarDocument
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("calendar --json: %v\n%s", err, out)
	}
	if doc.Meta.ViewBy != "DATE" || len(doc.Data) != len(want) || len(want) != 7 {
		t.Fatalf("calendar --json: %s, want %d dates by DATE", out, len(want))
	}
	for i, fd := range doc.Data {
		if fd.SeriesID != want[i].SeriesID || fd.PriceMinor != want[i].Price.Minor || fd.Duration == nil || *fd.Duration != 7 {
			t.Errorf("entry %d: %+v, want %+v", i, fd, want[i])
		}
	}

	code, out = runApp(t, append([]string{"calendar", "--origin", "ICN", "--destination", "NRT", "--from", "2027-01-04",
		"--to", "2027-01-17", "--view-by", "WEEK"}, es...)...)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if code != 0 || len(lines) != 3 || !strings.HasPrefix(lines[0], "WEEK") || !strings.HasPrefix(lines[1], "2027-W01") ||
		!strings.HasPrefix(lines[2], "2027-W02") || strings.Count(out, "cheapest") != 1 {
		t.Errorf("calendar --view-by WEEK: exit %d, want a header and two weeks, one marked cheapest:\n%s", code, out)
	}
	for _, l := range lines {
		if strings.HasSuffix(l, " ") {
			t.Errorf("calendar line %q ends in spaces", l)
		}
	}
	// The fixture's series are for one adult (version 1 keys): none for two.
	code, out = runApp(t, append([]string{"calendar", "--origin", "ICN", "--destination", "NRT", "--from", "2027-01-04",
		"--to", "2027-01-10", "--duration", "7", "--adults", "2", "--json"}, es...)...)
	if err := json.Unmarshal([]byte(out), &doc); code != 0 || err != nil || len(doc.Data) != 0 {
		t.Errorf("calendar --adults 2: exit %d, %v, want no fares:\n%s", code, err, out)
	}
	if !strings.Contains(doc.Meta.Hint, "adults=1") {
		t.Errorf("calendar --adults 2: meta.hint %q, want it to name adults=1", doc.Meta.Hint)
	}
	// No one-way BUSINESS fares: round trips and ECONOMY have some.
	code, out = runApp(t, append([]string{"calendar", "--origin", "ICN", "--destination", "NRT", "--from", "2027-01-04",
		"--one-way", "--cabin", "BUSINESS"}, es...)...)
	if code != 0 || !strings.Contains(out, "no fares for ICN-NRT") ||
		!strings.Contains(out, "hint: nothing matches all the options asked; fares exist with no --one-way (round trips), or with --cabin ECONOMY\n") {
		t.Errorf("calendar --one-way --cabin BUSINESS: exit %d, want no fares and a hint of the flags that find some:\n%s", code, out)
	}
	code, out = runApp(t, append([]string{"calendar", "--origin", "ICN", "--destination", "KIX", "--from", "2027-01-04"}, es...)...)
	if code != 2 || !strings.Contains(out, "--currency") {
		t.Errorf("calendar of fares in two currencies: exit %d, want 2 asking for --currency:\n%s", code, out)
	}
}

func TestInsightCommand(t *testing.T) {
	t.Parallel()
	es, all := loadFixture(t)
	prices, series := querytest.ChangePrices(all, func(k fare.SeriesKey) bool {
		return k.Destination == "NRT" && k.Departure == "2027-01-05" && k.Return != ""
	})
	q1 := querytest.NearestRank(prices, 25)
	below := fare.FormatMinor(q1-500, 0)

	args := append([]string{"insight", "--origin", "ICN", "--destination", "NRT", "--date", "2027-01-05", "--price", below, "--json"}, es...)
	code, out := runApp(t, args...)
	var doc api.MetricsDocument
	if err := json.Unmarshal([]byte(out), &doc); code != 0 || err != nil || len(doc.Data) != 1 {
		t.Fatalf("farepipe %s: exit %d, %v\n%s", strings.Join(args, " "), code, err, out)
	}
	d := doc.Data[0]
	if d.Samples != len(prices) || d.Series != series || d.PriceMetrics[1].AmountMinor != q1 || d.PriceRating == nil || d.PriceRating.Rating != "LOW" {
		t.Errorf("insight --json: %+v, want %d samples of %d series, first quartile %d, %s rated LOW", d, len(prices), series, q1, below)
	}

	code, out = runApp(t, append([]string{"insight", "--origin", "ICN", "--destination", "NRT", "--date", "2027-01-05",
		"--price", fare.FormatMinor(q1, 0)}, es...)...)
	for _, want := range []string{"ICN-NRT round trips departing 2027-01-05, KRW", "MINIMUM", "MEDIUM", "MAXIMUM",
		fare.FormatMinor(q1, 0) + " KRW is TYPICAL"} {
		if code != 0 || !strings.Contains(out, want) {
			t.Errorf("insight table: exit %d, lacks %q:\n%s", code, want, out)
		}
	}
	code, out = runApp(t, append([]string{"insight", "--origin", "ICN", "--destination", "CDG", "--date", "2027-01"}, es...)...)
	if code != 0 || !strings.Contains(out, "no price history") {
		t.Errorf("insight without history: exit %d:\n%s", code, out)
	}
	if strings.Contains(out, "hint") {
		t.Errorf("insight of a route without any fare: a hint:\n%s", out)
	}
	code, out = runApp(t, append([]string{"insight", "--origin", "ICN", "--destination", "NRT", "--date", "2027-01",
		"--currency", "USD"}, es...)...)
	if code != 0 || !strings.Contains(out, "hint: nothing matches all the options asked; fares exist with --currency KRW\n") {
		t.Errorf("insight --currency USD: exit %d, want a hint of the flags that find history:\n%s", code, out)
	}
}
