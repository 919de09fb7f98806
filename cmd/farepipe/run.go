package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"github.com/elastic/go-elasticsearch/v8"
	"github.com/urfave/cli/v2"

	"github.com/farepipe/farepipe/internal/esindex"
	"github.com/farepipe/farepipe/internal/fare"
	"github.com/farepipe/farepipe/internal/fetch"
	"github.com/farepipe/farepipe/internal/index"
	"github.com/farepipe/farepipe/internal/intake"
	"github.com/farepipe/farepipe/internal/land"
	"github.com/farepipe/farepipe/internal/objstore"
	"github.com/farepipe/farepipe/internal/step"
	"github.com/farepipe/farepipe/internal/transform"
)

func runCommand() *cli.Command {
	flags := []cli.Flag{
		&cli.StringFlag{Name: "bucket", Value: "farepipe", EnvVars: []string{"FAREPIPE_BUCKET"},
			Usage: "S3 bucket to land raw, curated and quarantine objects in"},
		&cli.StringFlag{Name: "dir", EnvVars: []string{"FAREPIPE_DIR"},
			Usage: "land into this local directory instead of S3"},
		&cli.StringFlag{Name: "prefix", EnvVars: []string{"FAREPIPE_PREFIX"},
			Usage: "key prefix in the bucket or directory, before raw/, curated/ and quarantine/"},
		&cli.StringFlag{Name: "run", EnvVars: []string{"FAREPIPE_RUN"}, Usage: "run name kept in object metadata"},
	}
	flags = append(flags, step.ProviderFlags()...)
	flags = append(flags, step.PlanFlags()...)
	flags = append(flags, step.S3Flags()...)
	flags = append(flags, step.ESFlags()...)
	flags = append(flags, step.LogFlags()...)
	return &cli.Command{
		Name:   "run",
		Usage:  "run the whole pipeline once: fetch, land, transform, index",
		Flags:  flags,
		Action: runPipeline,
	}
}

func runPipeline(c *cli.Context) error {
	log, err := step.Logger(c, os.Stderr)
	if err != nil {
		return err
	}
	out := c.App.Writer
	observedAt, err := step.ObservedAt(c)
	if err != nil {
		return err
	}
	p, err := step.Plan(c, observedAt)
	if err != nil {
		return err
	}
	prov, err := step.Provider(c, observedAt)
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
	store, err := openStore(c)
	if err != nil {
		return err
	}

	// fetch
	start := time.Now()
	batch, err := objstore.NewSpool("batch")
	if err != nil {
		return err
	}
	defer batch.Close()
	fs, err := fetch.Run(c.Context, fetch.Config{Provider: prov, Searches: p.Searches(), Logger: log, Writer: batch})
	if fs.Planned > 0 {
		fmt.Fprintf(out, "fetch      %d searches: %d answered, %d refused, %d failed (%s, %s)\n",
			fs.Planned, fs.Fetched, fs.Refused, fs.Failed, prov.Name(), since(start))
	}
	if err != nil {
		return err
	}

	// land
	start = time.Now()
	section, err := batch.Section()
	if err != nil {
		return err
	}
	ls, err := land.Run(c.Context, land.Config{To: store, Prefix: c.String("prefix"), Reader: section,
		Meta: land.Meta{Run: c.String("run")}, Logger: log})
	if err != nil {
		return err
	}
	lr := ls.Results[0]
	state := "uploaded"
	if lr.Skipped {
		state = "already there"
	}
	fmt.Fprintf(out, "land       %s (%d bytes, %s, %s)\n", lr.URI, lr.Size, state, since(start))

	return ingestObject(c, log, es, prefix, store, lr.Key, transform.Intake{})
}

// ingestObject transforms the raw object under key of store, then indexes
// its observations, as farepipe-ingest does, and prints what each step
// did.
func ingestObject(c *cli.Context, log *slog.Logger, es *elasticsearch.Client, prefix string, store objstore.Store, key string, ik transform.Intake) error {
	out := c.App.Writer
	start := time.Now()
	tr, err := transform.Run(c.Context, transform.Config{In: store, InKey: key,
		Options: transform.Options{Logger: log, Intake: ik}})
	if tr.Curated == "" { // nothing was stored
		return err
	}
	switch tr.Format {
	case intake.Envelopes:
		fmt.Fprintf(out, "transform  %d envelopes, %d offers -> %d observations, %d rejected (%s)\n",
			tr.Envelopes, tr.Offers, tr.Observations, tr.Rejected(), since(start))
	case intake.Answers:
		fmt.Fprintf(out, "transform  %d answers, %d offers -> %d observations, %d rejected (%s)\n",
			tr.Envelopes, tr.Offers, tr.Observations, tr.Rejected(), since(start))
	case intake.Rows:
		fmt.Fprintf(out, "transform  %d fare rows (mapping %s) -> %d observations, %d rejected (%s)\n",
			tr.Lines, tr.Mapping, tr.Observations, tr.Rejected(), since(start))
	default:
		fmt.Fprintf(out, "transform  no format transform reads (%s)\n", since(start))
	}
	if !tr.Instant.At.IsZero() {
		fmt.Fprintf(out, "           observed at %s (%s)\n", fare.FormatTime(tr.Instant.At), tr.Instant.From)
	}
	if tr.EmptyAnswers > 0 {
		fmt.Fprintf(out, "           %d answers without offers (warnings %s)\n", tr.EmptyAnswers, tr.WarningText())
	}
	if tr.Quarantine != "" {
		fmt.Fprintf(out, "           quarantine: %s\n", tr.Quarantine)
	}
	if err != nil {
		return err
	}

	return indexObject(c.Context, out, log, es, prefix, store, transform.OutputKey(key, transform.AreaRaw, transform.AreaCurated))
}

// indexObject indexes the curated object under key of store as the index
// step does: the records rejected for good go to the dead-letter object of
// the same key rule, in the same store, and the run ends with the same
// exit code. It prints what it did to out.
func indexObject(ctx context.Context, out io.Writer, log *slog.Logger, es *elasticsearch.Client, prefix string, store objstore.Store, key string) error {
	start := time.Now()
	is, err := index.Run(ctx, index.Config{ES: es, In: store, InKey: key, Prefix: prefix,
		ChunkSize: index.DefaultChunkSize, MaxRetries: index.DefaultMaxRetries, Refresh: true, Logger: log})
	if is.In == "" { // the object was not indexed to its end
		return err
	}
	fmt.Fprintf(out, "index      %d observations: %d new change points, %d unchanged, %d duplicate, %d rejected, %d failed (%s)\n",
		is.Read, is.Count(esindex.Created), is.Count(esindex.Unchanged), is.Count(esindex.Duplicate),
		is.Count(esindex.DeadLettered), is.Count(esindex.Failed), since(start))
	fmt.Fprintf(out, "           %d series updated in %s\n", is.Latest, esindex.LatestIndex(prefix))
	if is.DeadLetter != "" {
		fmt.Fprintf(out, "           dead letters: %s\n", is.DeadLetter)
	}
	return err
}

// openStore opens the --dir directory or the --bucket bucket.
func openStore(c *cli.Context) (objstore.Store, error) {
	if dir := c.String("dir"); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, step.Usagef("--dir: %w", err)
		}
		return objstore.NewDir(dir), nil
	}
	cfg := step.S3Config(c)
	cfg.Bucket = c.String("bucket")
	st, err := objstore.NewS3(c.Context, cfg)
	if err != nil {
		return nil, step.Usage(err)
	}
	return st, nil
}

func since(t time.Time) string { return time.Since(t).Round(time.Millisecond).String() }
