package query

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/farepipe/farepipe/internal/fare"
	"github.com/farepipe/farepipe/internal/query/querytest"
)

// TestCalendarAgainstTheFixture asks for calendars of every view and
// filter and checks each against the cheapest fares computed from the
// observations themselves.
func TestCalendarAgainstTheFixture(t *testing.T) {
	t.Parallel()
	c, all := loadFixture(t)
	// Whatever the order they were indexed in, the current fares are
	// those of one pass over all observations in time order (esindex).
	var current []querytest.Current
	for _, cur := range querytest.CurrentOf(all) {
		current = append(current, cur)
	}
	nrt := func(cur querytest.Current) bool {
		k := cur.Key
		return k.Destination == "NRT" && k.Departure >= "2027-01-04" && k.Departure <= "2027-01-17"
	}
	round := func(cur querytest.Current) bool { return nrt(cur) && cur.Key.Return != "" }
	oneWay := func(cur querytest.Current) bool { return nrt(cur) && cur.Key.Return == "" }
	byDate := func(cur querytest.Current) string { return cur.Key.Departure }
	byTrip := func(cur querytest.Current) string { return cur.Key.Departure + cur.Key.Return }
	byWeek := querytest.WeekOf
	byWeekOf := func(cur querytest.Current) string { return byWeek(cur.Key) }
	base := CalendarRequest{Origin: "ICN", Destination: "NRT", Departure: "2027-01-01,2027-01-31", Now: querytest.FixtureNow}

	tests := []struct {
		name     string
		edit     func(*CalendarRequest)
		keep     func(querytest.Current) bool
		group    func(querytest.Current) string
		maxPrice int64
		view     string
	}{
		{"round trips by duration (the default)", func(*CalendarRequest) {}, round, byTrip, 0, ViewDuration},
		{"round trips by date", func(r *CalendarRequest) { r.ViewBy = ViewDate }, round, byDate, 0, ViewDate},
		{"round trips by week", func(r *CalendarRequest) { r.ViewBy = ViewWeek }, round, byWeekOf, 0, ViewWeek},
		{"one way by date (the default)", func(r *CalendarRequest) { r.OneWay = true }, oneWay, byDate, 0, ViewDate},
		{"one way by week", func(r *CalendarRequest) { r.OneWay, r.ViewBy = true, ViewWeek }, oneWay, byWeekOf, 0, ViewWeek},
		{"one stay by date", func(r *CalendarRequest) { r.ViewBy, r.Duration = ViewDate, "3" },
			func(cur querytest.Current) bool { return round(cur) && querytest.StayOf(cur.Key) == 3 }, byDate, 0, ViewDate},
		{"stay range by duration", func(r *CalendarRequest) { r.Duration = "4,8" },
			func(cur querytest.Current) bool { return round(cur) && querytest.StayOf(cur.Key) == 7 }, byTrip, 0, ViewDuration},
		{"stay range by week", func(r *CalendarRequest) { r.ViewBy, r.Duration = ViewWeek, "6,7" },
			func(cur querytest.Current) bool { return round(cur) && querytest.StayOf(cur.Key) == 7 }, byWeekOf, 0, ViewWeek},
		{"non-stop", func(r *CalendarRequest) { r.ViewBy, r.NonStop = ViewDate, true },
			func(cur querytest.Current) bool { return round(cur) && cur.Key.NonStop }, byDate, 0, ViewDate},
		{"business", func(r *CalendarRequest) { r.ViewBy, r.Cabin = ViewDate, "BUSINESS" },
			func(cur querytest.Current) bool { return round(cur) && cur.Key.Cabin == "BUSINESS" }, byDate, 0, ViewDate},
		{"max price", func(r *CalendarRequest) { r.ViewBy, r.MaxPrice = ViewDate, "160000" }, round, byDate, 160000, ViewDate},
		{"max price by duration", func(r *CalendarRequest) { r.MaxPrice = "165000" }, round, byTrip, 165000, ViewDuration},
		{"seen in the last 12 hours", func(r *CalendarRequest) { r.ViewBy, r.MaxAge = ViewDate, "PT12H" },
			func(cur querytest.Current) bool { return round(cur) && cur.LastSeen.Equal(mustTime(querytest.Day3)) }, byDate, 0, ViewDate},
		{"seen in the last 2 days", func(r *CalendarRequest) { r.MaxAge = "48h" },
			func(cur querytest.Current) bool { return round(cur) && !cur.LastSeen.Equal(mustTime(querytest.Day1)) }, byTrip, 0, ViewDuration},
		{"part of the dates", func(r *CalendarRequest) { r.ViewBy, r.Departure = ViewDate, "2027-01-06,2027-01-08" },
			func(cur querytest.Current) bool {
				return round(cur) && cur.Key.Departure >= "2027-01-06" && cur.Key.Departure <= "2027-01-08"
			}, byDate, 0, ViewDate},
		{"one date", func(r *CalendarRequest) { r.Departure = "2027-01-09" },
			func(cur querytest.Current) bool { return round(cur) && cur.Key.Departure == "2027-01-09" }, byTrip, 0, ViewDuration},
		{"currency named", func(r *CalendarRequest) { r.ViewBy, r.Currency = ViewDate, "KRW" }, round, byDate, 0, ViewDate},
		{"USD fares of a route in two currencies", func(r *CalendarRequest) { r.Destination, r.Currency, r.ViewBy = "KIX", "USD", ViewDate },
			func(cur querytest.Current) bool {
				return cur.Key.Destination == "KIX" && cur.Key.Return != "" && cur.Key.Currency == "USD"
			},
			byDate, 0, ViewDate},
		{"a route without fares", func(r *CalendarRequest) { r.Destination = "CDG" },
			func(querytest.Current) bool { return false }, byDate, 0, ViewDuration},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := base
			tt.edit(&req)
			var kept []querytest.Current
			for _, cur := range current {
				if tt.keep(cur) {
					kept = append(kept, cur)
				}
			}
			want := querytest.Cheapest(kept, tt.group)
			if tt.maxPrice > 0 {
				want = slices.DeleteFunc(want, func(cur querytest.Current) bool { return cur.Price.Minor > tt.maxPrice })
			}
			cal, err := c.Calendar(context.Background(), req)
			if err != nil {
				t.Fatalf("Calendar(%+v): %v", req, err)
			}
			if cal.View != tt.view {
				t.Errorf("Calendar(%+v).View = %s, want %s", req, cal.View, tt.view)
			}
			if len(want) == 0 && cal.Currency != "" {
				t.Errorf("Calendar(%+v).Currency = %q with no fares", req, cal.Currency)
			}
			got := make([]string, len(cal.Entries))
			for i, e := range cal.Entries {
				got[i] = entryText(e.SeriesID, e.Departure, e.Return, e.Price, e.ObservedAt, e.ChangedAt)
				if cal.Currency != e.Price.Currency {
					t.Errorf("entry %d in %s, calendar in %s", i, e.Price.Currency, cal.Currency)
				}
				if wantWeek := ""; tt.view == ViewWeek {
					wantWeek = byWeek(fare.SeriesKey{Departure: e.Departure})
					if e.Week != wantWeek {
						t.Errorf("entry %s: week %q, want %q", e.Departure, e.Week, wantWeek)
					}
				}
			}
			wantText := make([]string, len(want))
			for i, w := range want {
				wantText[i] = entryText(w.SeriesID, w.Key.Departure, w.Key.Return, w.Price, w.LastSeen, w.ChangedAt)
			}
			if len(want) == 0 && len(got) == 0 && tt.name != "a route without fares" {
				t.Fatal("the case selects no fares: it proves nothing")
			}
			if !slices.Equal(got, wantText) {
				t.Errorf("Calendar(%+v):\n got %q\nwant %q", req, got, wantText)
			}
		})
	}
}

