package api

import (
	"encoding/json"
	"strings"
	"testing"
)

// checkDocumented checks an answer of path against its OpenAPI schema.
func checkDocumented(t *testing.T, s *spec, path string, a answer) {
	t.Helper()
	r, ok := s.response(s.Paths[path]["get"], a.status)
	if !ok {
		t.Fatalf("GET %s: %d not documented", path, a.status)
	}
	var v any
	if err := json.Unmarshal(a.body, &v); err != nil {
		t.Fatal(err)
	}
	for _, e := range validate(s.raw, r.Content["application/json"].Schema, v, "$") {
		t.Errorf("GET %s: %s", path, e)
	}
}

// An empty answer says in meta.hint which parameter finds fares; an answer
// with fares has no hint.
func TestEmptyAnswersHintOverHTTP(t *testing.T) {
	t.Parallel()
	srv, _, _ := fixtureServer(t)
	s := loadSpec(t)
	const route = "origin=ICN&destination=NRT&departureDate=2027-01-04,2027-01-17"
	for _, tc := range []struct{ query, hint string }{
		{route + "&oneWay=true&cabin=BUSINESS", "fares exist with oneWay=false, or with cabin=ECONOMY"},
		{route + "&currency=USD", "fares exist with currency=KRW"},
		{route + "&adults=2&nonStop=true", "fares exist with adults=1"},
		{route, ""},
		{"origin=ICN&destination=CDG&departureDate=2027-01-04", ""},
	} {
		var doc CalendarDocument
		a := get(t, srv.URL+"/v1/calendar?"+tc.query)
		a.decode(t, &doc)
		checkDocumented(t, s, "/v1/calendar", a)
		if a.status != 200 || tc.hint == "" && doc.Meta.Hint != "" || !strings.HasSuffix(doc.Meta.Hint, tc.hint) ||
			tc.hint != "" && doc.Meta.Count != 0 {
			t.Errorf("GET /v1/calendar?%s: %d, meta %+v, want the hint %q", tc.query, a.status, doc.Meta, tc.hint)
		}
	}
	for _, tc := range []struct{ query, hint string }{
		{"origin=ICN&destination=NRT&departureDate=2027-01&oneWay=true&cabin=BUSINESS", "fares exist with oneWay=false, or with cabin=ECONOMY"},
		{"origin=ICN&destination=NRT&departureDate=2027-01&cabin=FIRST", "fares exist with cabin=BUSINESS or cabin=ECONOMY"},
		{"origin=ICN&destination=NRT&departureDate=2027-01", ""},
	} {
		var doc MetricsDocument
		a := get(t, srv.URL+"/v1/price-metrics?"+tc.query)
		a.decode(t, &doc)
		checkDocumented(t, s, "/v1/price-metrics", a)
		if a.status != 200 || tc.hint == "" && doc.Meta.Hint != "" || !strings.HasSuffix(doc.Meta.Hint, tc.hint) {
			t.Errorf("GET /v1/price-metrics?%s: %d, meta %+v, want the hint %q", tc.query, a.status, doc.Meta, tc.hint)
		}
	}
}
