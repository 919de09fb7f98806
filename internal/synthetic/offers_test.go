package synthetic

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/farepipe/farepipe/internal/amadeus"
	"github.com/farepipe/farepipe/internal/fare"
	"github.com/farepipe/farepipe/internal/raw"
)

// checkBody asserts what every successful body must satisfy and returns
// the decoded response.
func checkBody(t *testing.T, env raw.Envelope, currency string) amadeus.OffersResponse {
	t.Helper()
	s := env.Search
	resp := decode(t, env)
	if resp.Meta == nil || resp.Meta.Count != len(resp.Data) {
		t.Errorf("%s: meta %+v, want count %d", s.Key(), resp.Meta, len(resp.Data))
	}
	limit := 12
	if s.Max > 0 {
		limit = min(limit, s.Max)
	}
	if n := len(resp.Data); n < min(4, limit) || n > limit {
		t.Errorf("%s: %d offers, want 4 to %d", s.Key(), n, limit)
	}
	adults := max(s.Adults, 1)
	carriers := map[string]bool{}
	segIDs := map[string]bool{}
	var last int64
	for _, o := range resp.Data {
		where := fmt.Sprintf("%s offer %s", s.Key(), o.ID)
		if o.Type != "flight-offer" || o.Source != "GDS" {
			t.Errorf("%s: type %q source %q", where, o.Type, o.Source)
		}
		total, err := fare.ParseMoney(o.Price.Total, currency)
		if err != nil || total.Minor <= 0 || total.Amount != o.Price.Total {
			t.Errorf("%s: total %q %s not a positive %s amount in canonical form: %v", where, o.Price.Total, o.Price.Currency, currency, err)
		}
		base, err := fare.ParseMoney(o.Price.Base, currency)
		if err != nil || base.Minor <= 0 || base.Minor >= total.Minor {
			t.Errorf("%s: base %q not positive and below total %q: %v", where, o.Price.Base, o.Price.Total, err)
		}
		if o.Price.Currency != currency || o.Price.GrandTotal != o.Price.Total {
			t.Errorf("%s: price %+v, want currency %s and grandTotal = total", where, o.Price, currency)
		}
		if total.Minor < last {
			t.Errorf("%s: total %s after a dearer offer, want cheapest first", where, o.Price.Total)
		}
		last = total.Minor
		if len(o.TravelerPricings) != adults {
			t.Fatalf("%s: %d traveler pricings, want %d", where, len(o.TravelerPricings), adults)
		}
		each, err := fare.ParseMoney(o.TravelerPricings[0].Price.Total, currency)
		if err != nil || each.Minor*int64(adults) != total.Minor {
			t.Errorf("%s: %d adults at %q do not make total %q: %v", where, adults, o.TravelerPricings[0].Price.Total, o.Price.Total, err)
		}
		if len(o.ValidatingAirlineCodes) != 1 || !fare.ValidCarrier(o.ValidatingAirlineCodes[0]) {
			t.Fatalf("%s: validating airlines %v", where, o.ValidatingAirlineCodes)
		}
		carrier := o.ValidatingAirlineCodes[0]
		carriers[carrier] = true
		if resp.Dictionaries == nil || resp.Dictionaries.Carriers[carrier] == "" {
			t.Errorf("%s: carrier %s missing from dictionaries", where, carrier)
		}
		wantItins := []struct{ from, to, date string }{{s.Origin, s.Destination, s.Departure}}
		if s.Return != "" {
			wantItins = append(wantItins, struct{ from, to, date string }{s.Destination, s.Origin, s.Return})
		}
		if len(o.Itineraries) != len(wantItins) {
			t.Fatalf("%s: %d itineraries, want %d", where, len(o.Itineraries), len(wantItins))
		}
		var ids []string
		for i, it := range o.Itineraries {
			w := wantItins[i]
			segs := it.Segments
			if len(segs) < 1 || len(segs) > 2 || (s.NonStop && len(segs) != 1) {
				t.Fatalf("%s: itinerary %d has %d segments (non-stop %v)", where, i, len(segs), s.NonStop)
			}
			if segs[0].Departure.IATACode != w.from || segs[len(segs)-1].Arrival.IATACode != w.to ||
				!strings.HasPrefix(segs[0].Departure.At, w.date+"T") {
				t.Errorf("%s: itinerary %d goes %s %s to %s, want %s %s to %s", where, i,
					segs[0].Departure.IATACode, segs[0].Departure.At, segs[len(segs)-1].Arrival.IATACode, w.from, w.date, w.to)
			}
			for j, seg := range segs {
				if seg.NumberOfStops != 0 || seg.CarrierCode != carrier || seg.Number == "" || seg.Aircraft == nil || seg.Duration == "" {
					t.Errorf("%s: segment %+v", where, seg)
				}
				if j > 0 && seg.Departure.IATACode != segs[j-1].Arrival.IATACode {
					t.Errorf("%s: segment %d departs %s, previous arrives %s", where, j, seg.Departure.IATACode, segs[j-1].Arrival.IATACode)
				}
				for _, at := range []string{seg.Departure.At, seg.Arrival.At} {
					if _, err := time.Parse(atLayout, at); err != nil {
						t.Errorf("%s: time %q: %v", where, at, err)
					}
				}
				if segIDs[seg.ID] {
					t.Errorf("%s: segment id %s used twice in the response", where, seg.ID)
				}
				segIDs[seg.ID] = true
				ids = append(ids, seg.ID)
			}
		}
		for _, tp := range o.TravelerPricings {
			var got []string
			for _, fd := range tp.FareDetailsBySegment {
				got = append(got, fd.SegmentID)
				if s.Cabin != "" && fd.Cabin != s.Cabin || !slices.Contains(fare.Cabins, fd.Cabin) {
					t.Errorf("%s: cabin %q, search cabin %q", where, fd.Cabin, s.Cabin)
				}
			}
			if !slices.Equal(got, ids) {
				t.Errorf("%s: fare details for segments %v, want %v", where, got, ids)
			}
		}
	}
	if len(resp.Data) >= 4 && len(carriers) < 2 {
		t.Errorf("%s: offers from %d carrier(s), want several", s.Key(), len(carriers))
	}
	return resp
}

