package integration

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestPartiesOfOneAndTwoAdultsAreSeparateSeries fetches the same route for
// one adult and for two, runs both through land, transform and index, and
// asks the calendar for each: every series is priced for one party, the
// two parties never share a series, and a two-adult fare is never shown
// for one adult.
func TestPartiesOfOneAndTwoAdultsAreSeparateSeries(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	for _, adults := range []string{"1", "2"} {
		batch := e.t.TempDir() + "/batch.ndjson.gz"
		e.must("fetch", "--routes", "ICN-NRT", "--from", "2027-02-01", "--days", "3", "--adults", adults,
			"--observed-at", "2026-11-21T06:00:00Z", "--out", "file://"+batch)
		r := e.must("land", "--in", batch, "--to", "s3://"+e.s3.Bucket+"/"+e.keys+"/a"+adults)
		e.ingest(strings.TrimSpace(r.outputs["uris"]))
	}
	byParty := map[float64]map[string]bool{}
	for _, d := range e.latest() {
		a, _ := d.Source["adults"].(float64)
		if byParty[a] == nil {
			byParty[a] = map[string]bool{}
		}
		byParty[a][d.Source["series_id"].(string)] = true
		if d.Source["base"] == nil || d.Source["taxes_minor"] == nil {
			t.Errorf("latest document %v has no base and taxes", d.Source)
		}
	}
	if len(byParty) != 2 || len(byParty[1]) == 0 || len(byParty[2]) == 0 {
		t.Fatalf("series by adults: %v, want series for 1 and for 2 adults only", byParty)
	}
	for id := range byParty[1] {
		if byParty[2][id] {
			t.Errorf("series %s is for 1 and for 2 adults", id)
		}
	}

	cheapest := func(adults string) map[string]int64 {
		r := e.must("farepipe", "calendar", "--origin", "ICN", "--destination", "NRT", "--from", "2027-02-01",
			"--to", "2027-02-03", "--one-way", "--adults", adults, "--json")
		var doc struct {
			Data []struct {
				Departure  string `json:"departureDate"`
				PriceMinor int64  `json:"priceMinor"`
				SeriesID   string `json:"seriesId"`
			} `json:"data"`
		}
		if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil {
			t.Fatalf("calendar --adults %s: %v\n%s", adults, err, r.stdout)
		}
		out := map[string]int64{}
		for _, d := range doc.Data {
			if want := map[string]float64{"1": 1, "2": 2}[adults]; !byParty[want][d.SeriesID] {
				t.Errorf("calendar --adults %s shows series %s, not one of %s adults", adults, d.SeriesID, adults)
			}
			out[d.Departure] = d.PriceMinor
		}
		return out
	}
	one, two := cheapest("1"), cheapest("2")
	if len(one) != 3 || len(two) != 3 {
		t.Fatalf("calendars of 1 and 2 adults: %v and %v, want 3 dates each", one, two)
	}
	for dep, p := range one {
		if two[dep] <= p {
			t.Errorf("%s: two adults pay %d, one %d; want the party of two to pay more", dep, two[dep], p)
		}
	}
}
