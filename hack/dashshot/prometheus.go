package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
)

// promStep is the resolution of a range query over [from, to] drawn on
// width pixels: a point per pixel at most, never finer than a scrape,
// rounded up to a whole second, as Grafana chooses $__interval.
func promStep(from, to time.Time, width int, scrape time.Duration) time.Duration {
	step := to.Sub(from) / time.Duration(max(width, 1))
	step = max(step, scrape, time.Second)
	return (step + time.Second - 1).Truncate(time.Second)
}

// queryRange asks Prometheus at base for expr over [from, to] every step
// (/api/v1/query_range) and returns a series per result, named by
// legendFormat. NaN and infinite samples (a quantile of nothing) are left
// out, as Grafana leaves them undrawn.
func queryRange(ctx context.Context, client *http.Client, base, expr, legendFormat string, from, to time.Time, step time.Duration) ([]series, error) {
	q := url.Values{
		"query": {expr},
		"start": {strconv.FormatInt(from.Unix(), 10)},
		"end":   {strconv.FormatInt(to.Unix(), 10)},
		"step":  {strconv.FormatFloat(step.Seconds(), 'f', -1, 64)},
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimSuffix(base, "/")+"/api/v1/query_range?"+q.Encode(), nil)
	if err != nil {
		return nil, err
	}
	var data struct {
		ResultType string `json:"resultType"`
		Result     []struct {
			Metric map[string]string `json:"metric"`
			Values [][2]any          `json:"values"`
		} `json:"result"`
	}
	if err := promGet(client, req, &data); err != nil {
		return nil, fmt.Errorf("querying %s: %w", expr, err)
	}
	if data.ResultType != "matrix" {
		return nil, fmt.Errorf("querying %s: result type %q, want matrix", expr, data.ResultType)
	}
	var out []series
	for _, r := range data.Result {
		s := series{Name: legend(legendFormat, r.Metric), Gap: 3 * step / 2}
		for _, v := range r.Values {
			at, ok := v[0].(float64)
			text, ok2 := v[1].(string)
			if !ok || !ok2 {
				return nil, fmt.Errorf("querying %s: sample %v: want [time, \"value\"]", expr, v)
			}
			f, err := strconv.ParseFloat(text, 64)
			if err != nil {
				return nil, fmt.Errorf("querying %s: sample value %q: %w", expr, text, err)
			}
			if math.IsNaN(f) || math.IsInf(f, 0) {
				continue
			}
			s.Points = append(s.Points, point{T: time.UnixMilli(int64(math.Round(at * 1000))).UTC(), V: f})
		}
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// promGet sends req to Prometheus' HTTP API and decodes the data of a
// successful answer into out.
func promGet(client *http.Client, req *http.Request, out any) error {
	res, err := client.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	var body struct {
		Status    string          `json:"status"`
		ErrorType string          `json:"errorType"`
		Error     string          `json:"error"`
		Data      json.RawMessage `json:"data"`
	}
	b, err := io.ReadAll(io.LimitReader(res.Body, 64<<20))
	if err != nil {
		return fmt.Errorf("reading the answer: %w", err)
	}
	if err := json.Unmarshal(b, &body); err != nil {
		return fmt.Errorf("%s: %s", res.Status, snippet(b))
	}
	if body.Status != "success" {
		return fmt.Errorf("%s: %s: %s", res.Status, body.ErrorType, body.Error)
	}
	return json.Unmarshal(body.Data, out)
}

// legendRef matches {{label}} in a legend format.
var legendRef = regexp.MustCompile(`\{\{\s*(\w+)\s*\}\}`)

// legend names a series as Grafana does: the legend format with {{label}}
// replaced by the series' labels, or, without a format, the labels as
// Prometheus writes them.
func legend(format string, labels map[string]string) string {
	if format != "" && format != "__auto" {
		return legendRef.ReplaceAllStringFunc(format, func(ref string) string {
			return labels[legendRef.FindStringSubmatch(ref)[1]]
		})
	}
	names := make([]string, 0, len(labels))
	for k := range labels {
		if k != "__name__" {
			names = append(names, k)
		}
	}
	sort.Strings(names)
	parts := make([]string, len(names))
	for i, k := range names {
		parts[i] = fmt.Sprintf("%s=%q", k, labels[k])
	}
	return labels["__name__"] + "{" + strings.Join(parts, ", ") + "}"
}

// snippet returns the start of an answer body for an error message.
func snippet(b []byte) string {
	s := strings.TrimSpace(string(b))
	if len(s) > 300 {
		s = s[:300] + "…"
	}
	return s
}
