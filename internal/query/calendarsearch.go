package query

import (
	"cmp"
	"context"
	"errors"
	"slices"

	"github.com/farepipe/farepipe/internal/esindex"
	"github.com/farepipe/farepipe/internal/fare"
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
