package amadeus

import (
	"strings"
	"testing"

	"github.com/farepipe/farepipe/internal/fare"
)

// flight is one segment of a test offer: from, to, the local date of
// departure and the number of technical stops.
type flight struct {
	from, to, date string
	stops          int
}

func tripOffer(legs ...[]flight) *offer {
	o := &offer{ID: "1"}
	for _, leg := range legs {
		var it itinerary
		for _, f := range leg {
			it.Segments = append(it.Segments, segment{CarrierCode: "KE", Number: "1",
				Departure: endPoint{IATACode: f.from, At: localTime(f.date)}, Arrival: endPoint{IATACode: f.to, At: localTime(f.date)},
				NumberOfStops: f.stops})
		}
		o.Itineraries = append(o.Itineraries, it)
	}
	return o
}

func TestReadTrip(t *testing.T) {
	out := []flight{{"ICN", "NRT", "2027-01-10", 0}}
	back := []flight{{"HND", "GMP", "2027-01-14", 0}}
	tests := []struct {
		name string
		o    *offer
		want string // the trip as "ORIGIN-DEST dep/ret nonstop", or the error's words
	}{
		{"one way", tripOffer(out), "ICN-NRT 2027-01-10/ true"},
		{"round trip into other airports of the same cities", tripOffer(out, back), "ICN-NRT 2027-01-10/2027-01-14 true"},
		{"connection", tripOffer([]flight{{"SYD", "MNL", "2027-01-10", 0}, {"MNL", "BKK", "2027-01-10", 0}}), "SYD-BKK 2027-01-10/ false"},
		{"technical stop", tripOffer([]flight{{"ICN", "NRT", "2027-01-10", 1}}), "ICN-NRT 2027-01-10/ false"},
		{"open jaw", tripOffer(out, []flight{{"KIX", "ICN", "2027-01-14", 0}}), "open jaw"},
		{"return before departure", tripOffer(out, []flight{{"NRT", "ICN", "2027-01-09", 0}}), "departs before the outbound"},
		{"three itineraries", tripOffer(out, back, out), "want one (one way) or two"},
		{"no itinerary", tripOffer(), "want one (one way) or two"},
		{"itinerary without segments", tripOffer(out, nil), "segments"},
		{"not an airport", tripOffer([]flight{{"ICN", "nrt", "2027-01-10", 0}}), `"nrt": not an IATA airport code`},
		{"not a local time", tripOffer([]flight{{"ICN", "NRT", "10/01/2027", 0}}), "not a local time"},
		{"back where it started", tripOffer([]flight{{"ICN", "NRT", "2027-01-10", 0}, {"NRT", "ICN", "2027-01-10", 0}}), "ends where it starts"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr, err := readTrip(tt.o)
			got := ""
			if err != nil {
				got = err.Error()
			} else {
				got = tr.origin + "-" + tr.destination + " " + tr.departure + "/" + tr.ret + " " + map[bool]string{true: "true", false: "false"}[tr.nonStop]
			}
			if !strings.Contains(got, tt.want) {
				t.Errorf("readTrip = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestCabinOf(t *testing.T) {
	offerOf := func(cabins ...[]string) *offer {
		o := &offer{}
		for _, traveller := range cabins {
			var tp travelerPricing
			for _, c := range traveller {
				tp.FareDetailsBySegment = append(tp.FareDetailsBySegment, fareDetail{Cabin: c})
			}
			o.TravelerPricings = append(o.TravelerPricings, tp)
		}
		return o
	}
	tests := []struct {
		name   string
		o      *offer
		want   string
		errful bool
	}{
		{"one cabin", offerOf([]string{"ECONOMY", "ECONOMY"}), "ECONOMY", false},
		{"economy out, business back", offerOf([]string{"ECONOMY", "BUSINESS"}), fare.CabinMixed, false},
		{"travellers in different cabins", offerOf([]string{"FIRST"}, []string{"BUSINESS"}), fare.CabinMixed, false},
		{"no fare details", offerOf(), "", false},
		{"unknown cabin", offerOf([]string{"COACH"}), "", true},
		{"MIXED is not a cabin of a segment", offerOf([]string{"MIXED"}), "", true},
	}
	for _, tt := range tests {
		got, err := cabinOf(tt.o)
		if got != tt.want || (err != nil) != tt.errful {
			t.Errorf("%s: cabinOf = %q, %v; want %q (error %v)", tt.name, got, err, tt.want, tt.errful)
		}
	}
}

func TestPassengers(t *testing.T) {
	tests := []struct {
		types []string
		want  string // the mix, or the error's words
	}{
		{[]string{"ADULT"}, "adults=1,children=0,infants=0"},
		{[]string{"ADULT", "ADULT", "CHILD", "HELD_INFANT", "SEATED_INFANT"}, "adults=2,children=1,infants=2"},
		{[]string{"ADULT", "SENIOR"}, `travelerType "SENIOR"`},
		{[]string{"CHILD"}, "at least one adult"},
		{[]string{"ADULT", "HELD_INFANT", "HELD_INFANT"}, "more infants than adults"},
		{nil, "the offer prices nobody"},
	}
	for _, tt := range tests {
		o := &offer{}
		for _, ty := range tt.types {
			o.TravelerPricings = append(o.TravelerPricings, travelerPricing{TravelerType: ty})
		}
		p, err := passengers(o)
		got := p.String()
		if err != nil {
			got = err.Error()
		}
		if !strings.Contains(got, tt.want) {
			t.Errorf("passengers(%v) = %q, want %q", tt.types, got, tt.want)
		}
	}
}
