package query

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/farepipe/farepipe/internal/fare"
)

// CalendarRequest asks for the cheapest current fares of a route by
// departure date. Its fields mean what the parameters of the same names
// mean in Amadeus Flight Cheapest Date Search; Cabin, Currency and MaxAge
// are farepipe's own.
type CalendarRequest struct {
	Origin      string
	Destination string
	// Departure is a date or an inclusive range "from,to", YYYY-MM-DD,
	// spanning at most MaxRangeDays.
	Departure string
	// OneWay asks for one-way fares; otherwise round trips only.
	OneWay bool
	// Duration is the stay in days, or an inclusive range "min,max"; empty
	// for any. Round trips only.
	Duration string
	// NonStop asks for non-stop fares only.
	NonStop bool
	// MaxPrice drops groups whose cheapest fare costs more: a positive
	// amount in major units of the fares' currency ("250000", "199.99").
	MaxPrice string
	// ViewBy is DATE, DURATION or WEEK; empty means DURATION for round
	// trips and DATE for one way, as Amadeus defaults.
	ViewBy string
	// Cabin is ECONOMY, PREMIUM_ECONOMY, BUSINESS, FIRST or MIXED (a
	// different cabin on some segment); empty for any.
	Cabin string
	// Adults is the number of adults the fares are for (prices are for
	// all of them), 1 to 9; 0 means 1, as Amadeus has it.
	Adults int
	// Currency keeps fares in this ISO 4217 currency; empty requires the
	// matching fares to be in one currency.
	Currency string
	// MaxAge ignores series last seen longer ago than this before Now
	// (see ParseMaxAge); empty for any age.
	MaxAge string
	// Now is the instant MaxAge counts back from; zero means the time of
	// the query.
	Now time.Time
}

// calendarPlan is a checked CalendarRequest.
type calendarPlan struct {
	CalendarRequest
	dates     DateRange
	stay      *DayRange
	view      string
	maxPrice  string    // checked syntax, currency not yet known
	seenSince time.Time // zero: any age
}

// Validate checks the request and returns every problem found, each a
// *fare.FieldError named after the API parameter.
func (r CalendarRequest) Validate() error {
	_, err := r.plan()
	return err
}

func (r CalendarRequest) plan() (calendarPlan, error) {
	p := calendarPlan{CalendarRequest: r}
	var errs []error
	bad := func(field, value string, err error) {
		errs = append(errs, &fare.FieldError{Field: field, Value: value, Reason: err.Error()})
	}
	p.dates, p.stay, errs = checkTrip(r.Origin, r.Destination, r.Departure, ParseDateRange, r.Duration, r.OneWay)
	if r.MaxPrice != "" {
		if err := parseAmount(r.MaxPrice); err != nil {
			bad("maxPrice", r.MaxPrice, err)
		}
		p.maxPrice = r.MaxPrice
	}
	switch p.view = r.ViewBy; {
	case p.view == "" && r.OneWay:
		p.view = ViewDate
	case p.view == "":
		p.view = ViewDuration
	case !slices.Contains(Views, p.view):
		bad("viewBy", r.ViewBy, fmt.Errorf("unknown view (want one of %s)", strings.Join(Views, ", ")))
	case p.view == ViewDuration && r.OneWay:
		bad("viewBy", r.ViewBy, errors.New("DURATION groups round trips by stay: not with oneWay=true (use DATE or WEEK)"))
	}
	errs = append(errs, checkCabinCurrency(r.Cabin, r.Currency), checkAdults(r.Adults))
	if r.MaxAge != "" {
		age, err := ParseMaxAge(r.MaxAge)
		if err != nil {
			bad("maxAge", r.MaxAge, err)
		}
		now := r.Now
		if now.IsZero() {
			now = time.Now()
		}
		// Whole seconds, so that repeated queries look alike to the
		// shard request cache.
		p.seenSince = now.Add(-age).UTC().Truncate(time.Second)
	}
	return p, errors.Join(errs...)
}

func checkRoute(origin, destination string) error {
	var errs []error
	if !fare.ValidIATA(origin) {
		errs = append(errs, &fare.FieldError{Field: "origin", Value: origin, Reason: "not an IATA location code (three letters A-Z)"})
	}
	if !fare.ValidIATA(destination) {
		errs = append(errs, &fare.FieldError{Field: "destination", Value: destination, Reason: "not an IATA location code (three letters A-Z)"})
	}
	return errors.Join(errs...)
}

