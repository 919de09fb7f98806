package api

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/farepipe/farepipe/internal/fare"
	"github.com/farepipe/farepipe/internal/query"
)

// BenchmarkCalendarAnswer measures the API's part of a round-trip
// calendar after the search: building the answer of 730 entries (365
// dates × 2 stays) and writing it.
func BenchmarkCalendarAnswer(b *testing.B) {
	req := query.CalendarRequest{Origin: "ICN", Destination: "NRT", Adults: 1}
	from := time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)
	cal := query.Calendar{View: "DURATION", Currency: "KRW", Dates: query.DateRange{From: from, To: from.AddDate(0, 0, 364)}}
	seen := time.Date(2026, 11, 21, 6, 0, 0, 0, time.UTC)
	for d := range 365 {
		dep := from.AddDate(0, 0, d)
		for _, stay := range []int{3, 7} {
			minor := int64(150_000 + d*100 + stay)
			cal.Entries = append(cal.Entries, query.CalendarEntry{Departure: dep.Format(fare.DateLayout),
				Return: dep.AddDate(0, 0, stay).Format(fare.DateLayout),
				Price:  fare.Money{Amount: strconv.FormatInt(minor, 10), Currency: "KRW", Minor: minor},
				Source: "amadeus", Carrier: "KE", Cabin: "ECONOMY", NonStop: true,
				ObservedAt: seen, ChangedAt: seen.Add(-time.Hour), SeriesID: "3f9c2a41d0b7e855a1c4" + strconv.Itoa(d)})
		}
	}
	s := &server{log: slog.New(slog.DiscardHandler)}
	b.ReportAllocs()
	for b.Loop() {
		w := httptest.NewRecorder()
		s.writeJSON(w, http.StatusOK, NewCalendarDocument(req, cal, nil))
		b.SetBytes(int64(w.Body.Len()))
	}
}
