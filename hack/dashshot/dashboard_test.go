package main

import (
	"testing"
	"time"
)

const dashboardPath = "../../deploy/monitoring/dashboard.json"

func TestExpand(t *testing.T) {
	vars := map[string]string{"origin": "ICN", "destination": "FUK", "__rate_interval": "1m"}
	for _, tc := range []struct{ name, in, want string }{
		{"dollar", "origin:$origin AND destination:$destination", "origin:ICN AND destination:FUK"},
		{"braces", "${origin}-${destination:raw}", "ICN-FUK"},
		{"brackets", "[[origin]]", "ICN"},
		{"built-in", "rate(x[$__rate_interval])", "rate(x[1m])"},
		{"unknown kept", "$prometheus ${elasticsearch}", "$prometheus ${elasticsearch}"},
		{"arrow title", "Cheapest change point of $origin → $destination", "Cheapest change point of ICN → FUK"},
		{"no variables", "sum(increase(a_total[1h]))", "sum(increase(a_total[1h]))"},
	} {
		if got := expand(tc.in, vars); got != tc.want {
			t.Errorf("%s: expand(%q) = %q, want %q", tc.name, tc.in, got, tc.want)
		}
	}
}

func TestIntervalVars(t *testing.T) {
	from := time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name           string
		to             time.Time
		step, scrape   time.Duration
		interval, rate string
		rng            string
	}{
		{"short range, fine step", from.Add(10 * time.Minute), 2 * time.Second, 2 * time.Second, "2s", "8s", "10m"},
		{"four scrapes at least", from.Add(time.Hour), 5 * time.Second, 15 * time.Second, "5s", "1m", "1h"},
		{"step plus a scrape", from.Add(7 * 24 * time.Hour), 10 * time.Minute, 15 * time.Second, "10m", "615s", "7d"},
	} {
		got := intervalVars(from, tc.to, tc.step, tc.scrape)
		if got["__interval"] != tc.interval || got["__rate_interval"] != tc.rate || got["__range"] != tc.rng {
			t.Errorf("%s: $__interval %s, $__rate_interval %s, $__range %s; want %s, %s, %s", tc.name,
				got["__interval"], got["__rate_interval"], got["__range"], tc.interval, tc.rate, tc.rng)
		}
	}
}

func TestPromStep(t *testing.T) {
	from := time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name   string
		span   time.Duration
		width  int
		scrape time.Duration
		want   time.Duration
	}{
		{"no finer than a scrape", 10 * time.Minute, 800, 2 * time.Second, 2 * time.Second},
		{"a point per pixel", 7 * 24 * time.Hour, 800, 15 * time.Second, 756 * time.Second},
		{"rounded up to a second", time.Hour, 700, time.Second, 6 * time.Second},
	} {
		if got := promStep(from, from.Add(tc.span), tc.width, tc.scrape); got != tc.want {
			t.Errorf("%s: promStep(%s, %d px, scrape %s) = %s, want %s", tc.name, tc.span, tc.width, tc.scrape, got, tc.want)
		}
	}
}

func TestParseTime(t *testing.T) {
	now := time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		in   string
		want time.Time
		bad  bool
	}{
		{in: "now", want: now},
		{in: "now-7d", want: now.AddDate(0, 0, -7)},
		{in: "now-2w", want: now.AddDate(0, 0, -14)},
		{in: "now-90m", want: now.Add(-90 * time.Minute)},
		{in: "2026-11-21T06:00:00Z", want: time.Date(2026, 11, 21, 6, 0, 0, 0, time.UTC)},
		{in: "yesterday", bad: true},
		{in: "now-3x", bad: true},
	} {
		got, err := parseTime(tc.in, now)
		if tc.bad != (err != nil) || !got.Equal(tc.want) {
			t.Errorf("parseTime(%q) = %s, %v; want %s (error %v)", tc.in, got, err, tc.want, tc.bad)
		}
	}
}

func TestDefaultsAreTheDashboardsTextBoxes(t *testing.T) {
	d, err := loadDashboard(dashboardPath)
	if err != nil {
		t.Fatal(err)
	}
	got := d.defaults()
	if len(got) != 2 || got["origin"] != "ICN" || got["destination"] != "NRT" {
		t.Errorf("defaults() = %v, want origin ICN and destination NRT (data source variables left out)", got)
	}
}
