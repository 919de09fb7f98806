package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// esMetricNames are the metrics dashshot translates, with the name
// Grafana gives their series.
var esMetricNames = map[string]string{"min": "Min", "max": "Max", "avg": "Average", "sum": "Sum", "count": "Count"}

// esSearch translates an Elasticsearch target into the search Grafana
// sends for it over [from, to]: the time range and the target's query
// string (variables expanded) as filters, one date histogram bucket
// aggregation with the target's metrics inside. width is the panel's
// width in pixels, which sets an auto interval.
func esSearch(t target, vars map[string]string, from, to time.Time, width int) ([]byte, error) {
	if len(t.BucketAggs) != 1 || t.BucketAggs[0].Type != "date_histogram" {
		return nil, fmt.Errorf("target %s: bucket aggregations %v: want one date_histogram", t.RefID, t.BucketAggs)
	}
	b := t.BucketAggs[0]
	timeField := t.TimeField
	if b.Field != "" {
		timeField = b.Field
	}
	if timeField == "" {
		return nil, fmt.Errorf("target %s: no time field", t.RefID)
	}
	hist := map[string]any{
		"field":           timeField,
		"min_doc_count":   0,
		"extended_bounds": map[string]any{"min": from.UnixMilli(), "max": to.UnixMilli()},
		"format":          "epoch_millis",
	}
	interval, _ := b.Settings["interval"].(string)
	kind, interval := esInterval(expand(interval, vars), from, to, width)
	hist[kind] = interval
	if v, ok := b.Settings["min_doc_count"]; ok {
		n, err := strconv.Atoi(fmt.Sprint(v))
		if err != nil || n < 0 {
			return nil, fmt.Errorf("target %s: min_doc_count %v: want a whole number", t.RefID, v)
		}
		hist["min_doc_count"] = n
	}
	metrics := map[string]any{}
	for _, m := range t.Metrics {
		if _, ok := esMetricNames[m.Type]; !ok {
			return nil, fmt.Errorf("target %s: metric %q: want one of min, max, avg, sum, count", t.RefID, m.Type)
		}
		if m.Type != "count" {
			metrics[m.ID] = map[string]any{m.Type: map[string]any{"field": m.Field}}
		}
	}
	agg := map[string]any{"date_histogram": hist}
	if len(metrics) > 0 {
		agg["aggs"] = metrics
	}
	filters := []any{map[string]any{"range": map[string]any{timeField: map[string]any{
		"gte": from.UnixMilli(), "lte": to.UnixMilli(), "format": "epoch_millis"}}}}
	if q := strings.TrimSpace(expand(t.Query, vars)); q != "" && q != "*" {
		filters = append(filters, map[string]any{"query_string": map[string]any{"query": q, "analyze_wildcard": true}})
	}
	return json.Marshal(map[string]any{
		"size":  0,
		"query": map[string]any{"bool": map[string]any{"filter": filters}},
		"aggs":  map[string]any{b.ID: agg},
	})
}

// esInterval returns the kind of date histogram interval and its value:
// a calendar interval for weeks, months, quarters and years, a fixed one
// otherwise; "auto" (or none) gives about a bucket per 10 pixels in whole
// minutes, hours or days.
func esInterval(interval string, from, to time.Time, width int) (kind, value string) {
	if interval == "" || interval == "auto" || strings.HasPrefix(interval, "$") {
		d := to.Sub(from) / time.Duration(max(width/10, 1))
		for _, nice := range []time.Duration{time.Minute, 5 * time.Minute, 10 * time.Minute, 30 * time.Minute,
			time.Hour, 3 * time.Hour, 12 * time.Hour, 24 * time.Hour} {
			if d <= nice {
				return "fixed_interval", promDuration(nice)
			}
		}
		return "fixed_interval", promDuration(d.Truncate(24 * time.Hour))
	}
	switch interval[len(interval)-1] {
	case 'w', 'M', 'q', 'y':
		return "calendar_interval", interval
	}
	return "fixed_interval", interval
}

// esSeries reads the answer to esSearch: a series per metric of the
// target, a point per bucket.
func esSeries(t target, answer []byte) ([]series, error) {
	var res struct {
		Aggregations map[string]struct {
			Buckets []map[string]json.RawMessage `json:"buckets"`
		} `json:"aggregations"`
	}
	if err := json.Unmarshal(answer, &res); err != nil {
		return nil, fmt.Errorf("decoding the answer: %w", err)
	}
	buckets := res.Aggregations[t.BucketAggs[0].ID].Buckets
	var out []series
	for _, m := range t.Metrics {
		s := series{Name: strings.TrimSpace(esMetricNames[m.Type] + " " + m.Field)}
		for _, b := range buckets {
			var key, count float64
			if err := json.Unmarshal(b["key"], &key); err != nil {
				return nil, fmt.Errorf("bucket key %s: %w", b["key"], err)
			}
			json.Unmarshal(b["doc_count"], &count)
			v := &count
			if m.Type != "count" {
				var value struct{ Value *float64 }
				if err := json.Unmarshal(b[m.ID], &value); err != nil {
					return nil, fmt.Errorf("metric %s of bucket %s: %w", m.ID, b["key"], err)
				}
				v = value.Value
			}
			if v != nil {
				s.Points = append(s.Points, point{T: time.UnixMilli(int64(key)).UTC(), V: *v})
			}
		}
		out = append(out, s)
	}
	return out, nil
}

// esQuery sends the search of t to the indices matching pattern on the
// node at base and returns its series.
func esQuery(ctx context.Context, client *http.Client, base, pattern string, t target, vars map[string]string, from, to time.Time, width int) ([]series, error) {
	body, err := esSearch(t, vars, from, to, width)
	if err != nil {
		return nil, err
	}
	u := strings.TrimSuffix(base, "/") + "/" + pattern + "/_search?ignore_unavailable=true&allow_no_indices=true"
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	res, err := client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("searching %s: %w", pattern, err)
	}
	defer res.Body.Close()
	answer, err := io.ReadAll(io.LimitReader(res.Body, 64<<20))
	if err != nil {
		return nil, fmt.Errorf("searching %s: reading the answer: %w", pattern, err)
	}
	if res.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("searching %s: %s: %s", pattern, res.Status, snippet(answer))
	}
	out, err := esSeries(t, answer)
	if err != nil {
		return nil, fmt.Errorf("searching %s: %w", pattern, err)
	}
	return out, nil
}
