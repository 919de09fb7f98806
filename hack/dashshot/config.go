package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"
)

// config holds the flags.
type config struct {
	Dashboard     string
	Prometheus    string
	Elasticsearch string
	IndexPrefix   string
	Origin        string
	Destination   string
	// From and To bound every panel; FaresFrom and FaresTo, when set, the
	// Elasticsearch panels only (the fares' observed_at, which replayed
	// or synthetic batches stamp far from the run that indexed them).
	From, To, Since    string
	FaresFrom, FaresTo string
	Out                string
	Width              int
	Scrape, Timeout    time.Duration
	RequireData        string
}

func parseFlags(args []string, stderr io.Writer) (config, error) {
	fs := flag.NewFlagSet("dashshot", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var cfg config
	fs.StringVar(&cfg.Dashboard, "dashboard", "deploy/monitoring/dashboard.json", "Grafana dashboard model to render")
	fs.StringVar(&cfg.Prometheus, "prometheus", "", "base URL of the Prometheus the Prometheus panels read")
	fs.StringVar(&cfg.Elasticsearch, "elasticsearch", os.Getenv("FAREPIPE_ES_URL"), "base URL of the Elasticsearch the fare panel reads (default $FAREPIPE_ES_URL)")
	prefix := os.Getenv("FAREPIPE_INDEX_PREFIX")
	if prefix == "" {
		prefix = "farepipe"
	}
	fs.StringVar(&cfg.IndexPrefix, "index-prefix", prefix, "prefix of farepipe's index names, as farepipe's --index-prefix (default $FAREPIPE_INDEX_PREFIX or farepipe)")
	fs.StringVar(&cfg.Origin, "origin", "", "value of the $origin variable (default the dashboard's)")
	fs.StringVar(&cfg.Destination, "destination", "", "value of the $destination variable (default the dashboard's)")
	fs.StringVar(&cfg.From, "from", "", "start of the time range: now-<duration> (7d, 90m) or RFC 3339 (default the dashboard's)")
	fs.StringVar(&cfg.To, "to", "", "end of the time range, as --from (default the dashboard's)")
	fs.StringVar(&cfg.Since, "since", "", "time range of this length ending at --to, instead of --from (1h, 2d)")
	fs.StringVar(&cfg.FaresFrom, "fares-from", "", "start of the time range of the Elasticsearch panels, as --from (default --from)")
	fs.StringVar(&cfg.FaresTo, "fares-to", "", "end of the time range of the Elasticsearch panels, as --from (default --to)")
	fs.StringVar(&cfg.Out, "out", "dashboard.png", "PNG file to write")
	fs.IntVar(&cfg.Width, "width", 1600, "width of the PNG in pixels; the height follows the dashboard's grid")
	fs.DurationVar(&cfg.Scrape, "scrape-interval", 15*time.Second, "scrape interval of the Prometheus, for $__rate_interval and the finest step")
	fs.DurationVar(&cfg.Timeout, "timeout", 30*time.Second, "time allowed to each query")
	fs.StringVar(&cfg.RequireData, "require-data", "", "panels that must draw data, by id, comma-separated, or all: a panel without data is then an error")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return cfg, err
		}
		return cfg, usageError{err}
	}
	if fs.NArg() > 0 {
		return cfg, usageError{fmt.Errorf("unexpected arguments %q", fs.Args())}
	}
	if cfg.Out == "" {
		return cfg, usageError{errors.New("--out: want a file name")}
	}
	if cfg.Width < 480 {
		return cfg, usageError{fmt.Errorf("--width %d: want at least 480 pixels", cfg.Width)}
	}
	if cfg.Scrape <= 0 || cfg.Timeout <= 0 {
		return cfg, usageError{errors.New("--scrape-interval and --timeout: want positive durations")}
	}
	if cfg.Since != "" && cfg.From != "" {
		return cfg, usageError{errors.New("--since and --from: give one")}
	}
	if _, err := cfg.required(); err != nil {
		return cfg, usageError{err}
	}
	return cfg, nil
}

// required returns the ids --require-data names; nil means all.
func (cfg config) required() (map[int]bool, error) {
	if cfg.RequireData == "all" {
		return nil, nil
	}
	ids := map[int]bool{}
	for _, s := range strings.Split(cfg.RequireData, ",") {
		if s = strings.TrimSpace(s); s == "" {
			continue
		}
		id, err := strconv.Atoi(s)
		if err != nil {
			return nil, fmt.Errorf("--require-data %q: want panel ids, comma-separated, or all", cfg.RequireData)
		}
		ids[id] = true
	}
	return ids, nil
}