// checkTrip checks what calendar and price-metrics requests share: the
// route, the departure dates as parseDates reads them, and the stay. It
// returns the problems found, nil ones included.
func checkTrip(origin, destination, departure string, parseDates func(string) (DateRange, error),
	duration string, oneWay bool) (DateRange, *DayRange, []error) {
	errs := []error{checkRoute(origin, destination)}
	dates, err := parseDates(departure)
	if err != nil {
		errs = append(errs, &fare.FieldError{Field: "departureDate", Value: departure, Reason: err.Error()})
	}
	stay, err := checkStay(duration, oneWay)
	return dates, stay, append(errs, err)
}

// checkStay parses the duration parameter of a request, which only round
// trips may give; nil means any stay.
func checkStay(duration string, oneWay bool) (*DayRange, error) {
	if duration == "" {
		return nil, nil
	}
	stay, err := ParseDayRange(duration)
	switch {
	case err != nil:
		return nil, &fare.FieldError{Field: "duration", Value: duration, Reason: err.Error()}
	case oneWay:
		return nil, &fare.FieldError{Field: "duration", Value: duration, Reason: "only for round trips: not with oneWay=true"}
	}
	return &stay, nil
}

func checkCabinCurrency(cabin, currency string) error {
	var errs []error
	if cabin != "" && !fare.ValidCabin(cabin) {
		errs = append(errs, &fare.FieldError{Field: "cabin", Value: cabin,
			Reason: "unknown cabin (want one of " + strings.Join(fare.Cabins, ", ") + " or " + fare.CabinMixed + ")"})
	}
	if _, ok := fare.MinorUnits(currency); currency != "" && !ok {
		errs = append(errs, &fare.FieldError{Field: "currency", Value: currency, Reason: "unknown currency (want an ISO 4217 code)"})
	}
	return errors.Join(errs...)
}

// checkAdults checks the adults parameter: 0 (for 1) to fare.MaxPassengers.
func checkAdults(adults int) error {
	if adults < 0 || adults > fare.MaxPassengers {
		return &fare.FieldError{Field: "adults", Value: strconv.Itoa(adults),
			Reason: "want 1 to " + strconv.Itoa(fare.MaxPassengers)}
	}
	return nil
}

// Calendar is the answer to a CalendarRequest.
type Calendar struct {
	View     string    // the view used: DATE, DURATION or WEEK
	Dates    DateRange // the departure dates searched
	Currency string    // the currency of every price; empty when there are none
	Entries  []CalendarEntry
	// Alternatives are, when no fare matched, the trip options whose other
	// values have fares.
	Alternatives []Alternative
}

// CalendarEntry is the cheapest current fare of one group of the view: a
// departure date, a departure date and stay, or a week.
type CalendarEntry struct {
	Departure  string // YYYY-MM-DD
	Return     string // YYYY-MM-DD; empty for one way
	Week       string // ISO week of the departure, "2027-W01", in the WEEK view
	Price      fare.Money
	Source     string
	Carrier    string
	Cabin      string
	NonStop    bool
	ObservedAt time.Time // when the fare was last seen at this price
	ChangedAt  time.Time // when the series took this price
	SeriesID   string
}

// Duration returns the stay in days of a round trip, and false for one way.
func (e CalendarEntry) Duration() (int, bool) {
	if e.Return == "" {
		return 0, false
	}
	return stayDays(e.Departure, e.Return)
}

// stayDays returns the days from dep to ret, both YYYY-MM-DD.
func stayDays(dep, ret string) (int, bool) {
	d, err1 := time.Parse(fare.DateLayout, dep)
	r, err2 := time.Parse(fare.DateLayout, ret)
	if err1 != nil || err2 != nil {
		return 0, false
	}
	return int(r.Sub(d) / (24 * time.Hour)), true
}

// isoWeek names the ISO 8601 week of a date, "2027-W01".
func isoWeek(date string) string {
	d, err := time.Parse(fare.DateLayout, date)
	if err != nil {
		return ""
	}
	y, w := d.ISOWeek()
	return fmt.Sprintf("%04d-W%02d", y, w)
}

// ErrCurrencies reports fares in several currencies where one was needed.
var ErrCurrencies = errors.New("fares are in several currencies")

// currencyError names the currencies found.
func currencyError(currencies []string) error {
	return fmt.Errorf("%w (%s): choose one with the currency parameter", ErrCurrencies, strings.Join(currencies, ", "))
}
