package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"runtime"
	"runtime/pprof"
	"slices"
	"strings"
	"time"

	"github.com/elastic/go-elasticsearch/v8/esapi"

	"github.com/farepipe/farepipe/internal/api"
	"github.com/farepipe/farepipe/internal/esindex"
	"github.com/farepipe/farepipe/internal/query"
)

// measure times the calendar runs of cfg against the loaded data set.
func measure(ctx context.Context, es esapi.Transport, d *dataset, cfg config, out io.Writer, log *slog.Logger) error {
	latest, err := checkLoaded(ctx, es, d, cfg.Prefix)
	if err != nil {
		return err
	}
	base := cfg.API
	where := "farepipe serve at " + base
	if base == "" {
		stop, url, err := serveInProcess(es, cfg.Prefix, log)
		if err != nil {
			return err
		}
		defer stop()
		base, where = url, "the API handler in this process at "+url
	}
	c := newCaller(base, d.routes, slices.Max(cfg.Clients))
	if err := c.ready(ctx); err != nil {
		return err
	}
	fmt.Fprintf(out, "measure: %s over %s-* (%d latest documents); %d CPUs, GOMAXPROCS %d, %s, %s; load average %s\n",
		where, cfg.Prefix, latest, runtime.NumCPU(), runtime.GOMAXPROCS(0), cpuModel(), runtime.Version(), loadAvg())
	fmt.Fprintf(out, "measure: each run is %d requests of GET %s for random routes, latency from sending to the last byte read\n",
		cfg.N, strings.NewReplacer("origin="+d.routes[0].Origin, "origin=<route>", "destination="+d.routes[0].Destination,
			"destination=<route>", "oneWay=true", "oneWay=<true|false>").Replace(calendarPath(d.routes[0], oneWayTrip)))

	idx := esindex.LatestIndex(cfg.Prefix)
	defer func() {
		// Leave the index as the node's default has it.
		if err := setRequestCache(context.WithoutCancel(ctx), es, idx, true); err != nil {
			log.Warn("turning the request cache back on", "err", err)
		}
	}()
	if cfg.CPUProfile != "" {
		stop, err := startCPUProfile(cfg.CPUProfile)
		if err != nil {
			return err
		}
		defer stop()
	}
	heap := watchHeap(ctx, es, 2*time.Second)
	failed, missed, runs := false, 0, 0
	for _, on := range cfg.Caches {
		cache := map[bool]string{true: "on", false: "off"}[on]
		if err := setRequestCache(ctx, es, idx, on); err != nil {
			return err
		}
		start := time.Now()
		if err := c.warm(ctx, cfg.Trips); err != nil {
			return err
		}
		fmt.Fprintf(out, "measure: request cache %s; warmed up with %d requests in %s\n", cache,
			len(d.routes)*len(cfg.Trips), time.Since(start).Round(time.Millisecond))
		for _, t := range cfg.Trips {
			for _, k := range cfg.Clients {
				before := loadAvg()
				esCPU, esErr := nodeCPU(ctx, es)
				self := selfCPU()
				r := c.run(ctx, runSpec{Trip: t, Clients: k, N: cfg.N, Seed: cfg.Seed})
				if err := ctx.Err(); err != nil {
					return err
				}
				r.SelfCPU = selfCPU() - self
				if end, err := nodeCPU(ctx, es); err == nil && esErr == nil {
					r.ESCPU = end - esCPU
				}
				if err := report(out, cache, r, before, loadAvg(), cfg.Goal); err != nil {
					failed = true
				}
				runs++
				if percentile(r.Latencies, 99) >= cfg.Goal {
					missed++
				}
			}
		}
	}
	fmt.Fprintf(out, "measure: %s\n", heap.finish(ctx, es))
	if failed {
		return errIncomplete
	}
	if missed > 0 {
		return fmt.Errorf("p99 latency goal %s missed in %d of %d runs", ms(cfg.Goal), missed, runs)
	}
	fmt.Fprintf(out, "measure: p99 latency goal %s met in all %d runs\n", ms(cfg.Goal), runs)
	return nil
}

// checkLoaded checks that the prefix holds the loaded data set and returns
// its count of latest documents.
func checkLoaded(ctx context.Context, es esapi.Transport, d *dataset, prefix string) (int, error) {
	want := d.totals()
	latest, changes, err := stored(ctx, es, prefix)
	if err != nil {
		return 0, err
	}
	if latest != want.Series || changes != want.ChangePoints {
		return 0, fmt.Errorf("%s-* holds %d latest documents and %d change points, want %d and %d: run load first",
			prefix, latest, changes, want.Series, want.ChangePoints)
	}
	return latest, nil
}

// serveInProcess serves the API over the prefix on a loopback port, as
// `farepipe serve` does, and returns how to stop it and its URL.
func serveInProcess(es esapi.Transport, prefix string, log *slog.Logger) (func(), string, error) {
	const timeout = 10 * time.Second
	h, err := api.New(api.Options{Backend: &query.Client{ES: es, Prefix: prefix}, Logger: log, RequestTimeout: timeout})
	if err != nil {
		return nil, "", err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, "", fmt.Errorf("listening on 127.0.0.1: %w", err)
	}
	srv := api.NewServer(h, timeout)
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
			log.Error("serving the API", "err", err)
		}
	}()
	stop := func() {
		_ = srv.Close()
		<-done
	}
	return stop, "http://" + ln.Addr().String(), nil
}

// ready waits up to 30 s for the API's /readyz.
func (c *caller) ready(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	for {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.base+"/readyz", nil)
		if err != nil {
			return err
		}
		res, err := c.client.Do(req)
		if err == nil {
			_, _ = io.Copy(io.Discard, res.Body)
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("waiting for %s/readyz: %w", c.base, ctx.Err())
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// startCPUProfile profiles this process into path until stop is called.
func startCPUProfile(path string) (stop func(), err error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("creating CPU profile: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("starting CPU profile: %w", err)
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}, nil
}

// cpuModel names the processor, or "?".
func cpuModel() string {
	data, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return "?"
	}
	for _, line := range strings.Split(string(data), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return "?"
}
