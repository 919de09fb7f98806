package main

import (
	"fmt"
	"net"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/farepipe/farepipe/internal/api"
	"github.com/farepipe/farepipe/internal/query"
	"github.com/farepipe/farepipe/internal/step"
	"github.com/farepipe/farepipe/internal/ui"
)

func serveCommand() *cli.Command {
	flags := []cli.Flag{
		&cli.StringFlag{Name: "listen", Value: "127.0.0.1:8080", EnvVars: []string{"FAREPIPE_LISTEN"},
			Usage: "address to serve on, host:port (in a container: :8080)"},
		&cli.DurationFlag{Name: "request-timeout", Value: 10 * time.Second, EnvVars: []string{"FAREPIPE_REQUEST_TIMEOUT"},
			Usage: "longest time one request may take; longer ones are answered 504"},
		&cli.DurationFlag{Name: "shutdown-timeout", Value: 15 * time.Second, EnvVars: []string{"FAREPIPE_SHUTDOWN_TIMEOUT"},
			Usage: "on SIGTERM or SIGINT, how long requests in flight may take to finish"},
		&cli.BoolFlag{Name: "no-ui", EnvVars: []string{"FAREPIPE_NO_UI"},
			Usage: "serve the API only, without the fare calendar page at /"},
		&cli.StringFlag{Name: step.FlagLogLevel, Value: "info", EnvVars: []string{"FAREPIPE_LOG_LEVEL"},
			Usage: "log level: debug, info, warn or error"},
	}
	return &cli.Command{
		Name:  "serve",
		Usage: "serve the query API over HTTP (/v1/calendar, /v1/price-metrics, /v1/series/{id}/history, /openapi.json) and the fare calendar page at /",
		Description: "Serves until SIGTERM or SIGINT, then stops accepting connections and lets the requests in flight\n" +
			"finish. /healthz answers while serving, /readyz while Elasticsearch answers, /metrics for Prometheus.",
		Flags:  append(flags, step.ESFlags()...),
		Action: serve,
	}
}

func serve(c *cli.Context) error {
	log, err := step.Logger(c, c.App.ErrWriter)
	if err != nil {
		return err
	}
	prefix, err := step.IndexPrefix(c)
	if err != nil {
		return err
	}
	for _, f := range []string{"request-timeout", "shutdown-timeout"} {
		if c.Duration(f) <= 0 {
			return step.Usagef("--%s %s: want a positive duration", f, c.Duration(f))
		}
	}
	addr := c.String("listen")
	if _, _, err := net.SplitHostPort(addr); err != nil {
		return step.Usagef("--listen %q: want host:port, such as 127.0.0.1:8080 or :8080", addr)
	}
	es, err := step.ESClient(c)
	if err != nil {
		return err
	}
	opts := api.Options{
		Backend:        &query.Client{ES: es, Prefix: prefix},
		Logger:         log,
		RequestTimeout: c.Duration("request-timeout"),
	}
	if !c.Bool("no-ui") {
		opts.UI = ui.Handler()
	}
	h, err := api.New(opts)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listening on %s: %w", addr, err)
	}
	url := "http://" + ln.Addr().String()
	log.Info("serving", "url", url, "index_prefix", prefix)
	fmt.Fprintf(c.App.Writer, "serving the farepipe API on %s\n", url)
	if err := api.Serve(c.Context, api.NewServer(h, c.Duration("request-timeout")), ln, c.Duration("shutdown-timeout")); err != nil {
		return err
	}
	log.Info("stopped")
	return nil
}
