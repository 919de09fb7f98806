package api

import (
	"net/http/httptest"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/farepipe/farepipe/internal/esindex"
	"github.com/farepipe/farepipe/internal/fare"
	"github.com/farepipe/farepipe/internal/query"
	"github.com/farepipe/farepipe/internal/query/querytest"
)

// fixtureServer indexes the querytest fixture and serves the API over it,
// with the fixture's "now".
func fixtureServer(t *testing.T) (*httptest.Server, []fare.Observation, map[string]querytest.Current) {
	t.Helper()
	env := querytest.New(t)
	first, late := querytest.Fixture(t)
	env.Index(first...)
	if sum := env.Index(late...); sum.Count(esindex.Created) != len(late) {
		t.Fatalf("late observations: %+v", sum)
	}
	srv := serve(t, Options{Backend: &query.Client{ES: env.ES, Prefix: env.Prefix}, Now: func() time.Time { return querytest.FixtureNow }})
	// Late observations never move the latest documents: the current
	// fares are those of the first batch.
	return srv, append(first, late...), querytest.CurrentOf(append(first, late...))
}

func TestCalendarOverHTTP(t *testing.T) {
	t.Parallel()
	srv, _, current := fixtureServer(t)
	pick := func(keep func(querytest.Current) bool, group func(querytest.Current) string) []querytest.Current {
		var kept []querytest.Current
		for _, c := range current {
			if c.Key.Destination == "NRT" && keep(c) {
				kept = append(kept, c)
			}
		}
		return querytest.Cheapest(kept, group)
	}
	round := func(c querytest.Current) bool { return c.Key.Return != "" }
	recent := func(c querytest.Current) bool { // seen on Day3, 6 hours before now
		return round(c) && c.LastSeen.Equal(querytest.FixtureNow.Add(-6*time.Hour))
	}
	upTo := func(limit int64, cs []querytest.Current) []querytest.Current {
		return slices.DeleteFunc(cs, func(c querytest.Current) bool { return c.Price.Minor > limit })
	}
	tests := []struct {
		name     string
		query    string
		view     string
		defaults map[string]string
		want     []querytest.Current
	}{
		{"round trips, view by default", "", "DURATION", map[string]string{"viewBy": "DURATION"},
			pick(round, func(c querytest.Current) string { return c.Key.Departure + c.Key.Return })},
		{"one way by date", "&oneWay=true", "DATE", map[string]string{"viewBy": "DATE"},
			pick(func(c querytest.Current) bool { return c.Key.Return == "" }, func(c querytest.Current) string { return c.Key.Departure })},
		{"by week, 7-day stays, non-stop", "&viewBy=WEEK&duration=7&nonStop=true", "WEEK", nil,
			pick(func(c querytest.Current) bool { return querytest.StayOf(c.Key) == 7 && c.Key.NonStop },
				func(c querytest.Current) string { return querytest.WeekOf(c.Key) })},
		{"seen in the last 12 hours, up to 170000", "&viewBy=DATE&maxAge=PT12H&maxPrice=170000&currency=KRW", "DATE", nil,
			upTo(170000, pick(recent, func(c querytest.Current) string { return c.Key.Departure }))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := "/v1/calendar?origin=ICN&destination=NRT&departureDate=2027-01-04,2027-01-17" + tt.query
			a := get(t, srv.URL+path)
			if a.status != 200 {
				t.Fatalf("GET %s: %d %s", path, a.status, a.body)
			}
			var doc CalendarDocument
			a.decode(t, &doc)
			if len(tt.want) == 0 {
				t.Fatal("the case selects no fares: it proves nothing")
			}
			if doc.Meta.Count != len(tt.want) || len(doc.Data) != len(tt.want) || doc.Meta.ViewBy != tt.view || doc.Meta.Currency != "KRW" ||
				doc.Meta.DepartureDate != "2027-01-04,2027-01-17" {
				t.Fatalf("GET %s: meta %+v with %d entries, want %d entries by %s in KRW", path, doc.Meta, len(doc.Data), len(tt.want), tt.view)
			}
			if !mapsEqual(doc.Meta.Defaults, tt.defaults) {
				t.Errorf("GET %s: defaults %v, want %v", path, doc.Meta.Defaults, tt.defaults)
			}
			for i, fd := range doc.Data {
				w := tt.want[i]
				stay := querytest.StayOf(w.Key)
				if fd.Type != "flight-date" || fd.Origin != "ICN" || fd.Destination != "NRT" || fd.SeriesID != w.SeriesID ||
					fd.DepartureDate != w.Key.Departure || fd.ReturnDate != w.Key.Return || fd.Price.Total != w.Price.Amount ||
					fd.Price.Currency != "KRW" || fd.PriceMinor != w.Price.Minor || fd.Carrier != w.Key.Carrier ||
					fd.NonStop != w.Key.NonStop || fd.Cabin != w.Key.Cabin || fd.Source != "fixture" ||
					fd.ObservedAt != fare.FormatTime(w.LastSeen) || fd.ChangedAt != fare.FormatTime(w.ChangedAt) ||
					(stay >= 0) != (fd.Duration != nil) || (fd.Duration != nil && *fd.Duration != stay) ||
					(tt.view == "WEEK") != (fd.Week == querytest.WeekOf(w.Key)) {
					t.Errorf("GET %s entry %d = %+v, want the fare %+v", path, i, fd, w)
				}
			}
			// The self link asks again with the defaults made explicit.
			var same CalendarDocument
			again := get(t, srv.URL+doc.Meta.Links.Self)
			again.decode(t, &same)
			if again.status != 200 || len(same.Meta.Defaults) != 0 || same.Meta.Links != doc.Meta.Links || !reflect.DeepEqual(same.Data, doc.Data) {
				t.Errorf("meta.links.self %s answers %d %s, not the same fares without defaults", doc.Meta.Links.Self, again.status, again.body)
			}
		})
	}
}