func TestSearchBodies(t *testing.T) {
	tests := []struct {
		s        raw.Search
		currency string
	}{
		{raw.Search{Origin: "ICN", Destination: "NRT", Departure: "2027-01-15"}, "KRW"},
		{raw.Search{Origin: "GMP", Destination: "HND", Departure: "2027-01-15", Return: "2027-01-18"}, "KRW"},
		{raw.Search{Origin: "PUS", Destination: "FUK", Departure: "2027-01-15", Adults: 3}, "KRW"},
		{raw.Search{Origin: "NRT", Destination: "ICN", Departure: "2027-01-15"}, "JPY"},
		{raw.Search{Origin: "KIX", Destination: "ICN", Departure: "2027-01-15", NonStop: true}, "JPY"},
		{raw.Search{Origin: "JFK", Destination: "LAX", Departure: "2027-01-15", Return: "2027-01-22", Adults: 2}, "USD"},
		{raw.Search{Origin: "SFO", Destination: "ICN", Departure: "2027-01-15", Cabin: "FIRST"}, "USD"},
		{raw.Search{Origin: "CDG", Destination: "SIN", Departure: "2027-01-15", Cabin: "PREMIUM_ECONOMY"}, "EUR"},
		{raw.Search{Origin: "LHR", Destination: "JFK", Departure: "2027-01-15"}, "GBP"},
		{raw.Search{Origin: "KWI", Destination: "DXB", Departure: "2027-01-15", Return: "2027-01-15"}, "KWD"},
		{raw.Search{Origin: "SIN", Destination: "SYD", Departure: "2027-01-15"}, "USD"},
		{raw.Search{Origin: "ICN", Destination: "NRT", Departure: "2027-01-15", Currency: "USD"}, "USD"},
		{raw.Search{Origin: "ICN", Destination: "LHR", Departure: "2027-01-15", Currency: "IDR", Cabin: "FIRST", Adults: 9}, "IDR"},
		{raw.Search{Origin: "ICN", Destination: "NRT", Departure: "2027-01-15", Max: 2}, "KRW"},
		{raw.Search{Origin: "ICN", Destination: "NRT", Departure: "2026-11-22"}, "KRW"},
		// Airports missing from the table still get offers.
		{raw.Search{Origin: "AAA", Destination: "ZZZ", Departure: "2027-01-15", Return: "2027-02-15"}, "USD"},
		{raw.Search{Origin: "ICN", Destination: "QQQ", Departure: "2027-01-15", NonStop: true}, "KRW"},
	}
	p := New(Config{Seed: 11, ObservedAt: observed})
	for _, tt := range tests {
		t.Run(tt.s.Key(), func(t *testing.T) {
			checkBody(t, search(t, p, tt.s), tt.currency)
		})
	}
}

