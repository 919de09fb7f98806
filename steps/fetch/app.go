package main

import (
	"fmt"
	"os"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/farepipe/farepipe/internal/fetch"
	"github.com/farepipe/farepipe/internal/land"
	"github.com/farepipe/farepipe/internal/plan"
	"github.com/farepipe/farepipe/internal/step"
)

func app() *cli.App {
	flags := []cli.Flag{
		&cli.StringFlag{Name: "out", Value: "-", EnvVars: []string{"FAREPIPE_OUT"},
			Usage: "where to write the batch: s3://bucket/key, file://path or - for stdout"},
		&cli.StringFlag{Name: "stage", EnvVars: []string{"FAREPIPE_STAGE"},
			Usage: "instead of --out: store the answers as parts under this prefix (s3:// or file://) as they come, for land --drain; a search is checkpointed once its part is stored"},
		&cli.IntFlag{Name: "part-searches", Value: 500, EnvVars: []string{"FAREPIPE_PART_SEARCHES"},
			Usage: "with --stage: store a part every this many answers (0: one part at the end)"},
		&cli.StringFlag{Name: "checkpoint", EnvVars: []string{"FAREPIPE_CHECKPOINT"},
			Usage: "checkpoint object (s3:// or file://) remembering when each search was answered"},
		&cli.DurationFlag{Name: "ttl", EnvVars: []string{"FAREPIPE_TTL"},
			Usage: "skip searches the checkpoint says were answered less than this ago (e.g. 6h)"},
		&cli.IntFlag{Name: "concurrency", Value: 2, EnvVars: []string{"FAREPIPE_CONCURRENCY"},
			Usage: "searches in flight at once"},
		&cli.StringFlag{Name: "shard", Value: "0/1", EnvVars: []string{"FAREPIPE_SHARD"},
			Usage: "fetch only slice i of N of the plan (i/N, 0-based): the N shards take each search exactly once, the same on every run"},
	}
	flags = append(flags, step.PlanFlags()...)
	flags = append(flags, step.ProviderFlags()...)
	flags = append(flags, step.RunShareFlags()...)
	flags = append(flags, step.S3Flags()...)
	return step.NewApp("fetch", "query a fare provider with a search plan and write a raw batch", flags, run)
}

func run(c *cli.Context) error {
	log, err := step.Logger(c, os.Stderr)
	if err != nil {
		return err
	}
	observedAt, err := step.ObservedAt(c)
	if err != nil {
		return err
	}
	p, err := step.Plan(c, observedAt)
	if err != nil {
		return err
	}
	shard, err := plan.ParseShard(c.String("shard"))
	if err != nil {
		return step.Usagef("--shard: %w", err)
	}
	prov, err := step.ShardProvider(c, observedAt, shard)
	if err != nil {
		return err
	}
	if c.Int("concurrency") < 1 {
		return step.Usagef("--concurrency must be at least 1")
	}
	if c.Int("part-searches") < 0 {
		return step.Usagef("--part-searches must be at least 0")
	}
	cfg := fetch.Config{
		Provider: prov, Searches: shard.Of(p.Searches()), Concurrency: c.Int("concurrency"),
		TTL: c.Duration("ttl"), Logger: log, ProgressEvery: 100,
		Progress: func(s fetch.Summary) {
			log.Info("progress", "done", s.Fetched+s.Refused+s.Fresh+s.Failed+s.Invalid+s.OverBudget, "of", s.Planned)
		},
		Meta:   map[string]string{"observed-at": observedAt.Format(time.RFC3339)},
		Writer: c.App.Writer,
	}
	switch {
	case c.String("stage") != "" && c.IsSet("out"):
		return step.Usagef("--stage and --out cannot be used together")
	case c.String("stage") != "":
		if cfg.Out, cfg.OutPrefix, err = step.OpenInput(c, "stage"); err != nil {
			return err
		}
		cfg.PartSearches = c.Int("part-searches")
	case c.String("out") != "-":
		if cfg.Out, cfg.OutKey, err = step.OpenInput(c, "out"); err != nil {
			return err
		}
	}
	if c.String("checkpoint") != "" {
		if cfg.CheckpointStore, cfg.CheckpointKey, err = step.OpenInput(c, "checkpoint"); err != nil {
			return err
		}
	}

	log.Info("fetching", "provider", prov.Name(), "searches", len(cfg.Searches), "shard", shard.String(), "observed_at", observedAt)
	sum, err := fetch.Run(c.Context, cfg)
	if sum.Planned == 0 && err != nil { // refused before any search
		return err
	}
	batch := sum.Batch
	if cfg.Out == nil {
		batch = "-"
	}
	// Parts wait under the prefix: this run's, and any a stopped run left.
	staged := sum.Parts
	if cfg.OutPrefix != "" {
		keys, lerr := land.Staged(c.Context, cfg.Out, fetch.StagePrefix(cfg.OutPrefix))
		if lerr != nil && err == nil {
			err = lerr
		}
		staged = len(keys)
	}
	if oerr := step.OutputsOf(c).SetAll(map[string]string{
		"batch": batch, "planned": fmt.Sprint(sum.Planned), "written": fmt.Sprint(sum.Written()),
		"failed": fmt.Sprint(sum.Failed), "fresh": fmt.Sprint(sum.Fresh), "over-budget": fmt.Sprint(sum.OverBudget),
		"staged": fmt.Sprint(staged),
	}); oerr != nil {
		return oerr
	}
	log.Info("fetched", "provider", prov.Name(), "batch", batch, "planned", sum.Planned, "fetched", sum.Fetched,
		"refused", sum.Refused, "fresh", sum.Fresh, "failed", sum.Failed, "invalid", sum.Invalid,
		"over_budget", sum.OverBudget, "bytes", sum.Bytes, "parts", sum.Parts, "staged", staged)
	if sum.Batch != "" {
		fmt.Fprintln(c.App.Writer, sum.Batch)
	}
	return err
}
