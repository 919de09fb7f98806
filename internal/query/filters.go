package query

import "github.com/farepipe/farepipe/internal/fare"

// trip returns the trip options of the plan.
func (p calendarPlan) trip() trip {
	return trip{origin: p.Origin, destination: p.Destination, dates: p.dates, oneWay: p.OneWay, cabin: p.Cabin,
		nonStop: p.NonStop, currency: p.Currency, adults: p.Adults}
}

// trip holds the options of a request that select fares: a route, its
// departure dates and the kind of trip.
type trip struct {
	origin, destination string
	dates               DateRange
	oneWay              bool
	cabin               string
	nonStop             bool
	currency            string
	adults              int
}

// The trip options a hint may name, by their API parameters.
const (
	optionOneWay   = "oneWay"
	optionCabin    = "cabin"
	optionNonStop  = "nonStop"
	optionCurrency = "currency"
	optionAdults   = "adults"
)

// filters returns the filters that select the fares of the trip, in the
// change log and the latest index alike (both hold these fields), less the
// filter of the option named by without ("" for none).
func (t trip) filters(without string) []any {
	f := []any{
		location(fare.FieldOrigin, t.origin),
		location(fare.FieldDestination, t.destination),
		dateRange(fare.FieldDeparture, t.dates.From.Format(fare.DateLayout), t.dates.To.Format(fare.DateLayout)),
	}
	if without != optionAdults {
		f = append(f, adultsFilter(t.adults))
	}
	switch {
	case without == optionOneWay:
	case t.oneWay:
		f = append(f, term(fare.FieldReturn, ""))
	default:
		f = append(f, map[string]any{"bool": map[string]any{"must_not": term(fare.FieldReturn, "")}})
	}
	if t.cabin != "" && without != optionCabin {
		f = append(f, term(fare.FieldCabin, t.cabin))
	}
	if t.nonStop && without != optionNonStop {
		f = append(f, term(fare.FieldNonStop, true))
	}
	if t.currency != "" && without != optionCurrency {
		f = append(f, term(fare.FieldCurrency, t.currency))
	}
	return f
}

// location selects the series of a location: an airport, or a city code
// and the airports of the city (see fare.Locations), so that a query for
// SEL finds the fares of ICN and GMP as an Amadeus search for SEL does.
func location(field, code string) any {
	codes := fare.Locations(code)
	if len(codes) == 1 {
		return term(field, code)
	}
	return map[string]any{"terms": map[string]any{field: codes}}
}

// adultsFilter selects the series priced for a number of adults and
// nobody else (0 means 1). One adult also selects series of version 1
// keys, indexed before the passenger mix was part of the key: they have
// no adults field, and farepipe's searches asked for one adult unless
// told otherwise.
func adultsFilter(adults int) any {
	adults = max(adults, 1)
	mix := map[string]any{"bool": map[string]any{"filter": []any{
		term(fare.FieldAdults, adults), term(fare.FieldChildren, 0), term(fare.FieldInfants, 0)}}}
	if adults != 1 {
		return mix
	}
	legacy := map[string]any{"bool": map[string]any{"must_not": map[string]any{"exists": map[string]any{"field": fare.FieldAdults}}}}
	return map[string]any{"bool": map[string]any{"should": []any{mix, legacy}, "minimum_should_match": 1}}
}

// metricsPlan's trip options.
func (p metricsPlan) trip() trip {
	return trip{origin: p.Origin, destination: p.Destination, dates: p.dates, oneWay: p.OneWay, cabin: p.Cabin,
		nonStop: p.NonStop, currency: p.Currency, adults: p.Adults}
}
