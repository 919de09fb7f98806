package query

import (
	"context"
	"reflect"
	"slices"
	"strconv"
	"testing"

	"github.com/farepipe/farepipe/internal/fare"
	"github.com/farepipe/farepipe/internal/query/querytest"
)

// optionValue is the value a fare has of a trip option, as the request's
// parameter takes it; "" for a fare that no value of adults selects.
func optionValue(k fare.SeriesKey, option string) string {
	switch option {
	case optionOneWay:
		return strconv.FormatBool(k.Return == "")
	case optionCabin:
		return k.Cabin
	case optionNonStop:
		return strconv.FormatBool(k.NonStop)
	case optionCurrency:
		return k.Currency
	}
	if k.Passengers.Legacy() {
		return "1"
	}
	if k.Children > 0 || k.Infants > 0 {
		return ""
	}
	return strconv.Itoa(k.Adults)
}

// wantAlternatives is what the hint should say of keys (the fares of the
// route and dates): for each option the request sets, the other values of
// the fares that have every other option as asked.
func wantAlternatives(keys []fare.SeriesKey, t trip) []Alternative {
	asked := map[string]string{optionOneWay: strconv.FormatBool(t.oneWay), optionCabin: t.cabin,
		optionNonStop: strconv.FormatBool(t.nonStop), optionCurrency: t.currency, optionAdults: strconv.Itoa(max(t.adults, 1))}
	set := map[string]bool{optionOneWay: true, optionAdults: true, optionCabin: t.cabin != "",
		optionNonStop: t.nonStop, optionCurrency: t.currency != ""}
	var alts []Alternative
	for _, option := range []string{optionOneWay, optionCabin, optionNonStop, optionCurrency, optionAdults} {
		if !set[option] {
			continue
		}
		var values []string
		for _, k := range keys {
			others := true
			for o := range asked {
				if o != option && set[o] && optionValue(k, o) != asked[o] {
					others = false
				}
			}
			v := optionValue(k, option)
			if others && v != "" && v != asked[option] && !slices.Contains(values, v) {
				values = append(values, v)
			}
		}
		if len(values) > 0 {
			slices.SortFunc(values, compareValues)
			alts = append(alts, Alternative{Option: option, Values: values})
		}
	}
	return alts
}

// An empty calendar or price history names the trip options with fares of
// another value, every other option as asked, and exactly those: what
// the fixture's fares say, for requests of every option.
func TestEmptyAnswersNameTheOptionsWithFares(t *testing.T) {
	t.Parallel()
	c, all := loadFixture(t)
	ctx := context.Background()
	requests := []CalendarRequest{
		{Destination: "NRT", OneWay: true, Cabin: "BUSINESS"},
		{Destination: "NRT", Currency: "USD"},
		{Destination: "NRT", Adults: 2},
		{Destination: "NRT", Adults: 2, OneWay: true, Cabin: "FIRST"},
		{Destination: "NRT", OneWay: true, NonStop: true, Cabin: "FIRST"},
		{Destination: "NRT", Cabin: "ECONOMY"},
		{Destination: "KIX", Currency: "USD", Cabin: "BUSINESS"},
		{Destination: "KIX", Currency: "EUR", NonStop: true, OneWay: true},
		{Destination: "NRT", Departure: "2028-03-01,2028-03-31"},
	}
	empty := 0
	for _, r := range requests {
		r.Origin = "ICN"
		if r.Departure == "" {
			r.Departure = "2027-01-01,2027-01-31"
		}
		cal, err := c.Calendar(ctx, r)
		if err != nil {
			t.Fatalf("Calendar(%+v): %v", r, err)
		}
		p, _ := r.plan()
		var keys []fare.SeriesKey
		for _, cur := range querytest.CurrentOf(all) {
			if k := cur.Key; k.Destination == r.Destination && k.Departure >= p.dates.From.Format(fare.DateLayout) &&
				k.Departure <= p.dates.To.Format(fare.DateLayout) {
				keys = append(keys, k)
			}
		}
		var want []Alternative
		if len(cal.Entries) == 0 {
			empty++
			want = wantAlternatives(keys, p.trip())
		}
		if !reflect.DeepEqual(cal.Alternatives, want) {
			t.Errorf("Calendar(%+v) with %d entries: alternatives %+v, want %+v", r, len(cal.Entries), cal.Alternatives, want)
		}

		m := MetricsRequest{Origin: r.Origin, Destination: r.Destination, Departure: r.Departure[:7], OneWay: r.OneWay,
			Cabin: r.Cabin, Adults: r.Adults, NonStop: r.NonStop, Currency: r.Currency}
		met, err := c.PriceMetrics(ctx, m)
		if err != nil {
			t.Fatalf("PriceMetrics(%+v): %v", m, err)
		}
		mp, _ := m.plan()
		keys = keys[:0]
		for _, o := range all {
			if k := o.Key; k.Destination == m.Destination && k.Departure >= mp.dates.From.Format(fare.DateLayout) &&
				k.Departure <= mp.dates.To.Format(fare.DateLayout) {
				keys = append(keys, k)
			}
		}
		want = nil
		if met.Samples == 0 {
			want = wantAlternatives(keys, mp.trip())
		}
		if !reflect.DeepEqual(met.Alternatives, want) {
			t.Errorf("PriceMetrics(%+v) with %d samples: alternatives %+v, want %+v", m, met.Samples, met.Alternatives, want)
		}
	}
	if empty < 6 {
		t.Errorf("only %d of %d calendars were empty: the test asks too little", empty, len(requests))
	}
}
