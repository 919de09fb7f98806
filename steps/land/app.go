package main

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/farepipe/farepipe/internal/fetch"
	"github.com/farepipe/farepipe/internal/land"
	"github.com/farepipe/farepipe/internal/step"
)

func app() *cli.App {
	flags := []cli.Flag{
		&cli.StringFlag{Name: "in", Value: "-", EnvVars: []string{"FAREPIPE_IN"},
			Usage: "batch to land: a file, a directory of *.ndjson[.gz] files, an s3:// or file:// object, or - for stdin"},
		&cli.BoolFlag{Name: "drain", EnvVars: []string{"FAREPIPE_DRAIN"},
			Usage: "--in is an s3:// or file:// prefix: land every batch under it (as fetch --stage stores them), deleting each once landed and setting aside under quarantine/ each one refused; an empty prefix lands nothing"},
		&cli.StringFlag{Name: "checkpoint", EnvVars: []string{"FAREPIPE_CHECKPOINT"},
			Usage: "with --drain: the checkpoint (s3:// or file://) of the fetch that staged the batches, where the searches of each are marked answered before it is deleted"},
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
	case c.String("checkpoint") != "" && !c.Bool("drain"):
		return step.Usagef("--checkpoint: only with --drain")
	case c.Bool("drain") && !strings.Contains(in, "://"):
		return step.Usagef("--drain: --in must be an s3:// or file:// prefix, got %q", in)
	case c.Bool("drain"):
		if cfg.From, cfg.FromPrefix, err = step.OpenInput(c, "in"); err != nil {
			return err
		}
		if c.String("checkpoint") != "" {
			ck, key, err := step.OpenInput(c, "checkpoint")
			if err != nil {
				return err
			}
			cfg.Landed = func(ctx context.Context, parts []string) error { return fetch.MarkLanded(ctx, ck, key, parts) }
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
	// A drain that set batches aside landed the others: they are
	// reported, and the error names the ones set aside.
	sum, err := land.Run(c.Context, cfg)
	var uris []string
	for _, r := range sum.Results {
		uris = append(uris, r.URI)
		log.Info("landed", "uri", r.URI, "size", r.Size, "records", r.Records, "sha256", r.SHA256, "skipped", r.Skipped)
		fmt.Fprintln(c.App.Writer, r.URI)
	}
	if err != nil {
		return err
	}
	return step.OutputsOf(c).SetAll(map[string]string{
		"uris": strings.Join(uris, "\n"), "count": fmt.Sprint(len(sum.Results)), "skipped": fmt.Sprint(sum.Skipped()),
	})
}