func TestSearchOffersMix(t *testing.T) {
	// Over many dates, searches without a cabin offer mostly economy and
	// some premium cabins, and both non-stop and one-stop flights.
	p := New(Config{Seed: 5, ObservedAt: observed})
	cabins := map[string]int{}
	stops := map[int]int{}
	start := time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)
	for d := range 30 {
		s := raw.Search{Origin: "JFK", Destination: "LHR", Departure: start.AddDate(0, 0, d).Format(fare.DateLayout)}
		for _, o := range checkBody(t, search(t, p, s), "USD").Data {
			cabins[o.TravelerPricings[0].FareDetailsBySegment[0].Cabin]++
			stops[len(o.Itineraries[0].Segments)-1]++
		}
	}
	if cabins["ECONOMY"] <= cabins["PREMIUM_ECONOMY"]+cabins["BUSINESS"] || cabins["PREMIUM_ECONOMY"] == 0 || cabins["BUSINESS"] == 0 {
		t.Errorf("cabins over 30 searches = %v, want mostly ECONOMY and some PREMIUM_ECONOMY and BUSINESS", cabins)
	}
	if stops[0] == 0 || stops[1] == 0 {
		t.Errorf("offers by number of stops = %v, want non-stop and one-stop", stops)
	}
}

func TestSearchCurrency(t *testing.T) {
	tests := []struct {
		origin, currency, want string
	}{
		{"ICN", "", "KRW"}, {"GMP", "", "KRW"}, {"PUS", "", "KRW"},
		{"NRT", "", "JPY"}, {"HND", "", "JPY"}, {"KIX", "", "JPY"},
		{"JFK", "", "USD"}, {"LAX", "", "USD"}, {"HNL", "", "USD"},
		{"CDG", "", "EUR"}, {"FRA", "", "EUR"}, {"AMS", "", "EUR"}, {"MAD", "", "EUR"},
		{"LHR", "", "GBP"}, {"KWI", "", "KWD"},
		{"SIN", "", "USD"}, {"DXB", "", "USD"}, {"XYZ", "", "USD"},
		{"ICN", "EUR", "EUR"}, {"JFK", "KRW", "KRW"},
	}
	p := New(Config{Seed: 1, ObservedAt: observed})
	for _, tt := range tests {
		s := raw.Search{Origin: tt.origin, Destination: "BKK", Departure: "2027-01-15", Currency: tt.currency}
		resp := decode(t, search(t, p, s))
		if got := resp.Data[0].Price.Currency; got != tt.want {
			t.Errorf("Search(%q) currency = %s, want %s", s.Key(), got, tt.want)
		}
	}
}

