package query

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/farepipe/farepipe/internal/esindex"
	"github.com/farepipe/farepipe/internal/fare"
	"github.com/farepipe/farepipe/internal/jsonscan"
)

// The calendar is answered in two searches of the latest index, both
// filtered on keyword, boolean and date fields only (no scripts):
//
//  1. An aggregation: a daily date_histogram of departure_date (with a
//     terms sub-aggregation on return_date when stays matter) holding the
//     min of amount_minor, plus the currencies found. It reads doc values
//     only and costs a few milliseconds for a year of dates.
//  2. A lookup of the documents whose price is one of the group minima,
//     sorted by departure date, price and series id; the first document of
//     each group at its minimum is the answer. This fetches about one
//     document per group, where a top_hits sub-aggregation would run a
//     fetch per bucket.
//
// A series changing price between the two searches can leave its group
// without an answer (it is left out) or with another fare of the group
// that has the old minimum price; the next query sees the new state.

// calendarPageSize is the page size of the document lookup.
const calendarPageSize = 1000

// Calendar returns the cheapest current fare of each group of the view
// that has one, in departure (then return) date order.
func (c *Client) Calendar(ctx context.Context, r CalendarRequest) (Calendar, error) {
	p, err := r.plan()
	if err != nil {
		return Calendar{}, err
	}
	cal := Calendar{View: p.view, Dates: p.dates}
	filters := p.filters()
	byReturn := !p.OneWay && (p.view == ViewDuration || p.stay != nil)
	cells, currencies, err := c.calendarCells(ctx, filters, byReturn)
	if err != nil {
		return cal, err
	}
	if len(currencies) > 1 {
		return cal, currencyError(currencies)
	}
	if len(currencies) == 0 {
		cal.Alternatives, err = c.alternatives(ctx, esindex.LatestIndex(c.Prefix), p.trip(), p.filtersWithout)
		return cal, err
	}
	cal.Currency = currencies[0]

	groups := map[string]*group{}
	for _, cell := range cells {
		if !p.allows(cell.dep, cell.ret) {
			continue
		}
		k := p.groupKey(cell.dep, cell.ret)
		if g, ok := groups[k]; !ok || cell.min < g.min {
			groups[k] = &group{min: cell.min}
		}
	}
	if p.maxPrice != "" {
		limit, err := amountIn("maxPrice", p.maxPrice, cal.Currency)
		if err != nil {
			return cal, err
		}
		for k, g := range groups {
			if g.min > limit.Minor {
				delete(groups, k)
			}
		}
	}
	if len(groups) == 0 {
		return cal, nil
	}
	if err := c.fillGroups(ctx, p, filters, groups); err != nil {
		return cal, err
	}
	for _, g := range groups {
		if g.entry != nil {
			cal.Entries = append(cal.Entries, *g.entry)
		}
	}
	slices.SortFunc(cal.Entries, func(a, b CalendarEntry) int {
		return cmp.Or(cmp.Compare(a.Departure, b.Departure), cmp.Compare(a.Return, b.Return))
	})
	return cal, nil
}

// group is one group of the view: its cheapest price and, once found, the
// fare at that price.
type group struct {
	min   int64
	entry *CalendarEntry
}

// cell is the cheapest price of one departure date, or of one departure
// and return date.
type cell struct {
	dep, ret string
	min      int64
}

// filters returns the query filters of the plan.
func (p calendarPlan) filters() []any { return p.filtersWithout("") }

// filtersWithout returns the query filters of the plan less that of one
// trip option (see trip.filters).
func (p calendarPlan) filtersWithout(option string) []any {
	f := p.trip().filters(option)
	if !p.seenSince.IsZero() {
		f = append(f, map[string]any{"range": map[string]any{esindex.FieldLastSeen: map[string]any{"gte": fare.FormatTime(p.seenSince)}}})
	}
	return f
}

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

// allows reports whether a fare departing dep and returning ret has a stay
// the plan accepts.
func (p calendarPlan) allows(dep, ret string) bool {
	if p.stay == nil {
		return true
	}
	days, ok := stayDays(dep, ret)
	return ok && p.stay.Contains(days)
}

// groupKey names the group of the view a fare belongs to.
func (p calendarPlan) groupKey(dep, ret string) string {
	switch p.view {
	case ViewDuration:
		return dep + "|" + ret
	case ViewWeek:
		return isoWeek(dep)
	default:
		return dep
	}
}

