package step

import (
	"time"

	"github.com/urfave/cli/v2"

	"github.com/farepipe/farepipe/internal/fare"
)

// Flag names of the time bounds.
const (
	FlagMaxClockSkew  = "max-clock-skew"
	FlagMinObservedAt = "min-observed-at"
)

// TimeFlags are the flags of the range of instants an observation may
// carry; what happens to one outside (quarantined, dead-lettered, dropped)
// is the step's to say in verb.
func TimeFlags(verb string) []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: FlagMaxClockSkew, Value: fare.DefaultMaxClockSkew.String(), EnvVars: []string{"FAREPIPE_MAX_CLOCK_SKEW"},
			Usage: verb + " observations made more than this after the clock (a Go duration)"},
		&cli.StringFlag{Name: FlagMinObservedAt, Value: fare.DefaultMinObservedAt.Format(time.RFC3339), EnvVars: []string{"FAREPIPE_MIN_OBSERVED_AT"},
			Usage: verb + " observations made before this instant (RFC 3339)"},
	}
}

// TimeBounds reads and checks the flags of TimeFlags; now is the clock
// observations are judged against. An empty flag (an environment variable
// set to "") takes its default.
func TimeBounds(c *cli.Context, now func() time.Time) (fare.TimeBounds, error) {
	b := fare.TimeBounds{Now: now}
	if v := c.String(FlagMaxClockSkew); v != "" {
		skew, err := time.ParseDuration(v)
		if err != nil || skew <= 0 {
			return b, Usagef("--%s %q: want a positive duration such as 10m", FlagMaxClockSkew, v)
		}
		b.MaxSkew = skew
	}
	if v := c.String(FlagMinObservedAt); v != "" {
		floor, err := time.Parse(time.RFC3339, v)
		if err != nil {
			return b, Usagef("--%s %q: want an RFC 3339 instant such as 2000-01-01T00:00:00Z", FlagMinObservedAt, v)
		}
		if !floor.Before(now()) {
			return b, Usagef("--%s %s is not in the past: every observation would be refused", FlagMinObservedAt, v)
		}
		b.Min = floor
	}
	return b, nil
}
