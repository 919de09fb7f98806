package main

import (
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"strings"
	"time"
)

// dashboard is the part of a Grafana dashboard model dashshot reads.
type dashboard struct {
	Title string `json:"title"`
	Time  struct {
		From string `json:"from"`
		To   string `json:"to"`
	} `json:"time"`
	Templating struct {
		List []variable `json:"list"`
	} `json:"templating"`
	Panels []panel `json:"panels"`
}

// variable is a template variable: a data source chooser or a text box.
type variable struct {
	Name    string `json:"name"`
	Type    string `json:"type"`
	Query   string `json:"query"`
	Current struct {
		Value any `json:"value"`
	} `json:"current"`
}

// panel is a row or a time series panel.
type panel struct {
	ID         int    `json:"id"`
	Type       string `json:"type"`
	Title      string `json:"title"`
	Datasource struct {
		Type string `json:"type"`
	} `json:"datasource"`
	GridPos     gridPos `json:"gridPos"`
	FieldConfig struct {
		Defaults struct {
			Unit   string `json:"unit"`
			Custom struct {
				LineInterpolation string `json:"lineInterpolation"`
			} `json:"custom"`
		} `json:"defaults"`
	} `json:"fieldConfig"`
	Targets []target `json:"targets"`
}

// gridPos places a panel on Grafana's grid: 24 columns, rows of one unit.
type gridPos struct {
	X int `json:"x"`
	Y int `json:"y"`
	W int `json:"w"`
	H int `json:"h"`
}

// target is one query of a panel: expr and legendFormat for Prometheus,
// the rest for Elasticsearch.
type target struct {
	RefID        string        `json:"refId"`
	Expr         string        `json:"expr"`
	LegendFormat string        `json:"legendFormat"`
	Query        string        `json:"query"`
	TimeField    string        `json:"timeField"`
	Metrics      []esMetric    `json:"metrics"`
	BucketAggs   []esBucketAgg `json:"bucketAggs"`
}

// esMetric is a metric of an Elasticsearch target: min, max, avg, sum of
// a field, or count.
type esMetric struct {
	ID    string `json:"id"`
	Type  string `json:"type"`
	Field string `json:"field"`
}

// esBucketAgg is a bucket aggregation of an Elasticsearch target.
type esBucketAgg struct {
	ID       string         `json:"id"`
	Type     string         `json:"type"`
	Field    string         `json:"field"`
	Settings map[string]any `json:"settings"`
}

// loadDashboard reads a dashboard model.
func loadDashboard(path string) (*dashboard, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var d dashboard
	if err := json.Unmarshal(b, &d); err != nil {
		return nil, fmt.Errorf("decoding %s: %w", path, err)
	}
	return &d, nil
}

// defaults returns the dashboard's text box variables at their current
// value (their query when none is set).
func (d *dashboard) defaults() map[string]string {
	vars := map[string]string{}
	for _, v := range d.Templating.List {
		if v.Type == "datasource" {
			continue
		}
		value := v.Query
		if s, ok := v.Current.Value.(string); ok && s != "" {
			value = s
		}
		vars[v.Name] = value
	}
	return vars
}

// varRef matches the three ways Grafana writes a variable: $name,
// ${name} (with an optional :format) and [[name]].
var varRef = regexp.MustCompile(`\$\{(\w+)(?::\w+)?\}|\[\[(\w+)\]\]|\$(\w+)`)

// expand replaces the variables of s that vars names, leaving the others
// as written.
func expand(s string, vars map[string]string) string {
	return varRef.ReplaceAllStringFunc(s, func(ref string) string {
		m := varRef.FindStringSubmatch(ref)
		name := m[1] + m[2] + m[3]
		if v, ok := vars[name]; ok {
			return v
		}
		return ref
	})
}

// intervalVars are Grafana's built-in interval variables for a query of
// step over [from, to] on a Prometheus that scrapes every scrape:
// $__interval is the step, $__rate_interval the larger of step+scrape and
// four scrapes (Grafana's rule), $__range the whole range.
func intervalVars(from, to time.Time, step, scrape time.Duration) map[string]string {
	rate := max(step+scrape, 4*scrape)
	return map[string]string{
		"__interval":      promDuration(step),
		"__interval_ms":   fmt.Sprint(step.Milliseconds()),
		"__rate_interval": promDuration(rate),
		"__range":         promDuration(to.Sub(from)),
		"__range_s":       fmt.Sprint(int64(to.Sub(from).Seconds())),
	}
}

// promDuration writes d as Prometheus reads a duration: whole
// milliseconds, in the largest units that divide it ("1h", "90s", "250ms").
func promDuration(d time.Duration) string {
	d = max(d.Round(time.Millisecond), time.Millisecond)
	for _, u := range []struct {
		d    time.Duration
		name string
	}{{24 * time.Hour, "d"}, {time.Hour, "h"}, {time.Minute, "m"}, {time.Second, "s"}} {
		if d%u.d == 0 {
			return fmt.Sprint(int64(d/u.d)) + u.name
		}
	}
	return fmt.Sprint(d.Milliseconds()) + "ms"
}

// withVars returns the union of variable sets, later ones winning.
func withVars(sets ...map[string]string) map[string]string {
	out := map[string]string{}
	for _, s := range sets {
		for k, v := range s {
			out[k] = v
		}
	}
	return out
}

// parseTime reads a time as Grafana's time picker writes it ("now",
// "now-7d", "now-90m") or as RFC 3339.
func parseTime(s string, now time.Time) (time.Time, error) {
	if s == "now" {
		return now, nil
	}
	if rel, ok := strings.CutPrefix(s, "now-"); ok {
		d, err := parseDuration(rel)
		if err != nil {
			return time.Time{}, fmt.Errorf("time %q: %w", s, err)
		}
		return now.Add(-d), nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("time %q: want now, now-<duration> or RFC 3339", s)
	}
	return t, nil
}

// parseDuration reads a Go duration or a whole number of days ("7d") or
// weeks ("2w"), as Grafana's time picker writes them.
func parseDuration(s string) (time.Duration, error) {
	var n int
	var unit string
	if _, err := fmt.Sscanf(s, "%d%s", &n, &unit); err == nil && n >= 0 {
		switch unit {
		case "d":
			return time.Duration(n) * 24 * time.Hour, nil
		case "w":
			return time.Duration(n) * 7 * 24 * time.Hour, nil
		}
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return 0, fmt.Errorf("duration %q: want a positive Go duration, Nd or Nw", s)
	}
	return d, nil
}
