package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/farepipe/farepipe/internal/objstore"
	"github.com/farepipe/farepipe/internal/step"
	"github.com/farepipe/farepipe/internal/transform"
)

func app() *cli.App { return newApp(time.Now) }

// newApp returns transform with now as the clock records are judged
// against.
func newApp(now func() time.Time) *cli.App {
	flags := append([]cli.Flag{
		&cli.StringFlag{Name: "in", EnvVars: []string{"FAREPIPE_IN"},
			Usage: "raw object to transform: s3://bucket/key or file://path"},
		&cli.StringFlag{Name: "event", EnvVars: []string{"FAREPIPE_EVENT"},
			Usage: "instead of --in: an S3 or MinIO event notification (a file, - for stdin, or the JSON itself); " +
				"every object it says was created is transformed"},
		&cli.StringFlag{Name: "prefix", EnvVars: []string{"FAREPIPE_IN_PREFIX"},
			Usage: "instead of --in: every *.ndjson, *.json or *.csv object (or .gz of one) under this s3:// or file:// prefix is transformed"},
		&cli.StringFlag{Name: "from", EnvVars: []string{"FAREPIPE_PARTITION_FROM"},
			Usage: "with --prefix: only objects in date=YYYY-MM-DD partitions (or whose key names an instant) from this day"},
		&cli.StringFlag{Name: "to", EnvVars: []string{"FAREPIPE_PARTITION_TO"},
			Usage: "with --prefix: only objects in date=YYYY-MM-DD partitions (or whose key names an instant) up to this day, inclusive"},
		&cli.BoolFlag{Name: "list", EnvVars: []string{"FAREPIPE_LIST"},
			Usage: "with --event or --prefix: only list the objects (output parameter objects), transform nothing"},
		&cli.StringFlag{Name: "curated", EnvVars: []string{"FAREPIPE_CURATED"},
			Usage: "with --in: where to write the observations (default: the input's key under curated/)"},
		&cli.StringFlag{Name: "quarantine", EnvVars: []string{"FAREPIPE_QUARANTINE"},
			Usage: "with --in: where to write rejected records (default: the input's key under quarantine/)"},
	}, append(append(configFlags(), step.IntakeFlags()...), step.S3Flags()...)...)
	return step.NewApp("transform", "turn a raw object (farepipe envelopes, plain Amadeus answers, or fare rows with --mapping) into fare observations", flags,
		func(c *cli.Context) error { return run(c, now) })
}

func run(c *cli.Context, now func() time.Time) error {
	log, err := step.Logger(c, c.App.ErrWriter)
	if err != nil {
		return err
	}
	cfg, err := newConfig(c, now)
	if err != nil {
		return err
	}
	var inputs []string
	for _, f := range []string{"in", "event", "prefix"} {
		if c.String(f) != "" {
			inputs = append(inputs, "--"+f)
		}
	}
	switch {
	case len(inputs) == 0:
		return step.Usagef("give the raw object with --in, an event notification with --event or a prefix with --prefix")
	case len(inputs) > 1:
		return step.Usagef("give one of --in, --event and --prefix, not %s", strings.Join(inputs, " and "))
	case (c.String("from") != "" || c.String("to") != "") && c.String("prefix") == "":
		return step.Usagef("--from and --to select partitions under --prefix: give --prefix")
	case c.String("in") != "" && c.Bool("list"):
		return step.Usagef("--list works with --event or --prefix")
	case c.String("in") == "" && (c.String("curated") != "" || c.String("quarantine") != ""):
		return step.Usagef("--curated and --quarantine name the outputs of one object: use them with --in")
	case c.String("event") != "":
		objs, records, err := selectEvent(c, cfg)
		if err != nil {
			return err
		}
		log.Info("selected", "event_records", records, "objects", len(objs))
		return runMany(c, log, cfg, objs)
	case c.String("prefix") != "":
		objs, listed, err := selectPrefix(c, cfg)
		if err != nil {
			return err
		}
		log.Info("selected", "prefix", c.String("prefix"), "listed", listed, "objects", len(objs))
		return runMany(c, log, cfg, objs)
	default:
		return runObject(c, log, cfg)
	}
}

