package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/farepipe/farepipe/internal/api"
	"github.com/farepipe/farepipe/internal/fare"
	"github.com/farepipe/farepipe/internal/query"
	"github.com/farepipe/farepipe/internal/step"
)

func calendarCommand() *cli.Command {
	flags := []cli.Flag{
		&cli.StringFlag{Name: "origin", Required: true, Usage: "origin IATA code"},
		&cli.StringFlag{Name: "destination", Required: true, Usage: "destination IATA code"},
		&cli.StringFlag{Name: "from", Usage: "first departure date, YYYY-MM-DD (default: today, UTC)"},
		&cli.StringFlag{Name: "to", Usage: "last departure date, inclusive, at most 366 days after --from (default: from + 29 days)"},
		&cli.BoolFlag{Name: "one-way", Usage: "one-way fares (default: round trips)"},
		&cli.StringFlag{Name: "duration", Usage: `round trips of this stay in days, or a range "min,max" such as 3,7 (default: any)`},
		&cli.StringFlag{Name: "view-by", Value: query.ViewDate,
			Usage: "DATE (cheapest per departure date), DURATION (per departure date and stay) or WEEK (per ISO week)"},
		&cli.StringFlag{Name: "max-price", Usage: "leave out dates whose cheapest fare costs more (amount in the fares' currency)"},
		&cli.StringFlag{Name: "max-age", Usage: `ignore fares last seen longer ago than this: "24h" or ISO 8601 "P1D" (default: any age)`},
		cabinFlag(),
		adultsFlag(),
		&cli.BoolFlag{Name: "non-stop", Usage: "non-stop fares only"},
		&cli.StringFlag{Name: "currency", Usage: "ISO 4217 currency (default: the one the fares are in)"},
		&cli.BoolFlag{Name: "json", Usage: "print the JSON document GET /v1/calendar answers instead of a table"},
	}
	return &cli.Command{
		Name:   "calendar",
		Usage:  "cheapest current fare for each departure date (or stay, or week) of a route",
		Flags:  append(flags, step.ESFlags()...),
		Action: calendar,
	}
}

// calendarFlags names the flag of each request parameter, for errors.
var calendarFlags = map[string]string{
	"origin": "--origin", "destination": "--destination", "departureDate": "--from/--to", "oneWay": "--one-way",
	"duration": "--duration", "nonStop": "--non-stop", "maxPrice": "--max-price", "viewBy": "--view-by",
	"cabin": "--cabin", "adults": "--adults", "currency": "--currency", "maxAge": "--max-age",
}

// cabinFlag and adultsFlag are the trip options calendar and insight share.
func cabinFlag() cli.Flag {
	return &cli.StringFlag{Name: "cabin", Usage: "ECONOMY, PREMIUM_ECONOMY, BUSINESS, FIRST, or MIXED for fares with segments in different cabins (default: any)"}
}

func adultsFlag() cli.Flag {
	return &cli.IntFlag{Name: "adults", Value: 1, Usage: "fares for this many adults, 1 to 9 (a price is for all of them)"}
}

// adults reads --adults, refusing 0, which the query reads as its default.
func adults(c *cli.Context) (int, error) {
	n := c.Int("adults")
	if n < 1 {
		return 0, step.Usage(fmt.Errorf("--adults %d: want 1 to %d", n, fare.MaxPassengers))
	}
	return n, nil
}

