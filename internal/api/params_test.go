package api

import (
	"slices"
	"strings"
	"testing"
)

// TestBadRequestsNameEachParameter sends invalid requests to a server whose
// Elasticsearch is unreachable: each must be answered 400 with one issue
// per parameter at fault, without asking Elasticsearch (which would answer
// 503).
func TestBadRequestsNameEachParameter(t *testing.T) {
	t.Parallel()
	srv := serve(t, Options{Backend: clientOf(t, closedPort(t), "none")})
	const cal = "/v1/calendar?origin=ICN&destination=NRT&departureDate=2027-01-01,2027-01-31"
	const pm = "/v1/price-metrics?origin=ICN&destination=NRT&departureDate=2027-01-05"
	tests := []struct {
		name   string
		path   string
		params []string // the parameters named, in order
		value  string   // the value echoed in the first issue; "-" for none
		detail string   // part of the first issue's detail
	}{
		{"missing origin and destination", "/v1/calendar?departureDate=2027-01-01", []string{"origin", "destination"}, "-", "missing mandatory"},
		{"bad IATA code", "/v1/calendar?origin=IC1&destination=NRT", []string{"origin"}, "IC1", "not an IATA"},
		{"lower-case IATA code", "/v1/calendar?origin=icn&destination=NRT", []string{"origin"}, "icn", "not an IATA"},
		{"inverted range", "/v1/calendar?origin=ICN&destination=NRT&departureDate=2027-02-01,2027-01-01", []string{"departureDate"},
			"2027-02-01,2027-01-01", "to 2027-01-01 is before from 2027-02-01"},
		{"range over 366 days", "/v1/calendar?origin=ICN&destination=NRT&departureDate=2027-01-01,2028-01-03", []string{"departureDate"},
			"2027-01-01,2028-01-03", "at most 366 days"},
		{"not a date", "/v1/calendar?origin=ICN&destination=NRT&departureDate=tomorrow", []string{"departureDate"}, "tomorrow", "not a date"},
		{"unknown viewBy", cal + "&viewBy=MONTH", []string{"viewBy"}, "MONTH", "DATE, DURATION, WEEK"},
		{"DURATION view one way", cal + "&viewBy=DURATION&oneWay=true", []string{"viewBy"}, "DURATION", "not with oneWay=true"},
		{"bad duration", cal + "&duration=a-week", []string{"duration"}, "a-week", "not a whole number"},
		{"inverted duration", cal + "&duration=8,2", []string{"duration"}, "8,2", "inverted range"},
		{"duration one way", cal + "&duration=3&oneWay=true", []string{"duration"}, "3", "only for round trips"},
		{"bad maxPrice", cal + "&maxPrice=cheap", []string{"maxPrice"}, "cheap", "not an amount"},
		{"negative maxPrice", cal + "&maxPrice=-5", []string{"maxPrice"}, "-5", "not an amount"},
		{"bad maxAge", cal + "&maxAge=P1M", []string{"maxAge"}, "P1M", "months"},
		{"bad cabin", cal + "&cabin=COACH", []string{"cabin"}, "COACH", "unknown cabin"},
		{"adults not a number", cal + "&adults=two", []string{"adults"}, "two", "not a whole number"},
		{"too many adults", cal + "&adults=10", []string{"adults"}, "10", "want 1 to 9"},
		{"no adults", pm + "&adults=0", []string{"adults"}, "0", "want 1 to 9"},
		{"bad currency", cal + "&currency=WON", []string{"currency"}, "WON", "unknown currency"},
		{"bad boolean", cal + "&nonStop=yes", []string{"nonStop"}, "yes", "not a boolean"},
		{"unknown parameter", cal + "&maxprice=5", []string{"maxprice"}, "-", "unknown parameter"},
		{"repeated parameter", cal + "&origin=GMP", []string{"origin"}, "GMP", "more than once"},
		{"malformed query", cal + "&x=%zz", []string{""}, "-", "malformed"},
		{"several problems at once", "/v1/calendar?origin=X&destination=NRT&departureDate=2027-01-01&viewBy=Q&maxAge=soon",
			[]string{"origin", "viewBy", "maxAge"}, "X", "not an IATA"},
		{"metrics without a date", "/v1/price-metrics?origin=ICN&destination=NRT", []string{"departureDate"}, "-", "missing mandatory"},
		{"metrics of a range", "/v1/price-metrics?origin=ICN&destination=NRT&departureDate=2027-01-01,2027-01-31",
			[]string{"departureDate"}, "2027-01-01,2027-01-31", "month"},
		{"metrics with a bad price", pm + "&price=1e5", []string{"price"}, "1e5", "not an amount"},
		{"metrics with a zero price", pm + "&price=0", []string{"price"}, "0", "not a positive amount"},
		{"metrics do not take viewBy", pm + "&viewBy=DATE", []string{"viewBy"}, "-", "unknown parameter"},
		{"history of a malformed id", "/v1/series/not-an-id/history", []string{"id"}, "not-an-id", "32 lower-case hexadecimal"},
		{"history takes no parameters", "/v1/series/0123456789abcdef0123456789abcdef/history?limit=5", []string{"limit"}, "-", "unknown parameter"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			a := get(t, srv.URL+tt.path)
			if a.status != 400 {
				t.Fatalf("GET %s: %d, want 400: %s", tt.path, a.status, a.body)
			}
			issues := a.issues(t)
			var names []string
			for _, is := range issues {
				names = append(names, is.Parameter)
				if is.Parameter != "" && (is.Source == nil || is.Source.Parameter != is.Parameter) {
					t.Errorf("issue %+v: source.parameter differs from parameter", is)
				}
				if is.Code == 0 || is.Title == "" || is.Detail == "" {
					t.Errorf("issue %+v lacks a code, title or detail", is)
				}
			}
			if !slices.Equal(names, tt.params) {
				t.Errorf("GET %s names %q, want %q: %s", tt.path, names, tt.params, a.body)
			}
			first := issues[0]
			switch {
			case tt.value == "-" && first.Value != nil:
				t.Errorf("GET %s: first issue echoes value %q, want none", tt.path, *first.Value)
			case tt.value != "-" && (first.Value == nil || *first.Value != tt.value):
				t.Errorf("GET %s: first issue value %v, want %q", tt.path, first.Value, tt.value)
			}
			if !strings.Contains(first.Detail, tt.detail) {
				t.Errorf("GET %s: first issue detail %q, want it to contain %q", tt.path, first.Detail, tt.detail)
			}
		})
	}
}

func TestEmptyValuesCountAsAbsent(t *testing.T) {
	t.Parallel()
	srv := serve(t, Options{Backend: clientOf(t, closedPort(t), "none")})
	// Every optional parameter empty: valid, so Elasticsearch is asked,
	// and it is unreachable.
	a := get(t, srv.URL+"/v1/calendar?origin=ICN&destination=NRT&departureDate=&oneWay=&duration=&nonStop=&maxPrice=&viewBy=&cabin=&currency=&maxAge=")
	if a.status != 503 {
		t.Errorf("calendar with empty optional parameters: %d, want 503 (valid, Elasticsearch down): %s", a.status, a.body)
	}
	a = get(t, srv.URL+"/v1/calendar?origin=&destination=NRT")
	if issues := a.issues(t); a.status != 400 || issues[0].Parameter != "origin" || !strings.Contains(issues[0].Detail, "missing") {
		t.Errorf("calendar with an empty origin: %d %s, want 400 missing origin", a.status, a.body)
	}
}
