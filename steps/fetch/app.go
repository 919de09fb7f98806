package main

import (
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/farepipe/farepipe/internal/fetch"
	"github.com/farepipe/farepipe/internal/ndjson"
	"github.com/farepipe/farepipe/internal/objstore"
	"github.com/farepipe/farepipe/internal/plan"
	"github.com/farepipe/farepipe/internal/step"
)

func app() *cli.App {
	flags := []cli.Flag{
		&cli.StringFlag{Name: "out", Value: "-", EnvVars: []string{"FAREPIPE_OUT"},
			Usage: "where to write the batch: s3://bucket/key, file://path or - for stdout"},
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
	base, err := step.Provider(c, observedAt)
	if err != nil {
		return err
	}
	prov := fetch.WatchAccess(base)
	if c.Int("concurrency") < 1 {
		return step.Usagef("--concurrency must be at least 1")
	}
	shard, err := plan.ParseShard(c.String("shard"))
	if err != nil {
		return step.Usage(fmt.Errorf("--shard: %w", err))
	}
	var out objstore.Store
	var outKey string
	if c.String("out") != "-" {
		if out, outKey, err = step.OpenInput(c, "out"); err != nil {
			return err
		}
	}
	var ckStore objstore.Store
	var ckKey string
	ck := fetch.NewCheckpoint()
	if c.String("checkpoint") != "" {
		if ckStore, ckKey, err = step.OpenInput(c, "checkpoint"); err != nil {
			return err
		}
		if ck, err = loadCheckpoint(c, ckStore, ckKey); err != nil {
			return err
		}
	}

	spool, err := objstore.NewSpool("batch")
	if err != nil {
		return err
	}
	defer spool.Close()
	w := ndjson.NewWriter(spool)
	searches := shard.Of(p.Searches())
	log.Info("fetching", "provider", prov.Name(), "searches", len(searches), "shard", shard.String(), "observed_at", observedAt)
	sum, err := fetch.Run(c.Context, fetch.Config{
		Provider: prov, Searches: searches, Concurrency: c.Int("concurrency"),
		Checkpoint: ck, TTL: c.Duration("ttl"), Logger: log, ProgressEvery: 100,
		Progress: func(s fetch.Summary) {
			log.Info("progress", "done", s.Fetched+s.Refused+s.Fresh+s.Failed+s.Invalid+s.OverBudget, "of", s.Planned)
		},
	}, w)
	if err != nil {
		return err
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("closing batch: %w", err)
	}

	outURI := "-"
	if out == nil {
		if err := spool.CopyTo(c.App.Writer); err != nil {
			return fmt.Errorf("writing batch to stdout: %w", err)
		}
	} else {
		meta := map[string]string{"source": prov.Name(), "records": fmt.Sprint(w.Lines()),
			"observed-at": observedAt.Format(time.RFC3339)}
		if err := spool.PutTo(c.Context, out, outKey, meta); err != nil {
			return err
		}
		outURI = out.URI(outKey)
	}
	if ckStore != nil {
		if err := saveCheckpoint(c, ckStore, ckKey, ck); err != nil {
			return err
		}
	}

	if err := step.OutputsOf(c).SetAll(map[string]string{
		"batch": outURI, "planned": fmt.Sprint(sum.Planned), "written": fmt.Sprint(sum.Written()),
		"failed": fmt.Sprint(sum.Failed), "fresh": fmt.Sprint(sum.Fresh), "over-budget": fmt.Sprint(sum.OverBudget),
	}); err != nil {
		return err
	}
	log.Info("fetched", "provider", prov.Name(), "batch", outURI, "planned", sum.Planned, "fetched", sum.Fetched,
		"refused", sum.Refused, "fresh", sum.Fresh, "failed", sum.Failed, "invalid", sum.Invalid,
		"over_budget", sum.OverBudget, "bytes", w.Bytes())
	if out != nil {
		fmt.Fprintln(c.App.Writer, outURI)
	}
	return prov.Outcome(sum)
}

func loadCheckpoint(c *cli.Context, st objstore.Store, key string) (*fetch.Checkpoint, error) {
	body, _, err := st.Get(c.Context, key)
	if errors.Is(err, objstore.ErrNotExist) {
		return fetch.NewCheckpoint(), nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading checkpoint %s: %w", st.URI(key), err)
	}
	defer body.Close()
	ck, err := fetch.ReadCheckpoint(body)
	if err != nil {
		return nil, fmt.Errorf("checkpoint %s: %w", st.URI(key), err)
	}
	return ck, nil
}

func saveCheckpoint(c *cli.Context, st objstore.Store, key string, ck *fetch.Checkpoint) error {
	spool, err := objstore.NewSpool("checkpoint")
	if err != nil {
		return err
	}
	defer spool.Close()
	if err := ck.Write(spool); err != nil {
		return fmt.Errorf("encoding checkpoint: %w", err)
	}
	return spool.PutTo(c.Context, st, key, nil)
}
