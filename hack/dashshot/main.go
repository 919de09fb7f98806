// Command dashshot renders the time series panels of a Grafana dashboard
// (deploy/monitoring/dashboard.json) into one PNG from the data they
// read, without Grafana: it sends each Prometheus panel's queries to
// /api/v1/query_range, translates the Elasticsearch panel's target
// (query string, metrics, date histogram) into the search Grafana would
// send, and draws the panels in the dashboard's grid with their titles,
// time axes and legends.
//
//	go run ./hack/dashshot --prometheus http://127.0.0.1:9090 \
//	    --elasticsearch http://127.0.0.1:19200 --since 1h --out dashboard.png
//
// It prints a line per panel with the series and points it drew. A query
// that fails ends it with exit code 1; a panel without data is drawn
// with "no data", and is an error only when --require-data names it.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	var usage usageError
	switch {
	case errors.Is(err, flag.ErrHelp):
	case errors.As(err, &usage):
		fmt.Fprintln(os.Stderr, "dashshot:", err)
		os.Exit(2)
	case err != nil:
		fmt.Fprintln(os.Stderr, "dashshot:", err)
		os.Exit(1)
	}
}

// usageError is a flag or dashboard the command cannot work with: exit
// code 2.
type usageError struct{ error }

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	d, err := loadDashboard(cfg.Dashboard)
	if err != nil {
		return usageError{fmt.Errorf("reading the dashboard: %w", err)}
	}
	shot, err := cfg.plan(d)
	if err != nil {
		return usageError{err}
	}
	drawings, err := shot.query(ctx, d, stdout)
	if err != nil {
		return err
	}
	f, err := os.Create(cfg.Out)
	if err != nil {
		return err
	}
	if err := render(f, shot.header(d), drawings, cfg.Width); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %s\n", cfg.Out)
	return shot.checkRequired(drawings)
}
