package main

import (
	"time"

	"github.com/urfave/cli/v2"

	"github.com/farepipe/farepipe/internal/intake"
	"github.com/farepipe/farepipe/internal/step"
	"github.com/farepipe/farepipe/internal/transform"
)

// Flag names of how objects other than envelopes are read.
const (
	flagMapping    = "mapping"
	flagObservedAt = "observed-at"
)

func intakeFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: flagMapping, EnvVars: []string{"FAREPIPE_MAPPING"},
			Usage: "YAML mapping of fare rows (CSV or NDJSON) to fields, or a directory of them (*.yaml); " +
				"without one, fare rows are not recognised"},
		&cli.StringFlag{Name: flagObservedAt, EnvVars: []string{"FAREPIPE_OBSERVED_AT"},
			Usage: "instant of the prices of objects whose records carry none (plain answers, rows without observed_at), RFC 3339; " +
				"default: the instant in the object's key, else its Last-Modified"},
	}
}

// newIntake reads the flags of intakeFlags: the mappings are read and
// checked before any object is.
func newIntake(c *cli.Context) (transform.Intake, error) {
	var ik transform.Intake
	if v := c.String(flagObservedAt); v != "" {
		t, err := time.Parse(time.RFC3339Nano, v)
		if err != nil {
			return ik, step.Usagef("--%s %q: want an RFC 3339 instant such as 2026-11-21T06:00:00Z", flagObservedAt, v)
		}
		ik.ObservedAt = t.UTC()
	}
	if p := c.String(flagMapping); p != "" {
		maps, err := intake.LoadMappings(p)
		if err != nil {
			return ik, step.Usagef("--%s: %w", flagMapping, err)
		}
		ik.Mappings = maps
	}
	return ik, nil
}
