package query

import (
	"context"
	"testing"

	"github.com/farepipe/farepipe/internal/fare"
	"github.com/farepipe/farepipe/internal/query/querytest"
)

// TestQueriesByAdultsAndCityCode indexes the same trip priced for one
// adult (a version 2 key), for one adult before the mix was in the key
// (version 1), for two adults, and for one adult with a child, plus a
// GMP-HND fare, and checks which fares a calendar and price metrics count
// for each adults value and for the city codes SEL and TYO.
func TestQueriesByAdultsAndCityCode(t *testing.T) {
	t.Parallel()
	env := querytest.New(t)
	key := func(origin, destination string, p fare.Passengers) fare.SeriesKey {
		return fare.SeriesKey{Source: "amadeus", Origin: origin, Destination: destination, Departure: "2027-01-10",
			Cabin: "ECONOMY", NonStop: true, Carrier: "KE", Currency: "KRW", Passengers: p}
	}
	one, two := fare.Passengers{Adults: 1}, fare.Passengers{Adults: 2}
	env.Index(
		querytest.Obs(t, key("ICN", "NRT", one), querytest.Day3, "230000"),
		querytest.Obs(t, key("ICN", "NRT", fare.Passengers{}), querytest.Day3, "240000"),
		querytest.Obs(t, key("ICN", "NRT", two), querytest.Day3, "200000"), // cheaper, but for two
		querytest.Obs(t, key("ICN", "NRT", fare.Passengers{Adults: 1, Children: 1}), querytest.Day3, "190000"),
		querytest.Obs(t, key("GMP", "HND", one), querytest.Day3, "250000"),
	)
	c := &Client{ES: env.ES, Prefix: env.Prefix}
	tests := []struct {
		origin, destination string
		adults              int
		want                string // cheapest
		samples             int
	}{
		{"ICN", "NRT", 0, "230000", 2}, // one adult: version 2 and version 1 series
		{"ICN", "NRT", 1, "230000", 2},
		{"ICN", "NRT", 2, "200000", 1},
		{"ICN", "NRT", 3, "", 0},
		{"SEL", "TYO", 1, "230000", 3}, // ICN-NRT (twice) and GMP-HND
		{"GMP", "TYO", 1, "250000", 1},
		{"SEL", "NRT", 2, "200000", 1},
	}
	for _, tt := range tests {
		cal, err := c.Calendar(context.Background(), CalendarRequest{Origin: tt.origin, Destination: tt.destination,
			Departure: "2027-01-10", OneWay: true, Adults: tt.adults})
		if err != nil {
			t.Fatalf("%s-%s adults %d: %v", tt.origin, tt.destination, tt.adults, err)
		}
		got := ""
		if len(cal.Entries) == 1 {
			got = cal.Entries[0].Price.Amount
		}
		if got != tt.want || len(cal.Entries) > 1 {
			t.Errorf("calendar %s-%s adults %d: %+v, want the fare %q", tt.origin, tt.destination, tt.adults, cal.Entries, tt.want)
		}
		m, err := c.PriceMetrics(context.Background(), MetricsRequest{Origin: tt.origin, Destination: tt.destination,
			Departure: "2027-01-10", OneWay: true, Adults: tt.adults})
		if err != nil {
			t.Fatal(err)
		}
		if m.Samples != tt.samples {
			t.Errorf("price metrics %s-%s adults %d: %d samples, want %d", tt.origin, tt.destination, tt.adults, m.Samples, tt.samples)
		}
	}
	if err := (CalendarRequest{Origin: "ICN", Destination: "NRT", Departure: "2027-01-10", Adults: 10}).Validate(); err == nil {
		t.Error("adults=10 accepted, want 1 to 9")
	}
}