func calendar(c *cli.Context) error {
	prefix, err := step.IndexPrefix(c)
	if err != nil {
		return err
	}
	from, to := c.String("from"), c.String("to")
	if from == "" {
		from = time.Now().UTC().Format(fare.DateLayout)
	}
	if to == "" {
		if d, err := time.Parse(fare.DateLayout, from); err == nil {
			to = d.AddDate(0, 0, 29).Format(fare.DateLayout)
		}
	}
	n, err := adults(c)
	if err != nil {
		return err
	}
	req := query.CalendarRequest{
		Origin: c.String("origin"), Destination: c.String("destination"), Departure: from + "," + to,
		OneWay: c.Bool("one-way"), Duration: c.String("duration"), NonStop: c.Bool("non-stop"),
		MaxPrice: c.String("max-price"), ViewBy: c.String("view-by"), Cabin: c.String("cabin"),
		Adults: n, Currency: c.String("currency"), MaxAge: c.String("max-age"),
	}
	if err := req.Validate(); err != nil {
		return flagErrors(err, calendarFlags)
	}
	es, err := step.ESClient(c)
	if err != nil {
		return err
	}
	cal, err := (&query.Client{ES: es, Prefix: prefix}).Calendar(c.Context, req)
	if err != nil {
		return flagErrors(err, calendarFlags)
	}
	if c.Bool("json") {
		return printJSON(c.App.Writer, api.NewCalendarDocument(req, cal, nil))
	}
	return printCalendar(c.App.Writer, req, cal)
}

// flagErrors turns the request's field errors into one usage error naming
// flags (exit 2); other errors pass through.
func flagErrors(err error, flags map[string]string) error {
	if errors.Is(err, query.ErrCurrencies) {
		return step.Usage(fmt.Errorf("%w (use --currency)", err))
	}
	var lines []string
	for _, fe := range fare.FieldErrors(err) {
		name := flags[fe.Field]
		if name == "" {
			name = fe.Field
		}
		lines = append(lines, fmt.Sprintf("%s %q: %s", name, fe.Value, fe.Reason))
	}
	if len(lines) == 0 {
		return err
	}
	return step.Usage(errors.New(strings.Join(lines, "; ")))
}

// hintLine is the line that says which flag finds fares, "" when none.
func hintLine(alts []query.Alternative) string {
	if h := api.Hint(alts, flagOption); h != "" {
		return "hint: " + h + "\n"
	}
	return ""
}

// flagOption renders a trip option as the flag that asks for it.
func flagOption(name, value string) string {
	switch name {
	case "oneWay":
		if value == "true" {
			return "--one-way"
		}
		return "no --one-way (round trips)"
	case "nonStop":
		if value == "true" {
			return "--non-stop"
		}
		return "no --non-stop"
	}
	return "--" + name + " " + value
}

func printJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

func printCalendar(w io.Writer, req query.CalendarRequest, cal query.Calendar) error {
	dates := cal.Dates.From.Format(fare.DateLayout) + " to " + cal.Dates.To.Format(fare.DateLayout)
	if len(cal.Entries) == 0 {
		_, err := fmt.Fprintf(w, "no fares for %s-%s departing %s\n%s", req.Origin, req.Destination, dates, hintLine(cal.Alternatives))
		return err
	}
	cheapest := 0
	for i, e := range cal.Entries {
		if e.Price.Minor < cal.Entries[cheapest].Price.Minor {
			cheapest = i
		}
	}
	var table bytes.Buffer
	tw := tabwriter.NewWriter(&table, 0, 0, 2, ' ', 0)
	week := cal.View == query.ViewWeek
	if week {
		fmt.Fprint(tw, "WEEK\t")
	}
	fmt.Fprintln(tw, "DEPARTURE\tDAY\tRETURN\tSTAY\tPRICE\tCURRENCY\tCARRIER\tSTOPS\tOBSERVED (UTC)\t")
	for i, e := range cal.Entries {
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
		ret, stay := "-", "-"
		if days, ok := e.Duration(); ok {
			ret, stay = e.Return, strconv.Itoa(days)
		}
		if week {
			fmt.Fprintf(tw, "%s\t", e.Week)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", e.Departure, day, ret, stay, e.Price.Amount, e.Price.Currency,
			e.Carrier, stops, e.ObservedAt.UTC().Format("2006-01-02 15:04"), mark)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	// The columns are padded to the width of the mark column; lines end
	// where their text does.
	for line := range strings.Lines(table.String()) {
		if _, err := io.WriteString(w, strings.TrimRight(line, " \n")+"\n"); err != nil {
			return err
		}
	}
	return nil
}
