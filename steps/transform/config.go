package main

import (
	"log/slog"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/farepipe/farepipe/internal/objstore"
	"github.com/farepipe/farepipe/internal/step"
	"github.com/farepipe/farepipe/internal/transform"
)

// Flag names of the settings in config.
const flagAllowedBuckets = "allowed-buckets"

func configFlags() []cli.Flag {
	return append(step.TimeFlags("quarantine"),
		&cli.StringFlag{Name: flagAllowedBuckets, EnvVars: []string{"FAREPIPE_ALLOWED_BUCKETS"},
			Usage: "comma-separated buckets transform may read from; an input elsewhere is refused with exit code 3 (empty: any)"})
}

// newConfig reads and checks the flags every transform run shares: time
// bounds, intake and allowed buckets; the run fills in its objects. now is
// the clock observations are judged against. An empty time bound (an
// environment variable set to "") is its default.
func newConfig(c *cli.Context, log *slog.Logger, now func() time.Time) (transform.Config, error) {
	times, err := step.TimeBounds(c, now)
	if err != nil {
		return transform.Config{}, err
	}
	ik, err := step.Intake(c)
	if err != nil {
		return transform.Config{}, err
	}
	cfg := transform.Config{Options: transform.Options{
		Logger: log, Times: times, Intake: ik, ProgressEvery: 10000,
		Progress: func(s transform.Counts) { log.Info("progress", "lines", s.Lines, "bytes", s.Bytes) },
	}}
	for _, b := range strings.Split(c.String(flagAllowedBuckets), ",") {
		if b = strings.TrimSpace(b); b == "" {
			continue
		}
		if _, err := objstore.ParseURI("s3://" + b); err != nil {
			return transform.Config{}, step.Usagef("--%s: %w", flagAllowedBuckets, err)
		}
		cfg.Buckets = append(cfg.Buckets, b)
	}
	return cfg, nil
}
