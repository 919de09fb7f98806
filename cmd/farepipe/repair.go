package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/farepipe/farepipe/internal/esindex"
	"github.com/farepipe/farepipe/internal/fault"
	"github.com/farepipe/farepipe/internal/step"
)

func repairCommand() *cli.Command {
	flags := []cli.Flag{
		&cli.StringSliceFlag{Name: "series", Usage: "a series to repair, by series_id (repeat or comma-separate; " +
			"default: every series with an instant outside the time bounds)"},
		&cli.StringSliceFlag{Name: "drop", Usage: "an instant (RFC 3339) to take out of the --series named, " +
			"wherever it lies (repeat or comma-separate)"},
		&cli.BoolFlag{Name: "dry-run", Usage: "print what would change and write nothing"},
		&cli.BoolFlag{Name: "json", Usage: "print one JSON object per series repaired, then the summary"},
	}
	flags = append(flags, step.TimeFlags("drop")...)
	flags = append(flags, step.ESFlags()...)
	flags = append(flags, step.LogFlags()...)
	return &cli.Command{
		Name:  "repair",
		Usage: "take poisoned instants out of series and rebuild their latest documents and change logs",
		Description: "A series keeps every instant it observed in its latest document. repair takes out the instants\n" +
			"outside the time bounds (an observation stamped far in the future stays the last of its series for\n" +
			"good) and those named with --drop, then rewrites the latest document and the change log as one\n" +
			"ordered pass over what is left: prices, changed_at, first and last seen, counts. It writes through\n" +
			"the same conditional writes as index, so it may run while index runs, and running it again changes\n" +
			"nothing. A series left with no instant is deleted with its change log. Exit code 1 means some writes\n" +
			"failed: run it again with the --series it names.",
		Flags:  flags,
		Action: repair,
	}
}

func repair(c *cli.Context) error {
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
	r := esindex.Repair{Series: c.StringSlice("series"), Keep: times.Window(), DryRun: c.Bool("dry-run")}
	for _, v := range c.StringSlice("drop") {
		at, err := time.Parse(time.RFC3339Nano, v)
		if err != nil {
			return step.Usagef("--drop %q: want an RFC 3339 instant such as 2026-11-21T06:00:00Z", v)
		}
		r.Drop = append(r.Drop, at)
	}
	if err := r.Validate(); err != nil {
		return step.Usage(fmt.Errorf("--drop: %w (--series)", err))
	}
	es, err := step.ESClient(c)
	if err != nil {
		return err
	}
	ix, err := esindex.New(es, esindex.Config{Prefix: prefix, Refresh: true, Logger: log,
		DeadLetter: func(dl esindex.DeadLetter) error {
			return fmt.Errorf("writing %s/%s: %s: %s", dl.Index, dl.ID, dl.Type, dl.Reason)
		}})
	if err != nil {
		return err
	}
	out := c.App.Writer
	print := printRepaired
	if c.Bool("json") {
		print = printRepairedJSON
	}
	sum, err := ix.Repair(c.Context, r, func(rep esindex.Repaired) error { return print(out, rep, r.DryRun) })
	if err != nil {
		if len(sum.Unfinished) > 0 {
			return fmt.Errorf("%w; run again with --series %s to finish the series it may have left half done",
				err, strings.Join(sum.Unfinished, ","))
		}
		return err
	}
	log.Info("repaired", "series", sum.Series, "repaired", sum.Repaired, "dropped", sum.Dropped,
		"deleted", sum.Deleted, "orphans", sum.Orphans, "writes_failed", sum.WritesFailed, "dry_run", r.DryRun)
	if c.Bool("json") {
		if err := json.NewEncoder(out).Encode(sum); err != nil {
			return err
		}
	} else {
		verb := "repaired"
		if r.DryRun {
			verb = "would repair"
		}
		fmt.Fprintf(out, "%s %d of %d series: %d instants dropped, %d series deleted, %d orphaned change points deleted\n",
			verb, sum.Repaired, sum.Series, sum.Dropped, sum.Deleted, sum.Orphans)
	}
	if sum.WritesFailed > 0 {
		return fault.Retryablef("%d writes could not be done yet; they are pending in their latest documents: "+
			"run again with --series %s to finish them (indexing those series finishes them too)",
			sum.WritesFailed, strings.Join(sum.Unfinished, ","))
	}
	return nil
}

// printRepaired prints one line per series.
func printRepaired(w io.Writer, rep esindex.Repaired, dryRun bool) error {
	would := ""
	if dryRun {
		would = "would "
	}
	var err error
	switch {
	case rep.Orphans > 0:
		_, err = fmt.Fprintf(w, "%s: %sdelete %d change points left by its deletion\n", rep.SeriesID, would, rep.Orphans)
	case rep.Latest == nil:
		_, err = fmt.Fprintf(w, "%s: %sdrop %d instants %s: nothing left, %sdelete the series\n",
			rep.SeriesID, would, len(rep.Dropped), instants(rep.Dropped), would)
	default:
		l := rep.Latest
		_, err = fmt.Fprintf(w, "%s: %sdrop %d instants %s: now %s since %s, seen %s to %s, %d observations, %d change points\n",
			rep.SeriesID, would, len(rep.Dropped), instants(rep.Dropped), l.Price.String(),
			l.ChangedAt.Format(time.RFC3339), l.FirstSeen.Format(time.RFC3339), l.LastSeen.Format(time.RFC3339),
			l.Observations, l.ChangePoints)
	}
	return err
}

// printRepairedJSON prints one JSON object per series.
func printRepairedJSON(w io.Writer, rep esindex.Repaired, dryRun bool) error {
	v := map[string]any{"series_id": rep.SeriesID, "dropped": rep.Dropped, "dry_run": dryRun}
	switch {
	case rep.Orphans > 0:
		v["orphans_deleted"] = rep.Orphans
	case rep.Latest == nil:
		v["deleted"] = true
	default:
		l := rep.Latest
		v["latest"] = map[string]any{"amount": l.Price.String(), "currency": l.Key.Currency,
			"changed_at": l.ChangedAt, "first_seen": l.FirstSeen, "last_seen": l.LastSeen,
			"observations": l.Observations, "change_points": l.ChangePoints}
	}
	return json.NewEncoder(w).Encode(v)
}

// instants formats a short list of instants.
func instants(ts []time.Time) string {
	const most = 3
	s := "("
	for i, t := range ts {
		if i == most {
			s += fmt.Sprintf(", and %d more", len(ts)-most)
			break
		}
		if i > 0 {
			s += ", "
		}
		s += t.Format(time.RFC3339Nano)
	}
	return s + ")"
}
