package transform

import (
	"context"
	"errors"
	"fmt"
)

// Total is what transforming several objects produced: the sum of their
// counts and where their outputs are.
type Total struct {
	Counts
	Objects    int      // objects tried
	Failed     int      // objects that ended with an error
	Empty      int      // objects stored without any record
	Curated    []string // URIs of the observations, one per object stored
	Quarantine []string // URIs of the rejections, of the objects with any
}

// RunAll transforms every object of cfgs in order (Run), each into its
// own outputs, and calls each, when set, with what every one produced. It
// tries them all: the error joins the objects' errors, each naming its
// object, so the exit code is retryable when any object's is
// (step.ExitCode). Only a cancelled ctx stops it early.
func RunAll(ctx context.Context, cfgs []Config, each func(Config, Summary, error)) (Total, error) {
	var tot Total
	var errs []error
	for _, cfg := range cfgs {
		if err := ctx.Err(); err != nil {
			errs = append(errs, err)
			break
		}
		tot.Objects++
		res, err := Run(ctx, cfg)
		if each != nil {
			each(cfg, res, err)
		}
		if err != nil {
			tot.Failed++
			errs = append(errs, fmt.Errorf("%s: %w", cfg.In.URI(cfg.InKey), err))
		}
		if res.Curated == "" {
			continue
		}
		if res.NoRecords() {
			tot.Empty++
		}
		tot.Curated = append(tot.Curated, res.Curated)
		if res.Quarantine != "" {
			tot.Quarantine = append(tot.Quarantine, res.Quarantine)
		}
		tot.add(res.Counts)
	}
	return tot, errors.Join(errs...)
}

// add adds the counts of o to s.
func (s *Counts) add(o Counts) {
	s.Lines += o.Lines
	s.Envelopes += o.Envelopes
	s.Rows += o.Rows
	s.Observations += o.Observations
	s.Offers += o.Offers
	s.RepeatedOffers += o.RepeatedOffers
	s.RejectedLines += o.RejectedLines
	s.RejectedOffers += o.RejectedOffers
	s.Truncated = s.Truncated || o.Truncated
	s.Bytes += o.Bytes
	s.EmptyAnswers += o.EmptyAnswers
	for code, n := range o.Warnings {
		if s.Warnings == nil {
			s.Warnings = map[string]int{}
		}
		s.Warnings[code] += n
	}
}
