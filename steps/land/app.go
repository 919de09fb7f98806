package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/farepipe/farepipe/internal/land"
	"github.com/farepipe/farepipe/internal/objstore"
	"github.com/farepipe/farepipe/internal/step"
)

func app() *cli.App {
	flags := []cli.Flag{
		&cli.StringFlag{Name: "in", Value: "-", EnvVars: []string{"FAREPIPE_IN"},
			Usage: "batch to land: a file, a directory of *.ndjson[.gz] files, an s3:// or file:// object, or - for stdin"},
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
	lander := &land.Lander{Prefix: prefix, Log: log}
	meta := land.Meta{Source: c.String("source"), Run: c.String("run")}

	var results []land.Result
	in := c.String("in")
	switch {
	case strings.Contains(in, "://"):
		var res land.Result
		res, err = landObject(c, lander, dst, in, meta)
		results = append(results, res)
	case in == "-":
		var res land.Result
		res, err = landStream(c, lander, dst, os.Stdin, meta)
		results = append(results, res)
	default:
		fi, statErr := os.Stat(in)
		switch {
		case statErr != nil:
			return step.Usagef("--in: %w", statErr)
		case fi.IsDir():
			results, err = lander.LandDir(c.Context, dst, in, meta)
		default:
			var res land.Result
			res, err = lander.LandFile(c.Context, dst, filepath.Clean(in), meta)
			results = append(results, res)
		}
	}
	if err != nil {
		return err
	}

	var uris []string
	skipped := 0
	for _, r := range results {
		uris = append(uris, r.URI)
		if r.Skipped {
			skipped++
		}
		log.Info("landed", "uri", r.URI, "size", r.Size, "records", r.Records, "sha256", r.SHA256, "skipped", r.Skipped)
		fmt.Fprintln(c.App.Writer, r.URI)
	}
	if err := step.OutputsOf(c).SetAll(map[string]string{
		"uris": strings.Join(uris, "\n"), "count": fmt.Sprint(len(results)), "skipped": fmt.Sprint(skipped),
	}); err != nil {
		return err
	}
	if len(results) == 0 {
		return step.Data(fmt.Errorf("no batch found in %s", in))
	}
	return nil
}

// landObject copies an object to a temporary file and lands it.
func landObject(c *cli.Context, l *land.Lander, dst objstore.Store, uri string, m land.Meta) (land.Result, error) {
	src, key, err := step.OpenInput(c, "in")
	if err != nil {
		return land.Result{}, err
	}
	body, _, err := src.Get(c.Context, key)
	if err != nil {
		return land.Result{}, fmt.Errorf("opening %s: %w", uri, err)
	}
	defer body.Close()
	return landStream(c, l, dst, body, m)
}

// landStream lands a batch read from r, spooled to a temporary file first so
// it can be hashed before the upload.
func landStream(c *cli.Context, l *land.Lander, dst objstore.Store, r io.Reader, m land.Meta) (land.Result, error) {
	f, err := os.CreateTemp("", "farepipe-land-*")
	if err != nil {
		return land.Result{}, fmt.Errorf("creating spool file: %w", err)
	}
	defer os.Remove(f.Name())
	defer f.Close()
	size, err := io.Copy(f, r)
	if err != nil {
		return land.Result{}, fmt.Errorf("reading batch: %w", err)
	}
	return l.Land(c.Context, dst, f, size, m)
}