// runObject transforms the object of --in.
func runObject(c *cli.Context, log *slog.Logger, cfg config) error {
	if u, err := objstore.ParseURI(c.String("in")); err == nil {
		if err := cfg.checkInput(u); err != nil {
			return err
		}
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
	res, err := transformObject(c, log, cfg, in, inKey, cur, curKey, qua, quaKey)
	if res.Curated == "" { // nothing was stored
		return err
	}
	empty := 0
	if res.NoRecords() {
		empty = 1
	}
	if oerr := setOutputs(c, res.Curated, res.Quarantine, res.Summary, empty); oerr != nil {
		return oerr
	}
	return err
}

// setOutputs writes the output parameters of a run: where its outputs are,
// its counts, and how many objects held no record at all.
func setOutputs(c *cli.Context, curated, quarantine string, sum transform.Summary, empty int) error {
	return step.OutputsOf(c).SetAll(map[string]string{
		"curated":      curated,
		"quarantine":   quarantine,
		"observations": fmt.Sprint(sum.Observations),
		"rejected":     fmt.Sprint(sum.Rejected()),
		"lines":        fmt.Sprint(sum.Lines),
		"empty":        fmt.Sprint(empty),
	})
}

// transformObject transforms one object, logs its summary and prints the
// curated URI. An object nothing could be processed of is a data error;
// its outputs are stored all the same and res says where (transform.Object).
// An object without any record is logged as a warning.
func transformObject(c *cli.Context, log *slog.Logger, cfg config, in objstore.Store, inKey string, cur objstore.Store, curKey string, qua objstore.Store, quaKey string) (transform.ObjectResult, error) {
	res, err := transform.Object(c.Context, transform.Config{
		In: in, InKey: inKey, Curated: cur, CuratedKey: curKey, Quarantine: qua, QuarantineKey: quaKey,
		Options: transform.Options{
			Logger: log, ProgressEvery: 10000, Times: cfg.times, Intake: cfg.intake,
			Progress: func(s transform.Summary) { log.Info("progress", "lines", s.Lines, "bytes", s.Bytes) },
		},
	})
	if res.Curated == "" { // nothing was stored
		return res, err
	}
	if res.NoRecords() {
		log.Warn("empty object: no record to transform", "in", in.URI(inKey), "size", res.Size, "curated", res.Curated)
	}
	var instant any // of answers and rows: when their prices were observed, and how it is known
	if !res.Instant.At.IsZero() {
		instant = map[string]any{"at": res.Instant.At, "from": res.Instant.From}
	}
	log.Info("transformed", "in", in.URI(inKey), "format", res.Format.String(), "mapping", res.Mapping, "instant", instant,
		"empty", res.NoRecords(), "curated", res.Curated, "quarantine", res.Quarantine,
		"lines", res.Lines, "envelopes", res.Envelopes, "rows", res.Rows, "offers", res.Offers, "observations", res.Observations,
		"rejected_lines", res.RejectedLines, "rejected_offers", res.RejectedOffers, "repeated_offers", res.RepeatedOffers,
		"empty_answers", res.EmptyAnswers, "warnings", res.Warnings, "truncated", res.Truncated, "bytes", res.Bytes)
	fmt.Fprintln(c.App.Writer, res.Curated)
	return res, err
}

// runMany writes the objects output parameter and, unless --list, transforms
// every object into its own curated and quarantine objects. None is not
// an error. Every object is tried; the error returned is retryable when
// any object's was, else a data error.
func runMany(c *cli.Context, log *slog.Logger, cfg config, objs []rawObject) error {
	list, err := json.Marshal(objs)
	if err != nil {
		return fmt.Errorf("encoding objects: %w", err)
	}
	outputs := step.OutputsOf(c)
	if err := outputs.Set("objects", string(list)); err != nil {
		return err
	}
	if c.Bool("list") {
		for _, o := range objs {
			fmt.Fprintln(c.App.Writer, o.URI)
		}
		return nil
	}

	stores := map[string]objstore.Store{} // by bucket: one client each
	var curated, quarantined []string
	var sum transform.Summary
	var errs []error
	empty := 0
	retryable := false
	for _, o := range objs {
		in, ok := stores[o.Bucket]
		if !ok {
			var err error
			if in, _, err = objstore.Open(c.Context, o.URI, step.S3Config(c)); err != nil {
				return step.Usage(err)
			}
			stores[o.Bucket] = in
		}
		res, err := transformObject(c, log, cfg, in, o.Key,
			in, transform.OutputKey(o.Key, transform.AreaRaw, transform.AreaCurated),
			in, transform.OutputKey(o.Key, transform.AreaRaw, transform.AreaQuarantine))
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", o.URI, err))
			retryable = retryable || step.ExitCode(err) == step.ExitRetryable
		}
		if res.Curated == "" {
			continue
		}
		if res.NoRecords() {
			empty++
		}
		curated = append(curated, res.Curated)
		if res.Quarantine != "" {
			quarantined = append(quarantined, res.Quarantine)
		}
		sum.Lines += res.Lines
		sum.Observations += res.Observations
		sum.RejectedLines += res.RejectedLines
		sum.RejectedOffers += res.RejectedOffers
		sum.EmptyAnswers += res.EmptyAnswers
	}
	log.Info("transformed objects", "objects", len(objs), "empty", empty, "failed", len(errs),
		"lines", sum.Lines, "observations", sum.Observations, "rejected", sum.Rejected(), "empty_answers", sum.EmptyAnswers)
	if err := setOutputs(c, strings.Join(curated, "\n"), strings.Join(quarantined, "\n"), sum, empty); err != nil {
		return err
	}
	switch {
	case len(errs) == 0:
		return nil
	case retryable:
		return step.Retryable(errors.Join(errs...))
	default:
		return step.Data(errors.Join(errs...))
	}
}