func entryText(id, dep, ret string, price fare.Money, seen, changed time.Time) string {
	return fmt.Sprintf("%s %s-%s %s %s seen %s since %s", id[:6], dep, ret, price.Amount, price.Currency,
		seen.UTC().Format(time.RFC3339), changed.UTC().Format(time.RFC3339))
}

func mustTime(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

// TestCalendarBreaksTiesBySeriesID checks that of two fares at the same
// price the one with the lower series id is the answer, every time.
func TestCalendarBreaksTiesBySeriesID(t *testing.T) {
	t.Parallel()
	c, _ := loadFixture(t)
	var ids []string
	for _, carrier := range []struct {
		code    string
		nonStop bool
	}{{"KE", true}, {"7C", false}} {
		ids = append(ids, fare.SeriesKey{Source: "fixture", Origin: "ICN", Destination: "NRT", Departure: "2027-01-09",
			Return: "2027-01-12", Cabin: "ECONOMY", NonStop: carrier.nonStop, Carrier: carrier.code, Currency: "KRW"}.ID())
	}
	for _, view := range []string{ViewDate, ViewDuration} {
		cal, err := c.Calendar(context.Background(), CalendarRequest{Origin: "ICN", Destination: "NRT",
			Departure: "2027-01-09", Duration: "3", ViewBy: view})
		if err != nil {
			t.Fatal(err)
		}
		if len(cal.Entries) != 1 || cal.Entries[0].SeriesID != slices.Min(ids) || cal.Entries[0].Price.Minor != 120000 {
			t.Errorf("view %s: %+v, want the 120000 fare of series %s (of %v)", view, cal.Entries, slices.Min(ids), ids)
		}
	}
}

func TestCalendarRefusesWhatItCannotAnswer(t *testing.T) {
	t.Parallel()
	c, _ := loadFixture(t)
	tests := []struct {
		name  string
		req   CalendarRequest
		field string
		is    error
	}{
		{"several currencies", CalendarRequest{Origin: "ICN", Destination: "KIX", Departure: "2027-01-05", OneWay: true}, "", ErrCurrencies},
		{"max price finer than the currency", CalendarRequest{Origin: "ICN", Destination: "NRT", Departure: "2027-01-05",
			MaxPrice: "200000.5"}, "maxPrice", nil},
		{"invalid request", CalendarRequest{Origin: "ICN", Destination: "NRT", Departure: "2027-01-05", ViewBy: "DAY"}, "viewBy", nil},
	}
	for _, tt := range tests {
		_, err := c.Calendar(context.Background(), tt.req)
		var fe *fare.FieldError
		switch {
		case tt.is != nil && !errors.Is(err, tt.is):
			t.Errorf("%s: error %v, want %v", tt.name, err, tt.is)
		case tt.field != "" && (!errors.As(err, &fe) || fe.Field != tt.field):
			t.Errorf("%s: error %v, want a field error of %s", tt.name, err, tt.field)
		}
	}
}

func TestCalendarOfAPrefixWithoutIndicesIsEmpty(t *testing.T) {
	t.Parallel()
	env := querytest.New(t)
	c := &Client{ES: env.ES, Prefix: env.Prefix}
	cal, err := c.Calendar(context.Background(), CalendarRequest{Origin: "ICN", Destination: "NRT", Departure: "2027-01-05"})
	if err != nil || len(cal.Entries) != 0 {
		t.Errorf("Calendar on no indices = %+v, %v; want nothing, no error", cal, err)
	}
}

func TestUnreachableElasticsearchIsABackendError(t *testing.T) {
	t.Parallel()
	c := &Client{ES: closedPortClient(t), Prefix: "none"}
	_, err := c.Calendar(context.Background(), CalendarRequest{Origin: "ICN", Destination: "NRT", Departure: "2027-01-05"})
	var be *BackendError
	if !errors.As(err, &be) || !be.Unavailable() {
		t.Errorf("Calendar against a closed port: %v, want an unavailable *BackendError", err)
	}
	if err := c.Ping(context.Background()); !errors.As(err, &be) {
		t.Errorf("Ping against a closed port: %v, want a *BackendError", err)
	}
}
