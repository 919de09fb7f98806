package main

import (
	"os"

	"github.com/urfave/cli/v2"

	"github.com/farepipe/farepipe/internal/step"
)

func ingestCommand() *cli.Command {
	flags := []cli.Flag{
		&cli.StringFlag{Name: "in", EnvVars: []string{"FAREPIPE_IN"}, Required: true,
			Usage: "raw object: s3://bucket/key or file://path (farepipe envelopes, a plain Amadeus answer, or fare rows with --mapping)"},
	}
	flags = append(flags, step.IntakeFlags()...)
	flags = append(flags, step.S3Flags()...)
	flags = append(flags, step.ESFlags()...)
	flags = append(flags, step.LogFlags()...)
	return &cli.Command{
		Name:   "ingest",
		Usage:  "transform and index one raw object of any format transform reads, as farepipe-ingest does",
		Flags:  flags,
		Action: ingest,
	}
}

func ingest(c *cli.Context) error {
	log, err := step.Logger(c, os.Stderr)
	if err != nil {
		return err
	}
	ik, err := step.Intake(c)
	if err != nil {
		return err
	}
	prefix, err := step.IndexPrefix(c)
	if err != nil {
		return err
	}
	es, err := step.ESClient(c)
	if err != nil {
		return err
	}
	store, key, err := step.OpenInput(c, "in")
	if err != nil {
		return err
	}
	return ingestObject(c, log, es, prefix, store, key, ik)
}
