package main

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"
)

// farePanel returns the dashboard's panel on Elasticsearch.
func farePanel(t *testing.T) panel {
	t.Helper()
	d, err := loadDashboard(dashboardPath)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range d.Panels {
		if p.Datasource.Type == "elasticsearch" {
			return p
		}
	}
	t.Fatal("dashboard.json has no panel on Elasticsearch")
	return panel{}
}

func TestESSearchIsWhatGrafanaSendsForTheFarePanel(t *testing.T) {
	p := farePanel(t)
	from := time.Date(2026, 11, 14, 0, 0, 0, 0, time.UTC)
	to := time.Date(2026, 11, 28, 0, 0, 0, 0, time.UTC)
	got, err := esSearch(p.Targets[0], map[string]string{"origin": "ICN", "destination": "FUK"}, from, to, 1500)
	if err != nil {
		t.Fatal(err)
	}
	want := `{
	  "size": 0,
	  "query": {"bool": {"filter": [
	    {"range": {"observed_at": {"gte": 1794614400000, "lte": 1795824000000, "format": "epoch_millis"}}},
	    {"query_string": {"query": "origin:ICN AND destination:FUK", "analyze_wildcard": true}}
	  ]}},
	  "aggs": {"2": {
	    "date_histogram": {"field": "observed_at", "fixed_interval": "1d", "min_doc_count": 1,
	      "extended_bounds": {"min": 1794614400000, "max": 1795824000000}, "format": "epoch_millis"},
	    "aggs": {"1": {"min": {"field": "amount_minor"}}}
	  }}
	}`
	var g, w any
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(g, w) {
		t.Errorf("esSearch = %s\nwant %s", got, want)
	}
}

func TestESSearchRefusesWhatItCannotTranslate(t *testing.T) {
	hist := esBucketAgg{ID: "2", Type: "date_histogram", Field: "observed_at"}
	for _, tc := range []struct {
		name string
		t    target
		want string
	}{
		{"terms", target{RefID: "A", Metrics: []esMetric{{ID: "1", Type: "min", Field: "amount_minor"}},
			BucketAggs: []esBucketAgg{{ID: "2", Type: "terms", Field: "carrier"}}}, "want one date_histogram"},
		{"percentiles", target{RefID: "A", Metrics: []esMetric{{ID: "1", Type: "percentiles", Field: "amount_minor"}},
			BucketAggs: []esBucketAgg{hist}}, `metric "percentiles"`},
		{"min_doc_count", target{RefID: "A", BucketAggs: []esBucketAgg{{ID: "2", Type: "date_histogram", Field: "observed_at",
			Settings: map[string]any{"min_doc_count": "some"}}}}, "min_doc_count"},
	} {
		_, err := esSearch(tc.t, nil, time.Unix(0, 0), time.Unix(3600, 0), 800)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: esSearch error %v, want one saying %q", tc.name, err, tc.want)
		}
	}
}

func TestESInterval(t *testing.T) {
	from := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		interval         string
		span             time.Duration
		kind, wantPeriod string
	}{
		{"1d", time.Hour, "fixed_interval", "1d"},
		{"1w", time.Hour, "calendar_interval", "1w"},
		{"1M", time.Hour, "calendar_interval", "1M"},
		{"auto", 7 * 24 * time.Hour, "fixed_interval", "3h"},
		{"$__interval", 2 * time.Hour, "fixed_interval", "5m"},
		{"", 365 * 24 * time.Hour, "fixed_interval", "3d"},
	} {
		kind, got := esInterval(tc.interval, from, from.Add(tc.span), 1000)
		if kind != tc.kind || got != tc.wantPeriod {
			t.Errorf("esInterval(%q, %s) = %s %s, want %s %s", tc.interval, tc.span, kind, got, tc.kind, tc.wantPeriod)
		}
	}
}

func TestESSeriesReadsABucketPerPoint(t *testing.T) {
	p := farePanel(t)
	answer := `{"aggregations": {"2": {"buckets": [
	  {"key": 1795219200000, "doc_count": 6, "1": {"value": 231000}},
	  {"key": 1795305600000, "doc_count": 0, "1": {"value": null}},
	  {"key": 1795392000000, "doc_count": 2, "1": {"value": 198500}}
	]}}}`
	got, err := esSeries(p.Targets[0], []byte(answer))
	if err != nil {
		t.Fatal(err)
	}
	want := []series{{Name: "Min amount_minor", Points: []point{
		{T: time.Date(2026, 11, 21, 0, 0, 0, 0, time.UTC), V: 231000},
		{T: time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC), V: 198500},
	}}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("esSeries = %+v, want %+v", got, want)
	}
}