func mapsEqual(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// TestCalendarLinksLeadToHistoryAndRating follows the links of a fare.
func TestCalendarLinksLeadToHistoryAndRating(t *testing.T) {
	t.Parallel()
	srv, all, _ := fixtureServer(t)
	var cal CalendarDocument
	a := get(t, srv.URL+"/v1/calendar?origin=ICN&destination=NRT&departureDate=2027-01-06&duration=3&viewBy=DATE")
	if a.decode(t, &cal); a.status != 200 || len(cal.Data) != 1 {
		t.Fatalf("calendar of 2027-01-06: %d %s", a.status, a.body)
	}
	fd := cal.Data[0]

	var h HistoryDocument
	a = get(t, srv.URL+fd.Links.History)
	if a.decode(t, &h); a.status != 200 || h.Data.SeriesID != fd.SeriesID || h.Data.Current == nil ||
		h.Data.Current.Price != fd.Price || h.Data.Current.LastSeen != fd.ObservedAt {
		t.Fatalf("GET %s: %d %s, want the history of %s now at %+v", fd.Links.History, a.status, a.body, fd.SeriesID, fd.Price)
	}

	prices, _ := querytest.ChangePrices(all, func(k fare.SeriesKey) bool {
		return k.Destination == "NRT" && k.Departure == fd.DepartureDate && querytest.StayOf(k) == 3
	})
	q1, q3 := querytest.NearestRank(prices, 25), querytest.NearestRank(prices, 75)
	want := query.RatingTypical
	switch {
	case fd.PriceMinor < q1:
		want = query.RatingLow
	case fd.PriceMinor > q3:
		want = query.RatingHigh
	}
	var m MetricsDocument
	a = get(t, srv.URL+fd.Links.PriceMetrics)
	if a.decode(t, &m); a.status != 200 || len(m.Data) != 1 || m.Data[0].PriceRating == nil {
		t.Fatalf("GET %s: %d %s", fd.Links.PriceMetrics, a.status, a.body)
	}
	if r := m.Data[0].PriceRating; r.Rating != want || r.Amount != fd.Price.Total || r.AmountMinor != fd.PriceMinor {
		t.Errorf("GET %s: rating %+v, want %s (quartiles %d, %d of %v)", fd.Links.PriceMetrics, r, want, q1, q3, prices)
	}
}

func TestPriceMetricsOverHTTP(t *testing.T) {
	t.Parallel()
	srv, all, _ := fixtureServer(t)
	prices, series := querytest.ChangePrices(all, func(k fare.SeriesKey) bool {
		return k.Destination == "NRT" && k.Return == "" && strings.HasPrefix(k.Departure, "2027-01")
	})
	path := "/v1/price-metrics?origin=ICN&destination=NRT&departureDate=2027-01&oneWay=true&price=1"
	var doc MetricsDocument
	a := get(t, srv.URL+path)
	if a.decode(t, &doc); a.status != 200 || doc.Meta.Count != 1 || len(doc.Data) != 1 {
		t.Fatalf("GET %s: %d %s", path, a.status, a.body)
	}
	d := doc.Data[0]
	ranks := []string{"MINIMUM", "FIRST", "MEDIUM", "THIRD", "MAXIMUM"}
	pcts := []float64{100 / float64(len(prices)), 25, 50, 75, 100}
	for i, st := range d.PriceMetrics {
		want := querytest.NearestRank(prices, pcts[i])
		if st.QuartileRanking != ranks[i] || st.AmountMinor != want || st.Amount != strconv.FormatInt(want, 10) {
			t.Errorf("metric %d = %+v, want %s %d", i, st, ranks[i], want)
		}
	}
	if len(d.PriceMetrics) != 5 || d.Type != "itinerary-price-metric" || d.Origin.IataCode != "ICN" || d.Destination.IataCode != "NRT" ||
		d.DepartureDate != "2027-01" || d.CurrencyCode != "KRW" || !d.OneWay || d.TransportType != "FLIGHT" ||
		d.Samples != len(prices) || d.Series != series || d.PriceRating == nil || d.PriceRating.Rating != "LOW" {
		t.Errorf("GET %s: %+v, want 5 metrics of %d samples of %d series, rated LOW", path, d, len(prices), series)
	}
	if doc.Meta.Basis != "CHANGE_POINTS" || doc.Meta.Quartiles != "NEAREST_RANK" || doc.Meta.RatingRule == "" {
		t.Errorf("GET %s: meta %+v", path, doc.Meta)
	}

	a = get(t, srv.URL+"/v1/price-metrics?origin=ICN&destination=CDG&departureDate=2027-01")
	if a.decode(t, &doc); a.status != 200 || doc.Meta.Count != 0 || doc.Data == nil || len(doc.Data) != 0 {
		t.Errorf("metrics without history: %d %s, want 200 with an empty data array", a.status, a.body)
	}
	a = get(t, srv.URL+"/v1/price-metrics?origin=ICN&destination=KIX&departureDate=2027-01")
	if issues := a.issues(t); a.status != 400 || issues[0].Parameter != "currency" || !strings.Contains(issues[0].Detail, "KRW, USD") {
		t.Errorf("metrics of fares in two currencies: %d %s, want 400 on currency naming KRW, USD", a.status, a.body)
	}
	a = get(t, srv.URL+"/v1/price-metrics?origin=ICN&destination=NRT&departureDate=2027-01&price=150000.5")
	if issues := a.issues(t); a.status != 400 || issues[0].Parameter != "price" || *issues[0].Value != "150000.5" {
		t.Errorf("a price finer than KRW: %d %s, want 400 on price", a.status, a.body)
	}
}

func TestCalendarRefusalsThatNeedTheData(t *testing.T) {
	t.Parallel()
	srv, _, _ := fixtureServer(t)
	a := get(t, srv.URL+"/v1/calendar?origin=ICN&destination=KIX&departureDate=2027-01-04,2027-01-17")
	if issues := a.issues(t); a.status != 400 || issues[0].Parameter != "currency" {
		t.Errorf("calendar of fares in two currencies: %d %s, want 400 on currency", a.status, a.body)
	}
	a = get(t, srv.URL+"/v1/calendar?origin=ICN&destination=NRT&departureDate=2027-01-04&maxPrice=1.5")
	if issues := a.issues(t); a.status != 400 || issues[0].Parameter != "maxPrice" {
		t.Errorf("maxPrice finer than KRW: %d %s, want 400 on maxPrice", a.status, a.body)
	}
	var doc CalendarDocument
	a = get(t, srv.URL+"/v1/calendar?origin=ICN&destination=NRT")
	if a.decode(t, &doc); a.status != 200 || doc.Meta.Count != 0 || doc.Meta.Defaults["departureDate"] != "2026-11-21,2026-12-20" {
		t.Errorf("calendar without departureDate: %d %s, want the 30 days from the fixture's today, empty", a.status, a.body)
	}
}

func TestHistoryOverHTTP(t *testing.T) {
	t.Parallel()
	srv, _, _ := fixtureServer(t)
	id := fare.SeriesKey{Source: "fixture", Origin: "ICN", Destination: "NRT", Departure: "2027-01-06",
		Return: "2027-01-09", Cabin: "ECONOMY", NonStop: true, Carrier: "KE", Currency: "KRW"}.ID()
	var doc HistoryDocument
	a := get(t, srv.URL+"/v1/series/"+id+"/history")
	if a.decode(t, &doc); a.status != 200 {
		t.Fatalf("history: %d %s", a.status, a.body)
	}
	var got []string
	for _, c := range doc.Data.Changes {
		got = append(got, c.ObservedAt+" "+c.Price.Total)
	}
	want := []string{"2026-11-19T06:00:00.000Z 180000", "2026-11-20T06:00:00.000Z 171000"}
	if !slices.Equal(got, want) || doc.Meta.Count != 2 || doc.Meta.Total != 2 || doc.Data.Carrier != "KE" ||
		doc.Data.ReturnDate != "2027-01-09" || doc.Data.Current == nil || doc.Data.Current.FirstSeen != "2026-11-19T06:00:00.000Z" {
		t.Errorf("history: %s\nwant changes %q", a.body, want)
	}
	a = get(t, srv.URL+"/v1/series/0123456789abcdef0123456789abcdef/history")
	if issues := a.issues(t); a.status != 404 || issues[0].Title != "NOT FOUND" {
		t.Errorf("history of an unknown series: %d %s, want 404", a.status, a.body)
	}
}

func TestReadyzWithElasticsearchUp(t *testing.T) {
	t.Parallel()
	env := querytest.New(t)
	srv := serve(t, Options{Backend: &query.Client{ES: env.ES, Prefix: env.Prefix}})
	if a := get(t, srv.URL+"/readyz"); a.status != 200 {
		t.Errorf("/readyz with Elasticsearch up: %d %s", a.status, a.body)
	}
}

func TestRoutesOverHTTP(t *testing.T) {
	t.Parallel()
	srv, obs, _ := fixtureServer(t)
	series := map[string]map[string]bool{}
	for _, o := range obs {
		r := o.Key.Origin + "-" + o.Key.Destination
		if series[r] == nil {
			series[r] = map[string]bool{}
		}
		series[r][o.SeriesID] = true
	}
	a := get(t, srv.URL+"/v1/routes")
	checkDocumented(t, loadSpec(t), "/v1/routes", a)
	var doc RoutesDocument
	if a.decode(t, &doc); a.status != 200 || doc.Meta.Count != len(series) || len(doc.Data) != len(series) {
		t.Fatalf("routes: %d %s, want the %d routes of the fixture", a.status, a.body, len(series))
	}
	for i, r := range doc.Data {
		if n := len(series[r.Origin+"-"+r.Destination]); r.Series != n || r.Type != "route" {
			t.Errorf("route %+v, want %d series", r, n)
		}
		if i > 0 && r.Series > doc.Data[i-1].Series {
			t.Errorf("route %d has more series than the one before: %+v", i, doc.Data)
		}
	}
	if a := get(t, srv.URL+"/v1/routes?origin=ICN"); a.status != 400 {
		t.Errorf("routes with an unknown parameter: %d %s, want 400", a.status, a.body)
	}
}