// calendarCells runs the aggregation: the cheapest price of each departure
// date, or of each departure and return date, and the currencies found.
func (c *Client) calendarCells(ctx context.Context, filters []any, byReturn bool) ([]cell, []string, error) {
	minPrice := map[string]any{"price": map[string]any{"min": map[string]any{"field": fare.FieldAmountMinor}}}
	perDate := minPrice
	if byReturn {
		perDate = map[string]any{"returns": map[string]any{
			"terms": map[string]any{"field": fare.FieldReturn, "size": MaxStayDays + 1},
			"aggs":  minPrice,
		}}
	}
	body := map[string]any{
		"size":             0,
		"track_total_hits": false,
		"query":            map[string]any{"bool": map[string]any{"filter": filters}},
		"aggs": map[string]any{
			"currencies": map[string]any{"terms": map[string]any{"field": fare.FieldCurrency, "size": 10}},
			"dates": map[string]any{
				"date_histogram": map[string]any{"field": fare.FieldDeparture, "calendar_interval": "day", "min_doc_count": 1},
				"aggs":           perDate,
			},
		},
	}
	type price struct {
		Value *float64 `json:"value"`
	}
	var out struct {
		Aggregations struct {
			Currencies struct {
				Buckets []struct {
					Key string `json:"key"`
				} `json:"buckets"`
			} `json:"currencies"`
			Dates struct {
				Buckets []struct {
					Date    string `json:"key_as_string"`
					Price   price  `json:"price"`
					Returns struct {
						Buckets []struct {
							Key   string `json:"key"`
							Price price  `json:"price"`
						} `json:"buckets"`
					} `json:"returns"`
				} `json:"buckets"`
			} `json:"dates"`
		} `json:"aggregations"`
	}
	if err := c.search(ctx, esindex.LatestIndex(c.Prefix), body, &out,
		"aggregations.currencies.buckets.key", "aggregations.dates.buckets.key_as_string",
		"aggregations.dates.buckets.price.value", "aggregations.dates.buckets.returns.buckets.key",
		"aggregations.dates.buckets.returns.buckets.price.value"); err != nil {
		return nil, nil, err
	}
	var currencies []string
	for _, b := range out.Aggregations.Currencies.Buckets {
		currencies = append(currencies, b.Key)
	}
	slices.Sort(currencies)
	var cells []cell
	for _, d := range out.Aggregations.Dates.Buckets {
		if !byReturn {
			if d.Price.Value != nil {
				cells = append(cells, cell{dep: d.Date, min: int64(*d.Price.Value)})
			}
			continue
		}
		for _, r := range d.Returns.Buckets {
			if r.Price.Value != nil {
				cells = append(cells, cell{dep: d.Date, ret: r.Key, min: int64(*r.Price.Value)})
			}
		}
	}
	return cells, currencies, nil
}

// errFilled stops the lookup once every group has its fare.
var errFilled = errors.New("every group filled")

// fillGroups looks up the documents at the groups' minimum prices and
// gives each group its first one.
func (c *Client) fillGroups(ctx context.Context, p calendarPlan, filters []any, groups map[string]*group) error {
	var prices []int64
	for _, g := range groups {
		prices = append(prices, g.min)
	}
	slices.Sort(prices)
	prices = slices.Compact(prices)
	lookup := append(slices.Clip(filters), map[string]any{"terms": map[string]any{fare.FieldAmountMinor: prices}})
	body := map[string]any{
		"query": map[string]any{"bool": map[string]any{"filter": lookup}},
		// The fields come from doc values: no stored field (_source, _id)
		// is read, which would mean a compressed block decoded per hit.
		"_source":         false,
		"stored_fields":   "_none_",
		"docvalue_fields": fareDocValueFields,
		"sort": []any{
			map[string]any{fare.FieldDeparture: "asc"},
			map[string]any{fare.FieldAmountMinor: "asc"},
			map[string]any{fare.FieldSeriesID: "asc"},
		},
	}
	open := len(groups)
	var bad error
	err := scan(ctx, c, esindex.LatestIndex(c.Prefix), body, calendarPageSize, 0, func(v *fareDocValues) error {
		d := &v.fareDoc
		if !p.allows(d.Departure, d.Return) {
			return nil
		}
		g := groups[p.groupKey(d.Departure, d.Return)]
		if g == nil || g.entry != nil || g.min != d.Minor {
			return nil
		}
		if g.entry, bad = d.entry(p.view); bad != nil {
			return bad
		}
		if open--; open == 0 {
			return errFilled
		}
		return nil
	})
	if errors.Is(err, errFilled) {
		return nil
	}
	return err
}

// fareDoc holds the fields of a latest document a calendar entry needs.
type fareDoc struct {
	SeriesID  string    `json:"series_id"`
	Source    string    `json:"source"`
	Departure string    `json:"departure_date"`
	Return    string    `json:"return_date"`
	Cabin     string    `json:"cabin"`
	NonStop   bool      `json:"non_stop"`
	Carrier   string    `json:"carrier"`
	Currency  string    `json:"currency"`
	Amount    string    `json:"amount"`
	Minor     int64     `json:"amount_minor"`
	ChangedAt time.Time `json:"changed_at"`
	LastSeen  time.Time `json:"last_seen"`
}

// The fields of fareDoc as numbered in fareDocFields.
const (
	docSeriesID = iota
	docSource
	docDeparture
	docReturn
	docCabin
	docNonStop
	docCarrier
	docCurrency
	docAmount
	docMinor
	docChangedAt
	docLastSeen
	docFields // how many
)

