package query

import (
	"strings"
	"testing"
	"time"

	"github.com/farepipe/farepipe/internal/fare"
)

// fieldErrors lists the "field: reason" of every *fare.FieldError in err.
func fieldErrors(err error) []string {
	var out []string
	for _, fe := range fare.FieldErrors(err) {
		out = append(out, fe.Field+": "+fe.Reason)
	}
	return out
}

func TestCalendarRequestValidate(t *testing.T) {
	ok := CalendarRequest{Origin: "ICN", Destination: "NRT", Departure: "2027-01-01,2027-01-31"}
	tests := []struct {
		name string
		edit func(*CalendarRequest)
		want []string // "field: part of the reason"; none when valid
	}{
		{"valid", func(*CalendarRequest) {}, nil},
		{"every option", func(r *CalendarRequest) {
			r.Duration, r.MaxPrice, r.ViewBy, r.Cabin, r.Currency, r.MaxAge, r.NonStop = "2,8", "300000", "WEEK", "ECONOMY", "KRW", "P1D", true
		}, nil},
		{"one way by week", func(r *CalendarRequest) { r.OneWay, r.ViewBy = true, "WEEK" }, nil},
		{"bad IATA codes", func(r *CalendarRequest) { r.Origin, r.Destination = "icn", "NR1" },
			[]string{"origin: not an IATA", "destination: not an IATA"}},
		{"missing departure", func(r *CalendarRequest) { r.Departure = "" }, []string{"departureDate: not a date"}},
		{"inverted range", func(r *CalendarRequest) { r.Departure = "2027-02-01,2027-01-01" }, []string{"departureDate: inverted range"}},
		{"range over 366 days", func(r *CalendarRequest) { r.Departure = "2027-01-01,2028-06-01" }, []string{"departureDate: range of 517 days"}},
		{"unknown view", func(r *CalendarRequest) { r.ViewBy = "MONTH" }, []string{"viewBy: unknown view"}},
		{"lower-case view", func(r *CalendarRequest) { r.ViewBy = "date" }, []string{"viewBy: unknown view"}},
		{"duration view one way", func(r *CalendarRequest) { r.OneWay, r.ViewBy = true, "DURATION" }, []string{"viewBy: DURATION groups round trips"}},
		{"bad duration", func(r *CalendarRequest) { r.Duration = "a week" }, []string{"duration: \"a week\" is not a whole number"}},
		{"duration one way", func(r *CalendarRequest) { r.OneWay, r.Duration = true, "3" }, []string{"duration: only for round trips"}},
		{"bad price", func(r *CalendarRequest) { r.MaxPrice = "cheap" }, []string{"maxPrice: not an amount"}},
		{"zero price", func(r *CalendarRequest) { r.MaxPrice = "0" }, []string{"maxPrice: not a positive amount"}},
		{"bad cabin", func(r *CalendarRequest) { r.Cabin = "COACH" }, []string{"cabin: unknown cabin"}},
		{"bad currency", func(r *CalendarRequest) { r.Currency = "XXY" }, []string{"currency: unknown currency"}},
		{"bad age", func(r *CalendarRequest) { r.MaxAge = "P1M" }, []string{"maxAge: years and months"}},
		{"everything wrong at once", func(r *CalendarRequest) {
			*r = CalendarRequest{Origin: "X", Destination: "Y", Departure: "z", ViewBy: "Q", Cabin: "C", Currency: "D", MaxAge: "E", MaxPrice: "F", Duration: "G"}
		}, []string{"origin:", "destination:", "departureDate:", "duration:", "maxPrice:", "viewBy:", "cabin:", "currency:", "maxAge:"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := ok
			tt.edit(&r)
			got := fieldErrors(r.Validate())
			if len(got) != len(tt.want) {
				t.Fatalf("Validate(%+v) = %q, want %d errors like %q", r, got, len(tt.want), tt.want)
			}
			for i := range got {
				if !strings.HasPrefix(got[i], tt.want[i]) && !strings.Contains(got[i], tt.want[i]) {
					t.Errorf("Validate(%+v) error %d = %q, want %q", r, i, got[i], tt.want[i])
				}
			}
		})
	}
}

func TestCalendarPlanDefaults(t *testing.T) {
	now := time.Date(2026, 11, 22, 6, 30, 15, 500e6, time.UTC)
	tests := []struct {
		name      string
		req       CalendarRequest
		view      string
		seenSince string
	}{
		{"round trips view by duration", CalendarRequest{}, ViewDuration, ""},
		{"one way views by date", CalendarRequest{OneWay: true}, ViewDate, ""},
		{"explicit view", CalendarRequest{ViewBy: ViewWeek}, ViewWeek, ""},
		{"max age counts back from now, in whole seconds", CalendarRequest{MaxAge: "PT1H", Now: now}, ViewDuration, "2026-11-22T05:30:15.000Z"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := tt.req
			r.Origin, r.Destination, r.Departure = "ICN", "NRT", "2027-01-01"
			p, err := r.plan()
			if err != nil {
				t.Fatal(err)
			}
			since := ""
			if !p.seenSince.IsZero() {
				since = fare.FormatTime(p.seenSince)
			}
			if p.view != tt.view || since != tt.seenSince {
				t.Errorf("plan(%+v) view %q since %q, want %q %q", tt.req, p.view, since, tt.view, tt.seenSince)
			}
		})
	}
}

func TestGroupKeys(t *testing.T) {
	tests := []struct {
		view, dep, ret, want string
	}{
		{ViewDate, "2027-01-05", "2027-01-08", "2027-01-05"},
		{ViewDuration, "2027-01-05", "2027-01-08", "2027-01-05|2027-01-08"},
		{ViewWeek, "2027-01-04", "", "2027-W01"}, // a Monday
		{ViewWeek, "2027-01-10", "", "2027-W01"}, // the Sunday after
		{ViewWeek, "2027-01-11", "", "2027-W02"},
		{ViewWeek, "2027-01-01", "", "2026-W53"}, // a Friday in the last ISO week of 2026
	}
	for _, tt := range tests {
		p := calendarPlan{view: tt.view}
		if got := p.groupKey(tt.dep, tt.ret); got != tt.want {
			t.Errorf("groupKey(%s, %s, %s) = %q, want %q", tt.view, tt.dep, tt.ret, got, tt.want)
		}
	}
}

func TestStayFilter(t *testing.T) {
	p := calendarPlan{stay: &DayRange{3, 5}}
	tests := []struct {
		ret  string
		want bool
	}{{"2027-01-03", false}, {"2027-01-04", true}, {"2027-01-06", true}, {"2027-01-07", false}, {"", false}}
	for _, tt := range tests {
		if got := p.allows("2027-01-01", tt.ret); got != tt.want {
			t.Errorf("allows(2027-01-01, %q) with stays 3-5 = %v, want %v", tt.ret, got, tt.want)
		}
	}
	if !(calendarPlan{}).allows("2027-01-01", "") {
		t.Error("a plan without a stay refuses a one-way fare")
	}
}
