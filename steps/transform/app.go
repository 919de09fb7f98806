package main

import (
	"errors"
	"fmt"
	"os"

	"github.com/urfave/cli/v2"

	"github.com/farepipe/farepipe/internal/objstore"
	"github.com/farepipe/farepipe/internal/step"
	"github.com/farepipe/farepipe/internal/transform"
)

func app() *cli.App {
	flags := append([]cli.Flag{
		&cli.StringFlag{Name: "in", Required: true, EnvVars: []string{"FAREPIPE_IN"},
			Usage: "raw object to transform: s3://bucket/key or file://path"},
		&cli.StringFlag{Name: "curated", EnvVars: []string{"FAREPIPE_CURATED"},
			Usage: "where to write the observations (default: the input's key under curated/)"},
		&cli.StringFlag{Name: "quarantine", EnvVars: []string{"FAREPIPE_QUARANTINE"},
			Usage: "where to write rejected records (default: the input's key under quarantine/)"},
	}, step.S3Flags()...)
	return step.NewApp("transform", "turn a raw object of provider responses into fare observations", flags, run)
}

func run(c *cli.Context) error {
	log, err := step.Logger(c, os.Stderr)
	if err != nil {
		return err
	}
	in, inKey, err := step.OpenInput(c, "in")
	if err != nil {
		return err
	}
	cur, curKey, err := step.OpenOutput(c, "curated", in, transform.OutputKey(inKey, transform.AreaRaw, transform.AreaCurated))
	if err != nil {
		return err
	}
	qua, quaKey, err := step.OpenOutput(c, "quarantine", in, transform.OutputKey(inKey, transform.AreaRaw, transform.AreaQuarantine))
	if err != nil {
		return err
	}

	res, err := transform.Object(c.Context, in, inKey, cur, curKey, qua, quaKey, transform.Options{
		Logger: log, ProgressEvery: 10000,
		Progress: func(s transform.Summary) { log.Info("progress", "lines", s.Lines, "bytes", s.Bytes) },
	})
	if err != nil {
		if errors.Is(err, objstore.ErrNotExist) {
			return step.Data(err)
		}
		return err
	}
	outputs := step.OutputsOf(c)
	if err := outputs.SetAll(map[string]string{
		"curated":      res.Curated,
		"quarantine":   res.Quarantine,
		"observations": fmt.Sprint(res.Observations),
		"rejected":     fmt.Sprint(res.Rejected()),
		"lines":        fmt.Sprint(res.Lines),
	}); err != nil {
		return err
	}
	log.Info("transformed", "in", in.URI(inKey), "curated", res.Curated, "quarantine", res.Quarantine,
		"lines", res.Lines, "envelopes", res.Envelopes, "offers", res.Offers, "observations", res.Observations,
		"rejected_lines", res.RejectedLines, "rejected_offers", res.RejectedOffers, "truncated", res.Truncated,
		"bytes", res.Bytes)
	fmt.Fprintln(c.App.Writer, res.Curated)
	if res.Empty() {
		return step.Data(fmt.Errorf("no record of %s could be processed: %d rejected, see %s",
			in.URI(inKey), res.Rejected(), res.Quarantine))
	}
	return nil
}
