package main

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/farepipe/farepipe/internal/fare"
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

// config holds the settings of transform beyond its input, checked before
// any I/O.
type config struct {
	times   fare.TimeBounds
	buckets []string         // allowed buckets; none: any
	intake  transform.Intake // how to read objects that are not envelopes
}

// newConfig reads and checks the flags of config; now is the clock
// observations are judged against. An empty time bound (an environment
// variable set to "") is its default.
func newConfig(c *cli.Context, now func() time.Time) (config, error) {
	times, err := step.TimeBounds(c, now)
	if err != nil {
		return config{}, err
	}
	cfg := config{times: times}
	if cfg.intake, err = step.Intake(c); err != nil {
		return config{}, err
	}
	for _, b := range strings.Split(c.String(flagAllowedBuckets), ",") {
		if b = strings.TrimSpace(b); b == "" {
			continue
		}
		if _, err := objstore.ParseURI("s3://" + b); err != nil {
			return config{}, step.Usagef("--%s: %w", flagAllowedBuckets, err)
		}
		cfg.buckets = append(cfg.buckets, b)
	}
	return cfg, nil
}

// checkInput returns a data error (fault.Data) when the object or prefix u may not be
// read as raw input: it lies in a bucket not allowed, or under an area
// farepipe writes its outputs to.
func (cfg config) checkInput(u objstore.URI) error {
	if u.Scheme == "s3" && len(cfg.buckets) > 0 && !slices.Contains(cfg.buckets, u.Bucket) {
		return step.Data(fmt.Errorf("%s: bucket %q is not among --%s (%s)", u, u.Bucket, flagAllowedBuckets, strings.Join(cfg.buckets, ",")))
	}
	if err := transform.CheckInputKey(u.Key); err != nil {
		return fmt.Errorf("%s: %w", u, err)
	}
	return nil
}
