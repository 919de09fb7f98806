package main

import (
	"encoding/json"
	"fmt"
	"os"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/farepipe/farepipe/internal/esindex"
	"github.com/farepipe/farepipe/internal/step"
	"github.com/farepipe/farepipe/internal/transform"
)

func app() *cli.App {
	flags := []cli.Flag{
		&cli.StringFlag{Name: "in", Required: true, EnvVars: []string{"FAREPIPE_IN"},
			Usage: "curated object of observations: s3://bucket/key or file://path"},
		&cli.StringFlag{Name: "dead-letter", EnvVars: []string{"FAREPIPE_DEAD_LETTER"},
			Usage: "where to write records Elasticsearch rejected for good (default: the input's key under dead-letter/)"},
		&cli.IntFlag{Name: "chunk-size", Value: 5000, EnvVars: []string{"FAREPIPE_CHUNK_SIZE"},
			Usage: "observations folded per round; bounds memory"},
		&cli.IntFlag{Name: "max-retries", Value: 5, EnvVars: []string{"FAREPIPE_MAX_RETRIES"},
			Usage: "retries of a bulk item answered 429 or 5xx"},
		&cli.BoolFlag{Name: "refresh", Value: true, EnvVars: []string{"FAREPIPE_REFRESH"},
			Usage: "refresh the indices at the end so the data is searchable at once"},
	}
	flags = append(flags, step.TimeFlags("dead-letter")...)
	flags = append(flags, step.ESFlags()...)
	flags = append(flags, step.S3Flags()...)
	return step.NewApp("index", "load fare observations into Elasticsearch with deduplication", flags, run)
}

func run(c *cli.Context) error {
	log, err := step.Logger(c, os.Stderr)
	if err != nil {
		return err
	}
	prefix, err := step.IndexPrefix(c)
	if err != nil {
		return err
	}
	if c.Int("chunk-size") < 1 || c.Int("max-retries") < 0 {
		return step.Usagef("--chunk-size must be at least 1 and --max-retries at least 0")
	}
	times, err := step.TimeBounds(c, time.Now)
	if err != nil {
		return err
	}
	es, err := step.ESClient(c)
	if err != nil {
		return err
	}
	in, inKey, err := step.OpenInput(c, "in")
	if err != nil {
		return err
	}
	dlStore, dlKey, err := step.OpenOutput(c, "dead-letter", in,
		transform.OutputKey(inKey, transform.AreaCurated, transform.AreaDeadLetter))
	if err != nil {
		return err
	}
	dl, err := step.NewDeadLetters()
	if err != nil {
		return err
	}
	defer dl.Discard()

	ix, err := esindex.New(es, esindex.Config{
		Prefix: prefix, ChunkSize: c.Int("chunk-size"), MaxRetries: c.Int("max-retries"),
		Refresh: c.Bool("refresh"), Logger: log, DeadLetter: dl.Add, Times: times,
	})
	if err != nil {
		return err
	}
	body, _, err := in.Get(c.Context, inKey)
	if err != nil {
		return fmt.Errorf("opening %s: %w", in.URI(inKey), err)
	}
	defer body.Close()
	sum, err := ix.Index(c.Context, body)
	if err != nil {
		return err
	}
	dlURI := ""
	if dl.Count() > 0 {
		if dlURI, err = dl.Store(c.Context, dlStore, dlKey, in.URI(inKey)); err != nil {
			return err
		}
	}

	outputs := step.OutputsOf(c)
	params := map[string]string{"dead-letter": dlURI, "read": fmt.Sprint(sum.Read),
		"latest-written": fmt.Sprint(sum.Latest), "writes-failed": fmt.Sprint(sum.WritesFailed)}
	for name, n := range sum.ByName {
		params[name] = fmt.Sprint(n)
	}
	if err := outputs.SetAll(params); err != nil {
		return err
	}
	counts, _ := json.Marshal(sum.ByName)
	log.Info("indexed", "in", in.URI(inKey), "read", sum.Read, "outcomes", json.RawMessage(counts),
		"latest_written", sum.Latest, "writes_failed", sum.WritesFailed, "retries", sum.Retries, "dead_letter", dlURI)
	fmt.Fprintln(c.App.Writer, sum.String())

	return step.IndexOutcome(sum, dlURI)
}
