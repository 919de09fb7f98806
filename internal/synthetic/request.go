package synthetic

import (
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/farepipe/farepipe/internal/amadeus"
	"github.com/farepipe/farepipe/internal/fare"
	"github.com/farepipe/farepipe/internal/raw"
)

// request is a validated search with its defaults filled in.
type request struct {
	search   raw.Search
	from, to airport
	dep, ret time.Time // ret is zero for a one-way search
	adults   int
	cabin    string // empty: mostly economy, some premium cabins
	currency string
	observed time.Time // the observation date, midnight UTC
}

// newRequest validates s and returns every problem found, joined, each a
// *fare.FieldError.
func newRequest(s raw.Search, at time.Time) (*request, error) {
	var errs []error
	bad := func(field, value, reason string) {
		errs = append(errs, &fare.FieldError{Field: field, Value: value, Reason: reason})
	}
	const notIATA = "not an IATA location code (three letters A-Z)"
	if !fare.ValidIATA(s.Origin) {
		bad("origin", s.Origin, notIATA)
	}
	if !fare.ValidIATA(s.Destination) {
		bad("destination", s.Destination, notIATA)
	} else if s.Destination == s.Origin {
		bad("destination", s.Destination, "same as origin")
	}
	r := &request{search: s, adults: s.Adults, cabin: s.Cabin, currency: s.Currency}
	var err error
	if r.dep, err = time.Parse(fare.DateLayout, s.Departure); err != nil {
		bad("departure_date", s.Departure, "not an ISO date (YYYY-MM-DD)")
	}
	if s.Return != "" {
		r.ret, err = time.Parse(fare.DateLayout, s.Return)
		switch {
		case err != nil:
			bad("return_date", s.Return, "not an ISO date (YYYY-MM-DD)")
		case !r.dep.IsZero() && r.ret.Before(r.dep):
			bad("return_date", s.Return, "before departure_date "+s.Departure)
		}
	}
	if s.Cabin != "" && !slices.Contains(fare.Cabins, s.Cabin) {
		bad("cabin", s.Cabin, "unknown cabin (want one of "+strings.Join(fare.Cabins, ", ")+")")
	}
	if s.Currency != "" {
		if _, ok := fare.MinorUnits(s.Currency); !ok {
			bad("currency", s.Currency, "unknown currency (want an ISO 4217 code)")
		} else if _, ok := usdRates[s.Currency]; !ok {
			bad("currency", s.Currency, "not supported by the synthetic provider")
		}
	}
	if s.Adults < 0 || s.Adults > 9 {
		bad("adults", itoa(s.Adults), "want 1 to 9")
	}
	if s.Max < 0 || s.Max > 250 {
		bad("max", itoa(s.Max), "want 0 (no limit) to 250")
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	r.from, r.to = lookupAirport(s.Origin), lookupAirport(s.Destination)
	if r.adults == 0 {
		r.adults = 1
	}
	if r.currency == "" {
		r.currency = defaultCurrency(r.from)
	}
	r.observed = time.Date(at.Year(), at.Month(), at.Day(), 0, 0, 0, 0, time.UTC)
	return r, nil
}

// dateIssue is the error Amadeus gives for a search outside its date range,
// or nil.
func (r *request) dateIssue() *amadeus.Issue {
	issue := &amadeus.Issue{Status: 400, Code: 425, Title: "INVALID DATE"}
	last := r.ret
	if last.IsZero() {
		last = r.dep
	}
	switch {
	case r.dep.Before(r.observed):
		issue.Detail = "Date/Time is in the past"
	case last.After(r.observed.AddDate(0, 0, maxLeadDays)):
		issue.Detail = "Date/Time is too far in the future"
	default:
		return nil
	}
	return issue
}

// roundTrip reports whether the search has a return date.
func (r *request) roundTrip() bool { return !r.ret.IsZero() }

// leadDays is the number of days from observation to departure.
func (r *request) leadDays() int { return int(r.dep.Sub(r.observed).Hours() / 24) }

// money formats minor units of the request currency.
func (r *request) money(minor int64) string {
	exp, _ := fare.MinorUnits(r.currency)
	return fare.FormatMinor(minor, exp)
}

func itoa(i int) string { return strconv.Itoa(i) }
