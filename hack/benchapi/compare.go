package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/elastic/go-elasticsearch/v8/esapi"
)

// compare measures the cost of farepipe's layer: for each trip and number
// of clients, cfg.Pairs interleaved pairs of runs, the API (in this
// process) and then the bare queries (the Elasticsearch requests the API
// sent for the same calendar, recorded once and sent again straight to
// the node), the same routes in the same order. It prints each pair's
// ratios of farepipe's latency to the bare one's at p50 and p99, then their
// median [min-max] with the absolute figures, and fails when the median
// p50 ratio reaches cfg.MaxRatio or farepipe's median p99 reaches cfg.Goal.
func compare(ctx context.Context, es esapi.Transport, d *dataset, cfg config, out io.Writer, log *slog.Logger) error {
	if _, err := checkLoaded(ctx, es, d, cfg.Prefix); err != nil {
		return err
	}
	rec := &recorder{es: es}
	stop, base, err := serveInProcess(rec, cfg.Prefix, log)
	if err != nil {
		return err
	}
	defer stop()
	clients := slices.Max(cfg.Clients)
	c := newCaller(base, d.routes, clients)
	if err := c.ready(ctx); err != nil {
		return err
	}
	b := newBare(cfg.ESURL, clients)
	requests := 0
	for _, t := range cfg.Trips {
		for i, r := range d.routes {
			var buf bytes.Buffer
			plan, err := rec.record(func() error { _, err := c.get(ctx, r, t, &buf); return err })
			if err != nil {
				return fmt.Errorf("recording the queries of %s-%s %s: %w", r.Origin, r.Destination, t.Name, err)
			}
			b.plans[planKey{i, t.Name}] = plan
			requests += len(plan)
		}
	}
	fmt.Fprintf(out, "compare: farepipe = GET /v1/calendar of the API in this process; bare = the %d Elasticsearch requests it sent "+
		"for the %d calendars (%.1f a calendar), recorded and sent again to %s with net/http, answers read whole and not decoded\n",
		requests, len(d.routes)*len(cfg.Trips), float64(requests)/float64(len(d.routes)*len(cfg.Trips)), b.es)
	fmt.Fprintf(out, "compare: %d CPUs, GOMAXPROCS %d, %s, %s; %d pairs of %d requests per trip and clients; load average %s\n",
		runtime.NumCPU(), runtime.GOMAXPROCS(0), cpuModel(), runtime.Version(), cfg.Pairs, cfg.N, loadAvgs())
	if cfg.CPUProfile != "" {
		stop, err := startCPUProfile(cfg.CPUProfile)
		if err != nil {
			return err
		}
		defer stop()
	}
	sides := []struct {
		name string
		n    int
		get  getFunc
	}{
		{"farepipe", len(d.routes), func(ctx context.Context, i int, t trip, buf *bytes.Buffer) (int, error) {
			return c.get(ctx, d.routes[i], t, buf)
		}},
		{"bare", len(d.routes), b.get},
	}
	var summary []string
	failed, missed := false, false
	for _, t := range cfg.Trips {
		for _, k := range cfg.Clients {
			before := loadAvgs()
			var p50s, p99s []float64
			var runs [2][]result
			for pair := 1; pair <= cfg.Pairs; pair++ {
				for s, side := range sides {
					esCPU, esErr := nodeCPU(ctx, es)
					self := selfCPU()
					r := runClients(ctx, runSpec{Trip: t, Clients: k, N: cfg.N, Seed: cfg.Seed + uint64(pair)}, side.n, side.get)
					if err := ctx.Err(); err != nil {
						return err
					}
					r.SelfCPU = selfCPU() - self
					if end, err := nodeCPU(ctx, es); err == nil && esErr == nil {
						r.ESCPU = end - esCPU
					}
					if r.Errors > 0 {
						fmt.Fprintf(out, "compare: %s %s clients=%d pair %d: %d errors; first: %v\n", side.name, t.Name, k, pair, r.Errors, r.FirstErr)
						failed = true
					}
					runs[s] = append(runs[s], r)
				}
				f, bb := runs[0][pair-1], runs[1][pair-1]
				p50 := ratio(percentile(f.Latencies, 50), percentile(bb.Latencies, 50))
				p99 := ratio(percentile(f.Latencies, 99), percentile(bb.Latencies, 99))
				p50s, p99s = append(p50s, p50), append(p99s, p99)
				fmt.Fprintf(out, "compare: %-10s clients=%d pair %d: farepipe p50 %s p99 %s, bare p50 %s p99 %s: p50 %.2fx p99 %.2fx; load %s\n",
					t.Name, k, pair, ms(percentile(f.Latencies, 50)), ms(percentile(f.Latencies, 99)),
					ms(percentile(bb.Latencies, 50)), ms(percentile(bb.Latencies, 99)), p50, p99, loadAvg())
			}
			line, ok, okP99 := compareSummary(t, k, p50s, p99s, runs, cfg)
			line += fmt.Sprintf("; load %s -> %s", before, loadAvgs())
			summary = append(summary, line)
			missed = missed || !ok || !okP99
		}
	}
	fmt.Fprintf(out, "calendar vs the bare Elasticsearch queries, %d pairs of %d requests (ratio = farepipe / bare latency, median [min-max]); %s\n",
		cfg.Pairs, cfg.N, time.Now().UTC().Format("2006-01-02T15:04Z"))
	for _, l := range summary {
		fmt.Fprintln(out, "  "+l)
	}
	if failed {
		return errIncomplete
	}
	if missed {
		return fmt.Errorf("a goal was missed (p50 ratio < %.2fx, p99 < %s)", cfg.MaxRatio, ms(cfg.Goal))
	}
	return nil
}

