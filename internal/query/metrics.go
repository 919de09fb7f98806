package query

import (
	"errors"
	"slices"
	"time"

	"github.com/farepipe/farepipe/internal/fare"
)

// MetricsRequest asks how the prices of a route and departure date (or
// month) have been, like Amadeus Flight Price Analysis, and optionally how
// one price compares.
type MetricsRequest struct {
	Origin      string
	Destination string
	// Departure is a date (YYYY-MM-DD) or a month (YYYY-MM).
	Departure string
	// OneWay asks about one-way fares; otherwise round trips.
	OneWay bool
	// Duration is the stay in days or an inclusive range "min,max"; empty
	// for any. Round trips only.
	Duration string
	// Cabin is ECONOMY, PREMIUM_ECONOMY, BUSINESS, FIRST or MIXED; empty
	// for any.
	Cabin string
	// Adults is the number of adults the prices are for, 1 to 9; 0 means
	// 1.
	Adults int
	// NonStop counts non-stop fares only.
	NonStop bool
	// Currency counts prices in this ISO 4217 currency; empty requires the
	// matching prices to be in one currency.
	Currency string
	// Price, when set, is rated against the metrics: a positive amount in
	// major units of the currency ("250000", "199.99").
	Price string
}

type metricsPlan struct {
	MetricsRequest
	dates DateRange
	stay  *DayRange
}

// Validate checks the request and returns every problem found, each a
// *fare.FieldError named after the API parameter.
func (r MetricsRequest) Validate() error {
	_, err := r.plan()
	return err
}

func (r MetricsRequest) plan() (metricsPlan, error) {
	p := metricsPlan{MetricsRequest: r}
	var errs []error
	bad := func(field, value string, err error) {
		errs = append(errs, &fare.FieldError{Field: field, Value: value, Reason: err.Error()})
	}
	p.dates, p.stay, errs = checkTrip(r.Origin, r.Destination, r.Departure, ParseDateOrMonth, r.Duration, r.OneWay)
	errs = append(errs, checkCabinCurrency(r.Cabin, r.Currency), checkAdults(r.Adults))
	if r.Price != "" {
		if err := parseAmount(r.Price); err != nil {
			bad("price", r.Price, err)
		}
	}
	return p, errors.Join(errs...)
}

// Quartile rankings, as Amadeus Flight Price Analysis names them.
const (
	RankMinimum = "MINIMUM"
	RankFirst   = "FIRST"
	RankMedium  = "MEDIUM"
	RankThird   = "THIRD"
	RankMaximum = "MAXIMUM"
)

// Ratings of a price against the metrics.
const (
	RatingLow     = "LOW"     // below the first quartile
	RatingTypical = "TYPICAL" // from the first to the third quartile, both included
	RatingHigh    = "HIGH"    // above the third quartile
)

// RatingRule says how a price is rated, for documentation and output.
const RatingRule = "LOW below the first quartile, HIGH above the third, TYPICAL from the first to the third included"

// Metrics describes the prices a route and departure date (or month) has
// had. The samples are the change points of the change log: every price a
// series took, counted once each time it took it (a repeat of the same
// price in a row, possible after late observations, counts once). How long
// a price held does not weigh in: a price that held for a month counts as
// much as one that held an hour, and polling more often adds nothing.
type Metrics struct {
	Currency string
	Dates    DateRange // the departure dates counted
	Samples  int       // change points counted
	Series   int       // series they belong to
	// FirstObserved and LastObserved bound the instants of the change
	// points read, repeats included.
	FirstObserved, LastObserved time.Time
	// Minimum, First, Median, Third and Maximum are the quartiles of the
	// samples, by nearest rank: the k-th quartile is the sample at rank
	// ceil(k*n/4) in ascending order (1-based), so every metric is a price
	// that was seen, never an interpolation.
	Minimum, First, Median, Third, Maximum fare.Money
	// Rating rates the requested price; nil when none was asked for or
	// there are no samples.
	Rating *Rating
	// Alternatives are, when no change point matched, the trip options
	// whose other values have fares.
	Alternatives []Alternative
}

// Rating is how a price compares with the metrics.
type Rating struct {
	Price fare.Money
	Level string // LOW, TYPICAL or HIGH (see RatingRule)
}

// Quartiles returns the minimum, the three quartiles and the maximum of
// the samples by nearest rank (see Metrics). It sorts samples in place and
// panics when there are none.
func Quartiles(samples []int64) [5]int64 {
	slices.Sort(samples)
	n := len(samples)
	rank := func(k int) int64 { return samples[(k*n+3)/4-1] } // ceil(k*n/4), 1-based
	return [5]int64{samples[0], rank(1), rank(2), rank(3), samples[n-1]}
}

// Rate rates a price in minor units against a first and third quartile.
func Rate(price, first, third int64) string {
	switch {
	case price < first:
		return RatingLow
	case price > third:
		return RatingHigh
	default:
		return RatingTypical
	}
}
