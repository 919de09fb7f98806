package api

import (
	"bytes"
	"math/rand/v2"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/farepipe/farepipe/internal/fare"
	"github.com/farepipe/farepipe/internal/query"
)

// TestCalendarJSONIsEncodingJSON: for generated calendars, requests and
// defaults, with every text field sometimes empty and sometimes holding
// what needs escaping (quotes, backslashes, control characters, & < >,
// U+2028, invalid UTF-8), AppendJSON writes the same bytes as
// encoding/json does through writeJSON's settings, and each entry's
// price-metrics link is the one url.Values would encode.
func TestCalendarJSONIsEncodingJSON(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	for i := range 2000 {
		req, cal, defaults := genCalendar(rng)
		doc := NewCalendarDocument(req, cal, defaults)
		if rng.IntN(10) == 0 { // a document not built by NewCalendarDocument
			doc.Data = nil
		}
		var want bytes.Buffer
		if err := encodeJSON(&want, doc); err != nil {
			t.Fatal(err)
		}
		got := append(doc.AppendJSON(nil), '\n')
		if !bytes.Equal(got, want.Bytes()) {
			t.Fatalf("case %d: AppendJSON wrote\n%s\nencoding/json\n%s", i, got, want.Bytes())
		}
		for j, e := range cal.Entries {
			if doc.Data == nil {
				break
			}
			if want := priceMetricsURLValues(req, e); doc.Data[j].Links.PriceMetrics != want {
				t.Fatalf("case %d, entry %d: link %q, url.Values gives %q", i, j, doc.Data[j].Links.PriceMetrics, want)
			}
		}
	}
}

// priceMetricsURLValues is the price-metrics link built with url.Values,
// as the API built it before priceMetricsLink.
func priceMetricsURLValues(req query.CalendarRequest, e query.CalendarEntry) string {
	v := url.Values{"origin": {req.Origin}, "destination": {req.Destination},
		"departureDate": {e.Departure}, "price": {e.Price.Amount}, "currency": {e.Price.Currency}}
	if days, ok := e.Duration(); ok {
		v.Set("duration", strconv.Itoa(days))
	} else {
		v.Set("oneWay", "true")
	}
	if req.Cabin != "" {
		v.Set("cabin", req.Cabin)
	}
	if req.Adults != 0 {
		v.Set("adults", countText(req.Adults))
	}
	if req.NonStop {
		v.Set("nonStop", "true")
	}
	return "/v1/price-metrics?" + encodeQuery(v)
}

// genText returns text for a field: usually what the field holds, often
// empty, sometimes with characters that need escaping in JSON or URLs.
func genText(rng *rand.Rand, usual string) string {
	switch rng.IntN(8) {
	case 0:
		return ""
	case 1, 2:
		pieces := []string{"a", "Z", "9", `"`, `\`, "\n", "\t", "\x00", "\x1f", "\b", "\f", "<", ">", "&",
			"é", "\u2028", "\u2029", "\xff", ",", " ", "%", "+", "=", "?", "/", "€"}
		var b strings.Builder
		for range rng.IntN(6) + 1 {
			b.WriteString(pieces[rng.IntN(len(pieces))])
		}
		return b.String()
	default:
		return usual
	}
}

func genCalendar(rng *rand.Rand) (query.CalendarRequest, query.Calendar, map[string]string) {
	req := query.CalendarRequest{
		Origin: genText(rng, "ICN"), Destination: genText(rng, "NRT"), OneWay: rng.IntN(2) == 0,
		NonStop: rng.IntN(3) == 0, Cabin: []string{"", "ECONOMY", "BUSINESS", genText(rng, "FIRST")}[rng.IntN(4)],
		Adults: rng.IntN(4), Currency: genText(rng, "KRW"), Duration: []string{"", "3", "1,7"}[rng.IntN(3)],
		MaxPrice: []string{"", "500000"}[rng.IntN(2)], MaxAge: []string{"", "24h"}[rng.IntN(2)],
	}
	from := time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, rng.IntN(300))
	cal := query.Calendar{View: []string{"DATE", "DURATION", "WEEK"}[rng.IntN(3)], Currency: genText(rng, "KRW"),
		Dates: query.DateRange{From: from, To: from.AddDate(0, 0, rng.IntN(365))}}
	seen := time.Date(2026, 11, 21, 6, 0, 0, 0, time.UTC)
	for range rng.IntN(12) {
		dep := from.AddDate(0, 0, rng.IntN(30))
		e := query.CalendarEntry{Departure: dep.Format(fare.DateLayout),
			Price:  fare.Money{Amount: strconv.Itoa(rng.IntN(2_000_000)), Currency: genText(rng, "KRW"), Minor: rng.Int64N(2_000_000)},
			Source: genText(rng, "amadeus"), Carrier: genText(rng, "KE"), Cabin: genText(rng, "ECONOMY"),
			NonStop: rng.IntN(2) == 0, SeriesID: genText(rng, "3f9c2a41d0b7e855"),
			ObservedAt: seen.Add(time.Duration(rng.IntN(1e6)) * time.Second), ChangedAt: seen}
		switch rng.IntN(4) {
		case 0:
			e.Return = dep.AddDate(0, 0, rng.IntN(21)).Format(fare.DateLayout)
		case 1:
			e.Return = genText(rng, "2027-02-30") // not a date: no duration
		case 2:
			e.Week = genText(rng, "2027-W05")
		}
		if rng.IntN(10) == 0 {
			e.Departure = genText(rng, "2027-01-01")
		}
		cal.Entries = append(cal.Entries, e)
	}
	var defaults map[string]string
	if rng.IntN(2) == 0 {
		defaults = map[string]string{}
		for range rng.IntN(4) {
			defaults[genText(rng, "viewBy")] = genText(rng, "DATE")
		}
	}
	if len(cal.Entries) == 0 && rng.IntN(2) == 0 {
		for range rng.IntN(3) + 1 {
			var values []string
			for range rng.IntN(3) {
				values = append(values, genText(rng, "BUSINESS"))
			}
			cal.Alternatives = append(cal.Alternatives, query.Alternative{Option: genText(rng, "cabin"), Values: values})
		}
	}
	return req, cal, defaults
}