// fareDocFields names the fields of fareDoc in the documents.
var fareDocFields = [docFields]string{
	docSeriesID:  fare.FieldSeriesID,
	docSource:    fare.FieldSource,
	docDeparture: fare.FieldDeparture,
	docReturn:    fare.FieldReturn,
	docCabin:     fare.FieldCabin,
	docNonStop:   fare.FieldNonStop,
	docCarrier:   fare.FieldCarrier,
	docCurrency:  fare.FieldCurrency,
	docAmount:    fare.FieldAmount,
	docMinor:     fare.FieldAmountMinor,
	docChangedAt: esindex.FieldChangedAt,
	docLastSeen:  esindex.FieldLastSeen,
}

// fareDocValueFields asks for the fields of fareDoc from doc values, dates
// in the forms the documents hold them.
var fareDocValueFields = func() []any {
	var f []any
	for i, name := range fareDocFields {
		switch i {
		case docDeparture:
			f = append(f, map[string]any{"field": name, "format": "strict_date"})
		case docChangedAt, docLastSeen:
			f = append(f, map[string]any{"field": name, "format": "strict_date_time"})
		default:
			f = append(f, name)
		}
	}
	return f
}()

// fareDocValues is a fareDoc read from the fields of a hit, as
// docvalue_fields gives them: each field an array of its values.
type fareDocValues struct{ fareDoc }

// UnmarshalJSON reads the fields of a hit. Its fast path reads each field's
// single value in one pass; anything else goes through encoding/json, which
// takes the first value of each field.
func (v *fareDocValues) UnmarshalJSON(data []byte) error {
	if v.decode(data) {
		return nil
	}
	return v.decodeJSON(data)
}

// decodeJSON is the slow path of UnmarshalJSON, with encoding/json.
func (v *fareDocValues) decodeJSON(data []byte) error {
	var w struct {
		SeriesID  []string    `json:"series_id"`
		Source    []string    `json:"source"`
		Departure []string    `json:"departure_date"`
		Return    []string    `json:"return_date"`
		Cabin     []string    `json:"cabin"`
		NonStop   []bool      `json:"non_stop"`
		Carrier   []string    `json:"carrier"`
		Currency  []string    `json:"currency"`
		Amount    []string    `json:"amount"`
		Minor     []int64     `json:"amount_minor"`
		ChangedAt []time.Time `json:"changed_at"`
		LastSeen  []time.Time `json:"last_seen"`
	}
	if err := json.Unmarshal(data, &w); err != nil {
		return err
	}
	v.fareDoc = fareDoc{SeriesID: first(w.SeriesID), Source: first(w.Source), Departure: first(w.Departure),
		Return: first(w.Return), Cabin: first(w.Cabin), NonStop: first(w.NonStop), Carrier: first(w.Carrier),
		Currency: first(w.Currency), Amount: first(w.Amount), Minor: first(w.Minor),
		ChangedAt: first(w.ChangedAt), LastSeen: first(w.LastSeen)}
	return nil
}

// decode is the fast path of UnmarshalJSON: every field at most once, each
// an array of one plain value.
func (v *fareDocValues) decode(data []byte) bool {
	s := jsonscan.New(data)
	var d fareDoc
	ok := s.Object(fareDocFields[:], func(f int) bool {
		n := 0
		return s.Array(func() bool {
			if n++; n > 1 {
				return false
			}
			switch f {
			case docNonStop:
				return s.Bool(&d.NonStop)
			case docMinor:
				return s.Int64(&d.Minor)
			case docChangedAt, docLastSeen:
				t, ok := s.Text()
				if !ok {
					return false
				}
				at, err := time.Parse(time.RFC3339Nano, string(t))
				if f == docChangedAt {
					d.ChangedAt = at
				} else {
					d.LastSeen = at
				}
				return err == nil
			}
			return s.Str(d.str(f))
		}) && n == 1
	})
	if !ok || !s.AtEnd() {
		return false
	}
	v.fareDoc = d
	return true
}

// str returns the string field of d numbered as in fareDocFields.
func (d *fareDoc) str(f int) *string {
	return [...]*string{docSeriesID: &d.SeriesID, docSource: &d.Source, docDeparture: &d.Departure,
		docReturn: &d.Return, docCabin: &d.Cabin, docCarrier: &d.Carrier, docCurrency: &d.Currency,
		docAmount: &d.Amount}[f]
}

// first returns the first of values, or the zero value.
func first[T any](values []T) T {
	var zero T
	if len(values) == 0 {
		return zero
	}
	return values[0]
}

func (d *fareDoc) entry(view string) (*CalendarEntry, error) {
	price, err := fare.ParseMoney(d.Amount, d.Currency)
	if err != nil || price.Minor != d.Minor {
		return nil, fmt.Errorf("latest document %s: amount %q %s and amount_minor %d disagree", d.SeriesID, d.Amount, d.Currency, d.Minor)
	}
	e := &CalendarEntry{
		Departure: d.Departure, Return: d.Return, Price: price, Source: d.Source, Carrier: d.Carrier,
		Cabin: d.Cabin, NonStop: d.NonStop, ObservedAt: d.LastSeen.UTC(), ChangedAt: d.ChangedAt.UTC(), SeriesID: d.SeriesID,
	}
	if view == ViewWeek {
		e.Week = isoWeek(d.Departure)
	}
	return e, nil
}
