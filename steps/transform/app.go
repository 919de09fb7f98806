package main

import (
	"encoding/json"
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
	cfg, err := newConfig(c, log, now)
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
		objs, records, err := selectEvent(c, cfg.Buckets)
		if err != nil {
			return err
		}
		log.Info("selected", "event_records", records, "objects", len(objs))
		return runMany(c, log, cfg, objs)
	case c.String("prefix") != "":
		objs, listed, err := selectPrefix(c, cfg.Buckets)
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
func runObject(c *cli.Context, log *slog.Logger, cfg transform.Config) error {
	if u, err := objstore.ParseURI(c.String("in")); err == nil {
		if err := transform.CheckInput(u, cfg.Buckets); err != nil {
			return err
		}
	}
	var err error
	if cfg.In, cfg.InKey, err = step.OpenInput(c, "in"); err != nil {
		return err
	}
	curKey := transform.OutputKey(cfg.InKey, transform.AreaRaw, transform.AreaCurated)
	if cfg.Curated, cfg.CuratedKey, err = step.OpenOutput(c, "curated", cfg.In, curKey); err != nil {
		return err
	}
	quaKey := transform.OutputKey(cfg.InKey, transform.AreaRaw, transform.AreaQuarantine)
	if cfg.Quarantine, cfg.QuarantineKey, err = step.OpenOutput(c, "quarantine", cfg.In, quaKey); err != nil {
		return err
	}
	res, err := transform.Run(c.Context, cfg)
	report(c, log, cfg, res)
	if res.Curated == "" { // nothing was stored
		return err
	}
	empty := 0
	if res.NoRecords() {
		empty = 1
	}
	if oerr := setOutputs(c, res.Curated, res.Quarantine, res.Counts, empty); oerr != nil {
		return oerr
	}
	return err
}

// setOutputs writes the output parameters of a run: where its outputs are,
// its counts, and how many objects held no record at all.
func setOutputs(c *cli.Context, curated, quarantine string, sum transform.Counts, empty int) error {
	return step.OutputsOf(c).SetAll(map[string]string{
		"curated":      curated,
		"quarantine":   quarantine,
		"observations": fmt.Sprint(sum.Observations),
		"rejected":     fmt.Sprint(sum.Rejected()),
		"lines":        fmt.Sprint(sum.Lines),
		"empty":        fmt.Sprint(empty),
	})
}

// report logs what transforming the object of cfg produced and prints the
// curated URI, when its outputs were stored. An object without any
// record is logged as a warning.
func report(c *cli.Context, log *slog.Logger, cfg transform.Config, res transform.Summary) {
	if res.Curated == "" { // nothing was stored
		return
	}
	in := cfg.In.URI(cfg.InKey)
	if res.NoRecords() {
		log.Warn("empty object: no record to transform", "in", in, "size", res.Size, "curated", res.Curated)
	}
	var instant any // of answers and rows: when their prices were observed, and how it is known
	if !res.Instant.At.IsZero() {
		instant = map[string]any{"at": res.Instant.At, "from": res.Instant.From}
	}
	log.Info("transformed", "in", in, "format", res.Format.String(), "mapping", res.Mapping, "instant", instant,
		"empty", res.NoRecords(), "curated", res.Curated, "quarantine", res.Quarantine,
		"lines", res.Lines, "envelopes", res.Envelopes, "rows", res.Rows, "offers", res.Offers, "observations", res.Observations,
		"rejected_lines", res.RejectedLines, "rejected_offers", res.RejectedOffers, "repeated_offers", res.RepeatedOffers,
		"empty_answers", res.EmptyAnswers, "warnings", res.Warnings, "truncated", res.Truncated, "bytes", res.Bytes)
	fmt.Fprintln(c.App.Writer, res.Curated)
}

// runMany writes the objects output parameter and, unless --list, transforms
// every object into its own curated and quarantine objects
// (transform.RunAll). None is not an error.
func runMany(c *cli.Context, log *slog.Logger, cfg transform.Config, objs []rawObject) error {
	list, err := json.Marshal(objs)
	if err != nil {
		return fmt.Errorf("encoding objects: %w", err)
	}
	if err := step.OutputsOf(c).Set("objects", string(list)); err != nil {
		return err
	}
	if c.Bool("list") {
		for _, o := range objs {
			fmt.Fprintln(c.App.Writer, o.URI)
		}
		return nil
	}

	stores := map[string]objstore.Store{} // by bucket: one client each
	cfgs := make([]transform.Config, len(objs))
	for i, o := range objs {
		in, ok := stores[o.Bucket]
		if !ok {
			if in, _, err = objstore.Open(c.Context, o.URI, step.S3Config(c)); err != nil {
				return err
			}
			stores[o.Bucket] = in
		}
		cfgs[i] = cfg
		cfgs[i].In, cfgs[i].InKey = in, o.Key
	}
	tot, err := transform.RunAll(c.Context, cfgs, func(cfg transform.Config, res transform.Summary, _ error) {
		report(c, log, cfg, res)
	})
	log.Info("transformed objects", "objects", len(objs), "empty", tot.Empty, "failed", tot.Failed,
		"lines", tot.Lines, "observations", tot.Observations, "rejected", tot.Rejected(), "empty_answers", tot.EmptyAnswers)
	if oerr := setOutputs(c, strings.Join(tot.Curated, "\n"), strings.Join(tot.Quarantine, "\n"), tot.Counts, tot.Empty); oerr != nil {
		return oerr
	}
	return err
}
