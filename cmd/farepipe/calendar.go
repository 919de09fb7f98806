package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/farepipe/farepipe/internal/fare"
	"github.com/farepipe/farepipe/internal/query"
	"github.com/farepipe/farepipe/internal/step"
)

func calendarCommand() *cli.Command {
	flags := []cli.Flag{
		&cli.StringFlag{Name: "origin", Required: true, Usage: "origin IATA code"},
		&cli.StringFlag{Name: "destination", Required: true, Usage: "destination IATA code"},
		&cli.StringFlag{Name: "from", Required: true, Usage: "first departure date (YYYY-MM-DD)"},
		&cli.StringFlag{Name: "to", Usage: "last departure date, inclusive (default: from + 29 days)"},
		&cli.BoolFlag{Name: "one-way", Usage: "one-way fares (default: round trips)"},
		&cli.StringFlag{Name: "cabin", Usage: "ECONOMY, PREMIUM_ECONOMY, BUSINESS or FIRST (default: any)"},
		&cli.BoolFlag{Name: "non-stop", Usage: "non-stop fares only"},
		&cli.StringFlag{Name: "currency", Usage: "ISO 4217 currency (default: the one the fares are in)"},
		&cli.BoolFlag{Name: "json", Usage: "print JSON instead of a table"},
	}
	return &cli.Command{
		Name:   "calendar",
		Usage:  "cheapest current fare for each departure date of a route",
		Flags:  append(flags, step.ESFlags()...),
		Action: calendar,
	}
}

func calendar(c *cli.Context) error {
	prefix, err := step.IndexPrefix(c)
	if err != nil {
		return err
	}
	req := query.CalendarRequest{
		Origin: c.String("origin"), Destination: c.String("destination"),
		From: c.String("from"), To: c.String("to"), OneWay: c.Bool("one-way"),
		Cabin: c.String("cabin"), NonStop: c.Bool("non-stop"), Currency: c.String("currency"),
	}
	if req.To == "" {
		if from, err := time.Parse(fare.DateLayout, req.From); err == nil {
			req.To = from.AddDate(0, 0, 29).Format(fare.DateLayout)
		}
	}
	if err := req.Validate(); err != nil {
		return step.Usage(err)
	}
	es, err := step.ESClient(c)
	if err != nil {
		return err
	}
	q := &query.Client{ES: es, Prefix: prefix}
	entries, err := q.Calendar(c.Context, req)
	if errors.Is(err, query.ErrCurrencies) {
		return step.Usage(err)
	}
	if err != nil {
		return err
	}
	if c.Bool("json") {
		enc := json.NewEncoder(c.App.Writer)
		enc.SetIndent("", "  ")
		return enc.Encode(map[string]any{"data": entries})
	}
	return printCalendar(c.App.Writer, req, entries)
}

func printCalendar(w io.Writer, req query.CalendarRequest, entries []query.CalendarEntry) error {
	if len(entries) == 0 {
		_, err := fmt.Fprintf(w, "no fares for %s-%s departing %s to %s\n", req.Origin, req.Destination, req.From, req.To)
		return err
	}
	cheapest := 0
	for i, e := range entries {
		if e.PriceMinor < entries[cheapest].PriceMinor {
			cheapest = i
		}
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "DEPARTURE\tDAY\tRETURN\tPRICE\tCURRENCY\tCARRIER\tSTOPS\tOBSERVED (UTC)\t")
	for i, e := range entries {
		day := ""
		if d, err := time.Parse(fare.DateLayout, e.Departure); err == nil {
			day = d.Format("Mon")
		}
		stops := "1+"
		if e.NonStop {
			stops = "0"
		}
		mark := ""
		if i == cheapest {
			mark = "cheapest"
		}
		ret := e.Return
		if ret == "" {
			ret = "-"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", e.Departure, day, ret, e.Price, e.Currency,
			e.Carrier, stops, e.ObservedAt.UTC().Format("2006-01-02 15:04"), mark)
	}
	return tw.Flush()
}
