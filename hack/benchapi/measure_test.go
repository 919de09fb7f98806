package main

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
)

// TestCallerChecksAnswers serves calendars of a given number of entries and
// checks that only complete ones pass.
func TestCallerChecksAnswers(t *testing.T) {
	var entries, status int
	var asked string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		asked = r.URL.RequestURI()
		w.WriteHeader(status)
		body := `{"meta":{"count":` + strconv.Itoa(entries) + `,"viewBy":"DATE"},"data":[`
		for i := range entries {
			if i > 0 {
				body += ","
			}
			body += `{"type":"flight-date"}`
		}
		_, _ = w.Write([]byte(body + "]}\n"))
	}))
	defer srv.Close()
	r := route{Origin: "ICN", Destination: "NRT"}
	tests := []struct {
		name    string
		trip    trip
		entries int
		status  int
		ok      bool
	}{
		{"one way, a year of dates", oneWayTrip, 365, 200, true},
		{"round trip, two stays a date", roundTripTrip, 730, 200, true},
		{"one way, a date missing", oneWayTrip, 364, 200, false},
		{"round trip with one-way count", roundTripTrip, 365, 200, false},
		{"error status", oneWayTrip, 365, 503, false},
	}
	c := newCaller(srv.URL, []route{r}, 1)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			entries, status = tt.entries, tt.status
			var buf bytes.Buffer
			_, err := c.get(context.Background(), r, tt.trip, &buf)
			if (err == nil) != tt.ok {
				t.Errorf("get(%s) with %d entries, HTTP %d: error %v, want ok %t", tt.trip.Name, tt.entries, tt.status, err, tt.ok)
			}
			want := "departureDate=2027-01-01%2C2027-12-31&destination=NRT&oneWay=" + strconv.FormatBool(tt.trip.OneWay) + "&origin=ICN"
			if !strings.HasSuffix(asked, want) {
				t.Errorf("get(%s) asked %s, want the query %s", tt.trip.Name, asked, want)
			}
		})
	}
}
