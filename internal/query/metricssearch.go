package query

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/farepipe/farepipe/internal/esindex"
	"github.com/farepipe/farepipe/internal/fare"
)

// metricsPageSize is the page size of the change-log scan.
const metricsPageSize = 5000

// MaxMetricsSamples bounds the change points one metrics request reads.
const MaxMetricsSamples = 1_000_000

// changePoint is the part of a change-log document the metrics need.
type changePoint struct {
	SeriesID   string    `json:"series_id"`
	ObservedAt time.Time `json:"observed_at"`
	Departure  string    `json:"departure_date"`
	Return     string    `json:"return_date"`
	Currency   string    `json:"currency"`
	Minor      int64     `json:"amount_minor"`
}

// PriceMetrics computes the metrics of the request from the change log.
// With no matching history it returns Metrics with zero Samples.
func (c *Client) PriceMetrics(ctx context.Context, r MetricsRequest) (Metrics, error) {
	p, err := r.plan()
	if err != nil {
		return Metrics{}, err
	}
	m := Metrics{Dates: p.dates}
	filters := p.trip().filters("")
	body := map[string]any{
		"query":   map[string]any{"bool": map[string]any{"filter": filters}},
		"_source": []string{fare.FieldSeriesID, fare.FieldObservedAt, fare.FieldDeparture, fare.FieldReturn, fare.FieldCurrency, fare.FieldAmountMinor},
		"sort":    []any{map[string]any{fare.FieldSeriesID: "asc"}, map[string]any{fare.FieldObservedAt: "asc"}},
	}
	var samples []int64
	currencies := map[string]bool{}
	series := 0
	var prev changePoint
	read := 0
	err = scan(ctx, c, esindex.ObservationsPattern(c.Prefix), body, metricsPageSize, MaxMetricsSamples+1, func(cp *changePoint) error {
		if read++; read > MaxMetricsSamples {
			return &fare.FieldError{Field: "departureDate", Value: p.Departure,
				Reason: fmt.Sprintf("more than %d change points match: narrow the request", MaxMetricsSamples)}
		}
		if p.stay != nil {
			days, ok := stayDays(cp.Departure, cp.Return)
			if !ok || !p.stay.Contains(days) {
				return nil
			}
		}
		if m.FirstObserved.IsZero() || cp.ObservedAt.Before(m.FirstObserved) {
			m.FirstObserved = cp.ObservedAt.UTC()
		}
		if cp.ObservedAt.After(m.LastObserved) {
			m.LastObserved = cp.ObservedAt.UTC()
		}
		sameSeries := cp.SeriesID == prev.SeriesID
		if sameSeries && cp.Minor == prev.Minor {
			prev = *cp
			return nil // the same price again in a row
		}
		if !sameSeries {
			series++
		}
		prev = *cp
		samples = append(samples, cp.Minor)
		currencies[cp.Currency] = true
		return nil
	})
	if err != nil {
		return Metrics{Dates: p.dates}, err
	}
	if len(currencies) > 1 {
		names := make([]string, 0, len(currencies))
		for cur := range currencies {
			names = append(names, cur)
		}
		slices.Sort(names)
		return Metrics{Dates: p.dates}, currencyError(names)
	}
	if read == 0 {
		m.Alternatives, err = c.alternatives(ctx, esindex.ObservationsPattern(c.Prefix), p.trip(), p.trip().filters)
		return m, err
	}
	if len(samples) == 0 {
		return m, nil
	}
	for cur := range currencies {
		m.Currency = cur
	}
	m.Samples, m.Series = len(samples), series
	q := Quartiles(samples)
	money := make([]fare.Money, 5)
	for i, v := range q {
		if money[i], err = fare.MoneyFromMinor(v, m.Currency); err != nil {
			return Metrics{Dates: p.dates}, fmt.Errorf("change points of %s: %w", m.Currency, err)
		}
	}
	m.Minimum, m.First, m.Median, m.Third, m.Maximum = money[0], money[1], money[2], money[3], money[4]
	if p.Price != "" {
		price, err := amountIn("price", p.Price, m.Currency)
		if err != nil {
			return Metrics{Dates: p.dates}, err
		}
		m.Rating = &Rating{Price: price, Level: Rate(price.Minor, q[1], q[3])}
	}
	return m, nil
}
