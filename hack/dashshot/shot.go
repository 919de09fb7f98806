package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/farepipe/farepipe/internal/esindex"
)

// shot is a rendering planned: the time ranges resolved, the variables
// set and the data sources every panel needs given.
type shot struct {
	cfg                config
	vars               map[string]string
	from, to           time.Time
	faresFrom, faresTo time.Time
	client             *http.Client
}

// plan resolves cfg's time ranges (relative to now) and variables
// against the dashboard and checks that every data source a panel reads
// has a URL.
func (cfg config) plan(d *dashboard) (*shot, error) {
	now := time.Now().UTC().Truncate(time.Second)
	s := &shot{cfg: cfg, vars: d.defaults(), client: &http.Client{}}
	if cfg.Origin != "" {
		s.vars["origin"] = cfg.Origin
	}
	if cfg.Destination != "" {
		s.vars["destination"] = cfg.Destination
	}
	to, err := parseTime(or(cfg.To, d.Time.To, "now"), now)
	if err != nil {
		return nil, err
	}
	from, err := parseTime(or(cfg.From, d.Time.From, "now-6h"), now)
	if err != nil {
		return nil, err
	}
	if cfg.Since != "" {
		since, err := parseDuration(cfg.Since)
		if err != nil {
			return nil, fmt.Errorf("--since: %w", err)
		}
		from = to.Add(-since)
	}
	s.from, s.to, s.faresFrom, s.faresTo = from, to, from, to
	if cfg.FaresFrom != "" {
		if s.faresFrom, err = parseTime(cfg.FaresFrom, now); err != nil {
			return nil, err
		}
	}
	if cfg.FaresTo != "" {
		if s.faresTo, err = parseTime(cfg.FaresTo, now); err != nil {
			return nil, err
		}
	}
	if !from.Before(to) || !s.faresFrom.Before(s.faresTo) {
		return nil, fmt.Errorf("time range %s to %s (fares %s to %s): want the start before the end",
			from.Format(time.RFC3339), to.Format(time.RFC3339), s.faresFrom.Format(time.RFC3339), s.faresTo.Format(time.RFC3339))
	}
	ids, _ := cfg.required()
	for _, p := range d.Panels {
		if p.Type == "timeseries" {
			delete(ids, p.ID)
		}
		switch {
		case p.Type != "timeseries":
		case p.Datasource.Type == "prometheus" && cfg.Prometheus == "":
			return nil, fmt.Errorf("panel %d %q reads Prometheus: give --prometheus", p.ID, p.Title)
		case p.Datasource.Type == "elasticsearch" && cfg.Elasticsearch == "":
			return nil, fmt.Errorf("panel %d %q reads Elasticsearch: give --elasticsearch", p.ID, p.Title)
		case p.Datasource.Type != "prometheus" && p.Datasource.Type != "elasticsearch":
			return nil, fmt.Errorf("panel %d %q: data source type %q: want prometheus or elasticsearch", p.ID, p.Title, p.Datasource.Type)
		}
	}
	for id := range ids {
		return nil, fmt.Errorf("--require-data: the dashboard has no time series panel %d", id)
	}
	return s, nil
}

func or(values ...string) string {
	for _, v := range values {
		if v != "" {
			return v
		}
	}
	return ""
}

// query runs the queries of every time series panel, printing a line per
// panel, and returns the rows and time series panels with their data;
// panels of other types are reported and left out.
func (s *shot) query(ctx context.Context, d *dashboard, stdout io.Writer) ([]drawing, error) {
	rects, _ := layout(d.Panels, s.cfg.Width)
	var out []drawing
	for i, p := range d.Panels {
		dr := drawing{Panel: p, Title: expand(p.Title, s.vars), From: s.from, To: s.to}
		switch p.Type {
		case "row":
			out = append(out, dr)
			continue
		case "timeseries":
		default:
			fmt.Fprintf(stdout, "panel %d %q: type %s not drawn\n", p.ID, dr.Title, p.Type)
			continue
		}
		width := rects[i].Dx()
		for _, t := range p.Targets {
			ss, err := s.target(ctx, p, t, &dr, width)
			if err != nil {
				return nil, fmt.Errorf("panel %d %q, target %s: %w", p.ID, dr.Title, t.RefID, err)
			}
			dr.Series = append(dr.Series, ss...)
		}
		if n := points(dr.Series); n == 0 {
			fmt.Fprintf(stdout, "panel %d %q: no data\n", p.ID, dr.Title)
		} else {
			fmt.Fprintf(stdout, "panel %d %q: %d series, %d points\n", p.ID, dr.Title, len(dr.Series), n)
		}
		out = append(out, dr)
	}
	return out, nil
}

// target runs one query of panel p drawn width pixels wide.
func (s *shot) target(ctx context.Context, p panel, t target, dr *drawing, width int) ([]series, error) {
	ctx, cancel := context.WithTimeout(ctx, s.cfg.Timeout)
	defer cancel()
	if p.Datasource.Type == "elasticsearch" {
		dr.From, dr.To = s.faresFrom, s.faresTo
		return esQuery(ctx, s.client, s.cfg.Elasticsearch, esindex.ObservationsPattern(s.cfg.IndexPrefix), t, s.vars, dr.From, dr.To, width)
	}
	step := promStep(s.from, s.to, width, s.cfg.Scrape)
	vars := withVars(s.vars, intervalVars(s.from, s.to, step, s.cfg.Scrape))
	return queryRange(ctx, s.client, s.cfg.Prometheus, expand(t.Expr, vars), expand(t.LegendFormat, vars), s.from, s.to, step)
}

// header is the line above the grid: the dashboard, its time ranges and
// where the data came from.
func (s *shot) header(d *dashboard) string {
	const minute = "2006-01-02 15:04"
	h := fmt.Sprintf("%s · %s to %s UTC", d.Title, s.from.Format(minute), s.to.Format(minute))
	if !s.faresFrom.Equal(s.from) || !s.faresTo.Equal(s.to) {
		h += fmt.Sprintf(" · fares observed %s to %s", s.faresFrom.Format("2006-01-02"), s.faresTo.Format("2006-01-02"))
	}
	return h + " · rendered by hack/dashshot"
}

// checkRequired returns an error naming the panels --require-data names
// that drew no point.
func (s *shot) checkRequired(drawings []drawing) error {
	ids, _ := s.cfg.required()
	var empty []string
	for _, dr := range drawings {
		if dr.Panel.Type != "timeseries" || points(dr.Series) > 0 {
			continue
		}
		if ids == nil || ids[dr.Panel.ID] {
			empty = append(empty, fmt.Sprintf("%d %q", dr.Panel.ID, dr.Title))
		}
	}
	if len(empty) == 0 {
		return nil
	}
	sort.Strings(empty)
	return fmt.Errorf("--require-data: no data in panel %s", strings.Join(empty, ", panel "))
}
