package main

import (
	"encoding/json"
	"fmt"
	"os"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/farepipe/farepipe/internal/index"
	"github.com/farepipe/farepipe/internal/step"
)

func app() *cli.App {
	flags := []cli.Flag{
		&cli.StringFlag{Name: "in", Required: true, EnvVars: []string{"FAREPIPE_IN"},
			Usage: "curated object of observations: s3://bucket/key or file://path"},
		&cli.StringFlag{Name: "dead-letter", EnvVars: []string{"FAREPIPE_DEAD_LETTER"},
			Usage: "where to write records Elasticsearch rejected for good (default: the input's key under dead-letter/)"},
		&cli.IntFlag{Name: "chunk-size", Value: index.DefaultChunkSize, EnvVars: []string{"FAREPIPE_CHUNK_SIZE"},
			Usage: "observations folded per round; bounds memory"},
		&cli.IntFlag{Name: "max-retries", Value: index.DefaultMaxRetries, EnvVars: []string{"FAREPIPE_MAX_RETRIES"},
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
	dlStore, dlKey, err := step.OpenOutput(c, "dead-letter", in, "")
	if err != nil {
		return err
	}
	sum, err := index.Run(c.Context, index.Config{
		ES: es, In: in, InKey: inKey, DeadLetter: dlStore, DeadLetterKey: dlKey,
		Prefix: prefix, ChunkSize: c.Int("chunk-size"), MaxRetries: c.Int("max-retries"),
		Refresh: c.Bool("refresh"), Times: times, Logger: log,
	})
	if sum.In == "" { // the object was not indexed to its end
		return err
	}

	params := map[string]string{"dead-letter": sum.DeadLetter, "read": fmt.Sprint(sum.Read),
		"latest-written": fmt.Sprint(sum.Latest), "writes-failed": fmt.Sprint(sum.WritesFailed)}
	for name, n := range sum.ByName {
		params[name] = fmt.Sprint(n)
	}
	if err := step.OutputsOf(c).SetAll(params); err != nil {
		return err
	}
	counts, _ := json.Marshal(sum.ByName)
	log.Info("indexed", "in", sum.In, "read", sum.Read, "outcomes", json.RawMessage(counts),
		"latest_written", sum.Latest, "writes_failed", sum.WritesFailed, "retries", sum.Retries, "dead_letter", sum.DeadLetter)
	fmt.Fprintln(c.App.Writer, sum.String())
	return err
}
