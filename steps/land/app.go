package main

import (
	"fmt"
	"os"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/farepipe/farepipe/internal/land"
	"github.com/farepipe/farepipe/internal/step"
)

func app() *cli.App {
	flags := []cli.Flag{
		&cli.StringFlag{Name: "in", Value: "-", EnvVars: []string{"FAREPIPE_IN"},
			Usage: "batch to land: a file, a directory of *.ndjson[.gz] files, an s3:// or file:// object, or - for stdin"},
		&cli.BoolFlag{Name: "drain", EnvVars: []string{"FAREPIPE_DRAIN"},
			Usage: "--in is an s3:// or file:// prefix: land every batch under it (as fetch --stage stores them), emptying each once landed; an empty prefix lands nothing"},
		&cli.StringFlag{Name: "to", Required: true, EnvVars: []string{"FAREPIPE_TO"},
			Usage: "destination: s3://bucket[/prefix] or file://dir[/prefix]"},
		&cli.StringFlag{Name: "source", EnvVars: []string{"FAREPIPE_SOURCE"},
			Usage: "source partition (default: the provider named in the batch)"},
		&cli.StringFlag{Name: "run", EnvVars: []string{"FAREPIPE_RUN", "ARGO_WORKFLOW_NAME"},
			Usage: "run name kept in object metadata for tracing"},
	}
	flags = append(flags, step.S3Flags()...)
	return step.NewApp("land", "upload raw batches under partitioned, idempotent keys", flags, run)
}

func run(c *cli.Context) error {
	log, err := step.Logger(c, os.Stderr)
	if err != nil {
		return err
	}
	dst, prefix, err := step.OpenInput(c, "to")
	if err != nil {
		return err
	}
	cfg := land.Config{To: dst, Prefix: prefix, Logger: log,
		Meta: land.Meta{Source: c.String("source"), Run: c.String("run")}}
	switch in := c.String("in"); {
	case c.Bool("drain") && !strings.Contains(in, "://"):
		return step.Usagef("--drain: --in must be an s3:// or file:// prefix, got %q", in)
	case c.Bool("drain"):
		if cfg.From, cfg.FromPrefix, err = step.OpenInput(c, "in"); err != nil {
			return err
		}
	case strings.Contains(in, "://"):
		if cfg.From, cfg.FromKey, err = step.OpenInput(c, "in"); err != nil {
			return err
		}
	case in == "-":
		cfg.Reader = os.Stdin
	default:
		cfg.Path = in
	}
	if err := cfg.Validate(); err != nil { // the destination is open: what is wrong is --in
		return fmt.Errorf("--in: %w", err)
	}
	sum, err := land.Run(c.Context, cfg)
	if err != nil {
		return err
	}

	var uris []string
	for _, r := range sum.Results {
		uris = append(uris, r.URI)
		log.Info("landed", "uri", r.URI, "size", r.Size, "records", r.Records, "sha256", r.SHA256, "skipped", r.Skipped)
		fmt.Fprintln(c.App.Writer, r.URI)
	}
	return step.OutputsOf(c).SetAll(map[string]string{
		"uris": strings.Join(uris, "\n"), "count": fmt.Sprint(len(sum.Results)), "skipped": fmt.Sprint(sum.Skipped()),
	})
}
