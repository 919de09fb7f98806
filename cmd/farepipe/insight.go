package main

import (
	"fmt"
	"io"

	"github.com/urfave/cli/v2"

	"github.com/farepipe/farepipe/internal/api"
	"github.com/farepipe/farepipe/internal/query"
	"github.com/farepipe/farepipe/internal/step"
)

func insightCommand() *cli.Command {
	flags := []cli.Flag{
		&cli.StringFlag{Name: "origin", Required: true, Usage: "origin IATA code"},
		&cli.StringFlag{Name: "destination", Required: true, Usage: "destination IATA code"},
		&cli.StringFlag{Name: "date", Required: true, Usage: "departure date, YYYY-MM-DD, or a month, YYYY-MM"},
		&cli.BoolFlag{Name: "one-way", Usage: "one-way fares (default: round trips)"},
		&cli.StringFlag{Name: "duration", Usage: `round trips of this stay in days, or a range "min,max" (default: any)`},
		cabinFlag(),
		adultsFlag(),
		&cli.BoolFlag{Name: "non-stop", Usage: "non-stop fares only"},
		&cli.StringFlag{Name: "currency", Usage: "ISO 4217 currency (default: the one the fares are in)"},
		&cli.StringFlag{Name: "price", Usage: "a price to rate LOW, TYPICAL or HIGH against the history"},
		&cli.BoolFlag{Name: "json", Usage: "print the JSON document GET /v1/price-metrics answers instead of a table"},
	}
	return &cli.Command{
		Name:  "insight",
		Usage: "price quartiles of a route and departure date (or month) over the stored history, and a rating of one price",
		Description: "The quartiles are computed over change points: every price a series took, counted once each time\n" +
			"it took it, however long it held (the change log keeps only price changes). " + query.RatingRule + ".",
		Flags:  append(flags, step.ESFlags()...),
		Action: insight,
	}
}

var insightFlags = map[string]string{
	"origin": "--origin", "destination": "--destination", "departureDate": "--date", "oneWay": "--one-way",
	"duration": "--duration", "cabin": "--cabin", "adults": "--adults", "nonStop": "--non-stop", "currency": "--currency", "price": "--price",
}

func insight(c *cli.Context) error {
	prefix, err := step.IndexPrefix(c)
	if err != nil {
		return err
	}
	n, err := adults(c)
	if err != nil {
		return err
	}
	req := query.MetricsRequest{
		Origin: c.String("origin"), Destination: c.String("destination"), Departure: c.String("date"),
		OneWay: c.Bool("one-way"), Duration: c.String("duration"), Cabin: c.String("cabin"), Adults: n,
		NonStop: c.Bool("non-stop"), Currency: c.String("currency"), Price: c.String("price"),
	}
	if err := req.Validate(); err != nil {
		return flagErrors(err, insightFlags)
	}
	es, err := step.ESClient(c)
	if err != nil {
		return err
	}
	m, err := (&query.Client{ES: es, Prefix: prefix}).PriceMetrics(c.Context, req)
	if err != nil {
		return flagErrors(err, insightFlags)
	}
	if c.Bool("json") {
		return printJSON(c.App.Writer, api.NewMetricsDocument(req, m))
	}
	return printInsight(c.App.Writer, req, m)
}

func printInsight(w io.Writer, req query.MetricsRequest, m query.Metrics) error {
	trips := "round trips"
	if req.OneWay {
		trips = "one-way fares"
	}
	if req.Duration != "" {
		trips += " of " + req.Duration + " days"
	}
	what := fmt.Sprintf("%s-%s %s departing %s", req.Origin, req.Destination, trips, req.Departure)
	if m.Samples == 0 {
		_, err := fmt.Fprintf(w, "no price history for %s\n%s", what, hintLine(m.Alternatives))
		return err
	}
	const at = "2006-01-02 15:04"
	fmt.Fprintf(w, "%s, %s: %d change points of %d series, observed %s to %s UTC\n\n", what, m.Currency,
		m.Samples, m.Series, m.FirstObserved.Format(at), m.LastObserved.Format(at))
	rows := []struct{ rank, amount string }{
		{query.RankMinimum, m.Minimum.Amount}, {query.RankFirst, m.First.Amount}, {query.RankMedium, m.Median.Amount},
		{query.RankThird, m.Third.Amount}, {query.RankMaximum, m.Maximum.Amount},
	}
	width := 0
	for _, r := range rows {
		width = max(width, len(r.amount))
	}
	for _, r := range rows {
		if _, err := fmt.Fprintf(w, "%-8s %*s\n", r.rank, width, r.amount); err != nil {
			return err
		}
	}
	if m.Rating != nil {
		_, err := fmt.Fprintf(w, "\n%s %s is %s (%s)\n", m.Rating.Price.Amount, m.Rating.Price.Currency, m.Rating.Level, query.RatingRule)
		return err
	}
	return nil
}