// compareSummary describes the pairs of one trip and number of clients:
// the ratios, the medians of the absolute figures of each side and their
// CPU time per request, and whether the goals were met.
func compareSummary(t trip, k int, p50s, p99s []float64, runs [2][]result, cfg config) (string, bool, bool) {
	med := func(side int, pct int) time.Duration {
		var v []time.Duration
		for _, r := range runs[side] {
			v = append(v, percentile(r.Latencies, pct))
		}
		slices.Sort(v)
		return v[(len(v)-1)/2]
	}
	cpu := func(side int, es bool) time.Duration {
		var v []time.Duration
		for _, r := range runs[side] {
			c := r.SelfCPU
			if es {
				c = r.ESCPU
			}
			v = append(v, c/time.Duration(max(len(r.Latencies), 1)))
		}
		slices.Sort(v)
		return v[(len(v)-1)/2]
	}
	ok := median(p50s) < cfg.MaxRatio
	okP99 := med(0, 99) < cfg.Goal
	verdict := func(ok bool) string { return map[bool]string{true: "met", false: "MISSED"}[ok] }
	var b strings.Builder
	fmt.Fprintf(&b, "%-10s clients=%d: p50 %s, p99 %s; farepipe p50 %s p99 %s (%.0f req/s), bare p50 %s p99 %s (%.0f req/s); "+
		"CPU/request: this process %s / %s, Elasticsearch %s / %s; p50 ratio < %.2fx %s, farepipe p99 < %s %s",
		t.Name, k, stats(p50s), stats(p99s), ms(med(0, 50)), ms(med(0, 99)), rate(runs[0]), ms(med(1, 50)), ms(med(1, 99)), rate(runs[1]),
		ms(cpu(0, false)), ms(cpu(1, false)), ms(cpu(0, true)), ms(cpu(1, true)), cfg.MaxRatio, verdict(ok), ms(cfg.Goal), verdict(okP99))
	return b.String(), ok, okP99
}

// ratio is a / b.
func ratio(a, b time.Duration) float64 {
	if b <= 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// rate is the median requests/s of runs.
func rate(runs []result) float64 {
	var v []float64
	for _, r := range runs {
		v = append(v, float64(len(r.Latencies))/r.Wall.Seconds())
	}
	return median(v)
}

// median returns the median of v (the mean of the two middle values of an
// even count).
func median(v []float64) float64 {
	s := slices.Sorted(slices.Values(v))
	n := len(s)
	if n == 0 {
		return 0
	}
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// stats formats the median [min-max] of v as ratios.
func stats(v []float64) string {
	s := slices.Sorted(slices.Values(v))
	return fmt.Sprintf("%.2fx [%.2f-%.2f]", median(s), s[0], s[len(s)-1])
}

// loadAvgs returns the 1, 5 and 15-minute load averages, or "?".
func loadAvgs() string {
	data, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(data))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}
