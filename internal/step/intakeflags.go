package step

import (
	"time"

	"github.com/urfave/cli/v2"

	"github.com/farepipe/farepipe/internal/intake"
	"github.com/farepipe/farepipe/internal/transform"
)

// Flag names of how objects other than envelopes are read.
const (
	FlagMapping    = "mapping"
	FlagObservedAt = "observed-at"
)

// IntakeFlags are the flags of how transform reads objects of other
// producers: plain answers and fare rows.
func IntakeFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: FlagMapping, EnvVars: []string{"FAREPIPE_MAPPING"},
			Usage: "YAML mapping of fare rows (CSV or NDJSON) to fields, or a directory of them (*.yaml); " +
				"without one, fare rows are not recognised"},
		&cli.StringFlag{Name: FlagObservedAt, EnvVars: []string{"FAREPIPE_OBSERVED_AT"},
			Usage: "instant of the prices of objects whose records carry none (plain answers, rows without observed_at), RFC 3339; " +
				"default: the instant in the object's key, else its Last-Modified"},
	}
}

// Intake reads the flags of IntakeFlags: the mappings are read and
// checked before any object is.
func Intake(c *cli.Context) (transform.Intake, error) {
	var ik transform.Intake
	if v := c.String(FlagObservedAt); v != "" {
		t, err := time.Parse(time.RFC3339Nano, v)
		if err != nil {
			return ik, Usagef("--%s %q: want an RFC 3339 instant such as 2026-11-21T06:00:00Z", FlagObservedAt, v)
		}
		ik.ObservedAt = t.UTC()
	}
	if p := c.String(FlagMapping); p != "" {
		maps, err := intake.LoadMappings(p)
		if err != nil {
			return ik, Usagef("--%s: %w", FlagMapping, err)
		}
		ik.Mappings = maps
	}
	return ik, nil
}
