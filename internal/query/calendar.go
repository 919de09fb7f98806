package query

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/elastic/go-elasticsearch/v8/esapi"

	"github.com/farepipe/farepipe/internal/esindex"
	"github.com/farepipe/farepipe/internal/fare"
)

// CalendarRequest asks for the cheapest current fare per departure date.
type CalendarRequest struct {
	Origin      string
	Destination string
	From, To    string // inclusive departure date range, YYYY-MM-DD
	OneWay      bool   // one-way fares only; otherwise round trips only
	Cabin       string // empty: any cabin
	NonStop     bool   // non-stop fares only
	Currency    string // empty: the one currency the fares are in
}

// Validate checks the request and returns every problem found.
func (r CalendarRequest) Validate() error {
	var errs []error
	bad := func(field, value, reason string) {
		errs = append(errs, &fare.FieldError{Field: field, Value: value, Reason: reason})
	}
	if !fare.ValidIATA(r.Origin) {
		bad("origin", r.Origin, "not an IATA location code (three letters A-Z)")
	}
	if !fare.ValidIATA(r.Destination) {
		bad("destination", r.Destination, "not an IATA location code (three letters A-Z)")
	}
	from, fromErr := time.Parse(fare.DateLayout, r.From)
	if fromErr != nil {
		bad("from", r.From, "not an ISO date (YYYY-MM-DD)")
	}
	to, toErr := time.Parse(fare.DateLayout, r.To)
	if toErr != nil {
		bad("to", r.To, "not an ISO date (YYYY-MM-DD)")
	}
	if fromErr == nil && toErr == nil {
		switch {
		case to.Before(from):
			bad("to", r.To, "before from "+r.From)
		case to.Sub(from) > 366*24*time.Hour:
			bad("to", r.To, "more than 366 days after from "+r.From)
		}
	}
	if r.Cabin != "" && !slices.Contains(fare.Cabins, r.Cabin) {
		bad("cabin", r.Cabin, "unknown cabin (want one of "+strings.Join(fare.Cabins, ", ")+")")
	}
	if _, ok := fare.MinorUnits(r.Currency); r.Currency != "" && !ok {
		bad("currency", r.Currency, "unknown currency (want an ISO 4217 code)")
	}
	return errors.Join(errs...)
}

// CalendarEntry is the cheapest current fare of one departure date.
type CalendarEntry struct {
	Departure  string    `json:"departureDate"`
	Return     string    `json:"returnDate,omitempty"`
	Price      string    `json:"price"`
	PriceMinor int64     `json:"priceMinor"`
	Currency   string    `json:"currency"`
	Carrier    string    `json:"carrier"`
	Cabin      string    `json:"cabin"`
	NonStop    bool      `json:"nonStop"`
	ObservedAt time.Time `json:"observedAt"`
	SeriesID   string    `json:"seriesId"`
}

// ErrCurrencies reports fares in several currencies where one was needed.
var ErrCurrencies = errors.New("fares are in several currencies")

// Client runs queries against the indices of one prefix.
type Client struct {
	ES     esapi.Transport
	Prefix string
}

// Calendar returns the cheapest current fare of each departure date in the
// range that has one, in date order.
func (c *Client) Calendar(ctx context.Context, r CalendarRequest) ([]CalendarEntry, error) {
	if err := r.Validate(); err != nil {
		return nil, err
	}
	filters := []any{
		term("origin", r.Origin),
		term("destination", r.Destination),
		map[string]any{"range": map[string]any{"departure_date": map[string]any{"gte": r.From, "lte": r.To}}},
	}
	if r.OneWay {
		filters = append(filters, term("return_date", ""))
	} else {
		filters = append(filters, map[string]any{"bool": map[string]any{"must_not": term("return_date", "")}})
	}
	if r.Cabin != "" {
		filters = append(filters, term("cabin", r.Cabin))
	}
	if r.NonStop {
		filters = append(filters, term("non_stop", true))
	}
	if r.Currency != "" {
		filters = append(filters, term("currency", r.Currency))
	}
	body := map[string]any{
		"size":  0,
		"query": map[string]any{"bool": map[string]any{"filter": filters}},
		"aggs": map[string]any{
			"currencies": map[string]any{"terms": map[string]any{"field": "currency", "size": 10}},
			"by_date": map[string]any{
				"terms": map[string]any{"field": "departure_date", "size": 400, "order": map[string]any{"_key": "asc"}},
				"aggs": map[string]any{"cheapest": map[string]any{"top_hits": map[string]any{
					"size": 1,
					"sort": []any{map[string]any{"amount_minor": "asc"}, map[string]any{"series_id": "asc"}},
				}}},
			},
		},
	}
	var out struct {
		Aggregations struct {
			Currencies struct {
				Buckets []struct {
					Key string `json:"key"`
				} `json:"buckets"`
			} `json:"currencies"`
			ByDate struct {
				Buckets []struct {
					Cheapest struct {
						Hits struct {
							Hits []struct {
								Source json.RawMessage `json:"_source"`
							} `json:"hits"`
						} `json:"hits"`
					} `json:"cheapest"`
				} `json:"buckets"`
			} `json:"by_date"`
		} `json:"aggregations"`
	}
	if err := c.search(ctx, esindex.LatestIndex(c.Prefix), body, &out); err != nil {
		return nil, err
	}
	if cs := out.Aggregations.Currencies.Buckets; len(cs) > 1 {
		var names []string
		for _, b := range cs {
			names = append(names, b.Key)
		}
		return nil, fmt.Errorf("%w (%s): choose one", ErrCurrencies, strings.Join(names, ", "))
	}
	entries := make([]CalendarEntry, 0, len(out.Aggregations.ByDate.Buckets))
	for _, b := range out.Aggregations.ByDate.Buckets {
		if len(b.Cheapest.Hits.Hits) == 0 {
			continue
		}
		l, err := esindex.ParseLatest(b.Cheapest.Hits.Hits[0].Source)
		if err != nil {
			return nil, err
		}
		entries = append(entries, CalendarEntry{
			Departure: l.Key.Departure, Return: l.Key.Return, Price: l.Price.Amount,
			PriceMinor: l.Price.Minor, Currency: l.Price.Currency, Carrier: l.Key.Carrier,
			Cabin: l.Key.Cabin, NonStop: l.Key.NonStop, ObservedAt: l.LastSeen, SeriesID: l.SeriesID,
		})
	}
	return entries, nil
}

func term(field string, value any) map[string]any {
	return map[string]any{"term": map[string]any{field: value}}
}

// search runs one search and decodes the answer into out. A missing index
// is an empty answer.
func (c *Client) search(ctx context.Context, index string, body any, out any) error {
	data, err := json.Marshal(body)
	if err != nil {
		return fmt.Errorf("encoding query: %w", err)
	}
	ignore := true
	res, err := esapi.SearchRequest{Index: []string{index}, Body: bytes.NewReader(data),
		IgnoreUnavailable: &ignore, AllowNoIndices: &ignore}.Do(ctx, c.ES)
	if err != nil {
		return fmt.Errorf("searching %s: %w", index, err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		msg, _ := io.ReadAll(io.LimitReader(res.Body, 4096))
		return fmt.Errorf("searching %s: HTTP %d: %s", index, res.StatusCode, bytes.TrimSpace(msg))
	}
	if err := json.NewDecoder(res.Body).Decode(out); err != nil {
		return fmt.Errorf("decoding answer from %s: %w", index, err)
	}
	return nil
}
