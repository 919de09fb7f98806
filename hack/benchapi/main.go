// Command benchapi measures GET /v1/calendar over a year of fares of 100
// routes: 1 000 000 observations indexed into a real Elasticsearch node.
//
//	go run ./hack/benchapi load    -es http://127.0.0.1:29200
//	go run ./hack/benchapi measure -es http://127.0.0.1:29200
//	go run ./hack/benchapi all     -es http://127.0.0.1:29200
//	go run ./hack/benchapi compare -es http://127.0.0.1:29200
//
// load generates the observations deterministically (see dataset.go) and
// indexes them through esindex.Indexer under -prefix, unless the prefix
// already holds exactly what they yield; then it refreshes and
// force-merges. measure serves the API in this process on 127.0.0.1:0
// (or uses -api), warms it up and times calendar requests for random
// routes and the whole year of departure dates, one-way and round trip, at
// each number of concurrent clients, with the shard request cache of the
// latest index on and off. compare measures the cost of farepipe's layer:
// interleaved pairs of runs of the API and of the bare Elasticsearch
// queries it sends for the same calendars (see compare.go).
// hack/bench-api.sh runs load and compare, and measure on request, against
// a separate set of services.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchapi:", err)
		os.Exit(1)
	}
}

// config holds the flags.
type config struct {
	ESURL   string
	Prefix  string
	API     string
	N       int
	Clients []int
	Trips   []trip
	Caches  []bool
	Seed    uint64
	Goal    time.Duration
	// Pairs is the number of interleaved pairs of compare, and MaxRatio
	// its goal: farepipe's median p50 below MaxRatio times the bare one's.
	Pairs    int
	MaxRatio float64
	// CPUProfile, when set, receives a CPU profile of the measuring (the
	// in-process API and the clients).
	CPUProfile string
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	const usage = "usage: benchapi load|measure|all|compare [flags]; benchapi load -h for the flags"
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		return errors.New(usage)
	}
	mode := args[0]
	if mode != "load" && mode != "measure" && mode != "all" && mode != "compare" {
		return fmt.Errorf("unknown mode %q; %s", mode, usage)
	}
	cfg, err := parseFlags(mode, args[1:], stderr)
	if err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	d, err := newDataset()
	if err != nil {
		return err
	}
	es, err := newES(cfg.ESURL)
	if err != nil {
		return err
	}
	if mode == "compare" {
		return compare(ctx, es, d, cfg, stdout, log)
	}
	if mode != "measure" {
		if err := load(ctx, es, d, cfg.Prefix, stdout, log); err != nil {
			return err
		}
	}
	if mode != "load" {
		return measure(ctx, es, d, cfg, stdout, log)
	}
	return nil
}

func parseFlags(mode string, args []string, stderr io.Writer) (config, error) {
	fs := flag.NewFlagSet("benchapi "+mode, flag.ContinueOnError)
	fs.SetOutput(stderr)
	esURL := os.Getenv("FAREPIPE_ES_URL")
	if esURL == "" {
		esURL = "http://127.0.0.1:9200"
	}
	var cfg config
	fs.StringVar(&cfg.ESURL, "es", esURL, "Elasticsearch URL (default $FAREPIPE_ES_URL)")
	fs.StringVar(&cfg.Prefix, "prefix", "farepipe-bench1m", "index prefix of the data set")
	fs.StringVar(&cfg.API, "api", "", "base URL of a running `farepipe serve --index-prefix <prefix>` to measure; "+
		"default: the API handler in this process on 127.0.0.1:0")
	fs.IntVar(&cfg.N, "n", 2000, "timed requests per run")
	clients := fs.String("clients", "1,4", "numbers of concurrent clients, one run each")
	trips := fs.String("trips", "one-way,round-trip", "kinds of calendar to ask: one-way (DATE view), round-trip (DURATION view)")
	caches := fs.String("cache", "on,off", "states of the latest index's shard request cache to measure under")
	fs.Uint64Var(&cfg.Seed, "seed", 1, "seed of the random choice of routes")
	fs.DurationVar(&cfg.Goal, "goal", 50*time.Millisecond, "p99 latency goal")
	fs.IntVar(&cfg.Pairs, "pairs", 5, "compare: interleaved pairs (farepipe, then the bare queries) per trip and number of clients")
	fs.Float64Var(&cfg.MaxRatio, "max-ratio", 1.10, "compare: goal, farepipe's median p50 latency below this times the bare queries'")
	fs.StringVar(&cfg.CPUProfile, "cpuprofile", "", "write a CPU profile of the timed runs (API handler and clients) to this file")
	if err := fs.Parse(args); err != nil {
		return cfg, err
	}
	if fs.NArg() > 0 {
		return cfg, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	if mode == "compare" && cfg.API != "" {
		return cfg, errors.New("-api: compare serves the API itself, to record the queries it sends")
	}
	if cfg.Pairs < 1 {
		return cfg, fmt.Errorf("-pairs %d: want at least 1", cfg.Pairs)
	}
	if cfg.N < 1 {
		return cfg, fmt.Errorf("-n %d: want at least 1", cfg.N)
	}
	for _, s := range strings.Split(*clients, ",") {
		k, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || k < 1 || k > 64 {
			return cfg, fmt.Errorf("-clients %q: want numbers from 1 to 64", *clients)
		}
		cfg.Clients = append(cfg.Clients, k)
	}
	for _, s := range strings.Split(*trips, ",") {
		switch strings.TrimSpace(s) {
		case oneWayTrip.Name:
			cfg.Trips = append(cfg.Trips, oneWayTrip)
		case roundTripTrip.Name:
			cfg.Trips = append(cfg.Trips, roundTripTrip)
		default:
			return cfg, fmt.Errorf("-trips %q: want one-way, round-trip or both", *trips)
		}
	}
	for _, s := range strings.Split(*caches, ",") {
		switch strings.TrimSpace(s) {
		case "on":
			cfg.Caches = append(cfg.Caches, true)
		case "off":
			cfg.Caches = append(cfg.Caches, false)
		default:
			return cfg, fmt.Errorf("-cache %q: want on, off or both", *caches)
		}
	}
	return cfg, nil
}
