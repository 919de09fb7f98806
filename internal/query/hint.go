package query

import (
	"context"
	"fmt"
	"slices"
	"strconv"

	"github.com/farepipe/farepipe/internal/fare"
)

// Alternative is a trip option of a request that found nothing, with the
// other values of it that have fares, every other option as asked: round
// trips were asked and one-way fares exist, or ECONOMY and BUSINESS fares
// exist.
type Alternative struct {
	// Option is the request's parameter: oneWay, cabin, nonStop, currency
	// or adults.
	Option string
	// Values are the values of the option that have fares, as the
	// parameter takes them ("true", "BUSINESS", "2"), sorted.
	Values []string
}

// alternatives runs one search of index for the trip options of t whose
// other values have fares: for each option, the fares that match every
// filter but that option's (filtersWithout gives them), counted by the
// option's values. It returns the options with fares of another value than
// asked, in the order oneWay, cabin, nonStop, currency, adults.
func (c *Client) alternatives(ctx context.Context, index string, t trip, filtersWithout func(string) []any) ([]Alternative, error) {
	relaxed := func(option string, values map[string]any, extra ...any) map[string]any {
		return map[string]any{
			"filter": map[string]any{"bool": map[string]any{"filter": append(filtersWithout(option), extra...)}},
			"aggs":   map[string]any{"values": values},
		}
	}
	terms := func(field string) map[string]any {
		return map[string]any{"terms": map[string]any{"field": field, "size": 20}}
	}
	aggs := map[string]any{
		// The one-way fares among all trips; the rest are round trips.
		optionOneWay: relaxed(optionOneWay, map[string]any{"filter": term(fare.FieldReturn, "")}),
		// Parties of adults only; a version 1 key is one adult.
		optionAdults: relaxed(optionAdults, map[string]any{"terms": map[string]any{"field": fare.FieldAdults, "size": 20, "missing": 1}},
			map[string]any{"bool": map[string]any{"minimum_should_match": 1, "should": []any{
				map[string]any{"bool": map[string]any{"filter": []any{term(fare.FieldChildren, 0), term(fare.FieldInfants, 0)}}},
				map[string]any{"bool": map[string]any{"must_not": map[string]any{"exists": map[string]any{"field": fare.FieldAdults}}}},
			}}}),
	}
	if t.cabin != "" {
		aggs[optionCabin] = relaxed(optionCabin, terms(fare.FieldCabin))
	}
	if t.nonStop {
		aggs[optionNonStop] = relaxed(optionNonStop, terms(fare.FieldNonStop))
	}
	if t.currency != "" {
		aggs[optionCurrency] = relaxed(optionCurrency, terms(fare.FieldCurrency))
	}
	body := map[string]any{"size": 0, "track_total_hits": false, "aggs": aggs}
	type bucket struct {
		Key         any    `json:"key"`
		KeyAsString string `json:"key_as_string"`
		DocCount    int64  `json:"doc_count"`
	}
	var out struct {
		Aggregations map[string]struct {
			DocCount int64 `json:"doc_count"`
			Values   struct {
				DocCount int64    `json:"doc_count"`
				Buckets  []bucket `json:"buckets"`
			} `json:"values"`
		} `json:"aggregations"`
	}
	if err := c.search(ctx, index, body, &out); err != nil {
		return nil, err
	}
	asked := map[string]string{optionOneWay: strconv.FormatBool(t.oneWay), optionCabin: t.cabin,
		optionNonStop: strconv.FormatBool(t.nonStop), optionCurrency: t.currency, optionAdults: strconv.Itoa(max(t.adults, 1))}
	var alts []Alternative
	for _, option := range []string{optionOneWay, optionCabin, optionNonStop, optionCurrency, optionAdults} {
		agg, ok := out.Aggregations[option]
		if !ok {
			continue
		}
		counts := map[string]int64{}
		if option == optionOneWay {
			counts["true"], counts["false"] = agg.Values.DocCount, agg.DocCount-agg.Values.DocCount
		}
		for _, b := range agg.Values.Buckets {
			key := b.KeyAsString
			if key == "" {
				key = fmt.Sprint(b.Key)
			}
			counts[key] += b.DocCount
		}
		var values []string
		for v, n := range counts {
			if n > 0 && v != asked[option] {
				values = append(values, v)
			}
		}
		if len(values) > 0 {
			slices.SortFunc(values, compareValues)
			alts = append(alts, Alternative{Option: option, Values: values})
		}
	}
	return alts, nil
}

// compareValues orders numbers by value and other strings as strings.
func compareValues(a, b string) int {
	x, errA := strconv.Atoi(a)
	y, errB := strconv.Atoi(b)
	if errA == nil && errB == nil {
		return x - y
	}
	if a < b {
		return -1
	}
	if a > b {
		return 1
	}
	return 0
}