func TestSearchSameMarketInEveryCurrency(t *testing.T) {
	p := New(Config{Seed: 1, ObservedAt: observed})
	s := raw.Search{Origin: "ICN", Destination: "NRT", Departure: "2027-01-15"}
	krw := decode(t, search(t, p, s))
	s.Currency = "USD"
	usd := decode(t, search(t, p, s))
	if len(krw.Data) != len(usd.Data) {
		t.Fatalf("%d offers in KRW, %d in USD", len(krw.Data), len(usd.Data))
	}
	for i := range krw.Data {
		if a, b := krw.Data[i].Itineraries[0].Segments[0], usd.Data[i].Itineraries[0].Segments[0]; a.CarrierCode+a.Number != b.CarrierCode+b.Number {
			t.Errorf("offer %d: flight %s%s in KRW, %s%s in USD", i, a.CarrierCode, a.Number, b.CarrierCode, b.Number)
		}
	}
}

func TestSearchMax(t *testing.T) {
	p := New(Config{Seed: 1, ObservedAt: observed})
	s := raw.Search{Origin: "ICN", Destination: "NRT", Departure: "2027-01-15"}
	all := decode(t, search(t, p, s))
	s.Max = 3
	some := decode(t, search(t, p, s))
	if len(some.Data) != 3 {
		t.Fatalf("Max 3: %d offers", len(some.Data))
	}
	for i, o := range some.Data {
		if o.Price.Total != all.Data[i].Price.Total {
			t.Errorf("Max 3: offer %d costs %s, want the cheapest %s", i, o.Price.Total, all.Data[i].Price.Total)
		}
	}
}

// meanUSD is the mean total of the economy offers for s, in US cents.
// Economy only, so that the share of premium cabins does not blur the
// effects measured.
func meanUSD(t *testing.T, p *Provider, s raw.Search) int64 {
	t.Helper()
	s.Currency = "USD"
	s.Cabin = "ECONOMY"
	var sum int64
	resp := decode(t, search(t, p, s))
	for _, o := range resp.Data {
		m, err := fare.ParseMoney(o.Price.Total, "USD")
		if err != nil {
			t.Fatal(err)
		}
		sum += m.Minor
	}
	return sum / int64(len(resp.Data))
}

func TestWeekdayEffect(t *testing.T) {
	p := New(Config{Seed: 9, ObservedAt: observed})
	tuesday := time.Date(2027, 1, 5, 0, 0, 0, 0, time.UTC) // 44 days ahead
	var tue, fri int64
	for week := range 20 {
		for _, route := range [][2]string{{"ICN", "NRT"}, {"JFK", "LAX"}} {
			d := tuesday.AddDate(0, 0, 7*week)
			s := raw.Search{Origin: route[0], Destination: route[1], Departure: d.Format(fare.DateLayout)}
			tue += meanUSD(t, p, s)
			s.Departure = d.AddDate(0, 0, 3).Format(fare.DateLayout)
			fri += meanUSD(t, p, s)
		}
	}
	if tue*110 >= fri*100 {
		t.Errorf("mean fare over 20 weeks: Tuesdays %d, Fridays %d cents, want Tuesdays at least 10%% cheaper", tue/40, fri/40)
	}
}

func TestLeadTimeEffect(t *testing.T) {
	departure := time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC)
	mean := func(daysAhead int) int64 {
		p := New(Config{Seed: 9, ObservedAt: departure.AddDate(0, 0, -daysAhead).Add(10 * time.Hour)})
		var sum int64
		for d := range 20 {
			for _, route := range [][2]string{{"ICN", "NRT"}, {"JFK", "LAX"}, {"KWI", "LHR"}} {
				s := raw.Search{Origin: route[0], Destination: route[1],
					Departure: departure.AddDate(0, 0, d).Format(fare.DateLayout)}
				sum += meanUSD(t, p, s)
			}
		}
		return sum / 60
	}
	cheap, late, far := mean(60), mean(2), mean(200)
	if cheap*120 >= late*100 {
		t.Errorf("mean fare booked 60 days ahead %d cents, 2 days ahead %d, want the early one at least 20%% cheaper", cheap, late)
	}
	if cheap >= far {
		t.Errorf("mean fare booked 60 days ahead %d cents, 200 days ahead %d, want 60 days cheaper", cheap, far)
	}
}
