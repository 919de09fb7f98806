package main

import (
	"math"
	"strconv"
	"strings"
	"time"

	"gonum.org/v1/plot"
)

// timeTicks labels a time axis in seconds since the epoch (UTC) at a
// round interval: at most n labels, with the date when the interval is a
// day or more or the range spans several days.
type timeTicks struct{ n int }

// tickSteps are the intervals a time axis is labelled at.
var tickSteps = []time.Duration{
	10 * time.Second, 15 * time.Second, 30 * time.Second,
	time.Minute, 2 * time.Minute, 5 * time.Minute, 10 * time.Minute, 15 * time.Minute, 30 * time.Minute,
	time.Hour, 2 * time.Hour, 3 * time.Hour, 6 * time.Hour, 12 * time.Hour,
	24 * time.Hour, 2 * 24 * time.Hour, 7 * 24 * time.Hour, 14 * 24 * time.Hour, 28 * 24 * time.Hour,
}

// Ticks implements plot.Ticker.
func (t timeTicks) Ticks(lo, hi float64) []plot.Tick {
	span := time.Duration((hi - lo) * float64(time.Second))
	step := tickSteps[len(tickSteps)-1]
	for _, s := range tickSteps {
		if span/s <= time.Duration(max(t.n, 2)) {
			step = s
			break
		}
	}
	format := "15:04"
	switch {
	case step >= 24*time.Hour:
		format = "Jan 2"
	case span > 24*time.Hour:
		format = "Jan 2 15:04"
	case step < time.Minute:
		format = "15:04:05"
	}
	sec := int64(step / time.Second)
	var ticks []plot.Tick
	for v := int64(math.Ceil(lo/float64(sec))) * sec; float64(v) <= hi; v += sec {
		ticks = append(ticks, plot.Tick{Value: float64(v), Label: time.Unix(v, 0).UTC().Format(format)})
	}
	return ticks
}

// unitTicks labels a value axis in a Grafana unit.
type unitTicks struct{ unit string }

// Ticks implements plot.Ticker.
func (u unitTicks) Ticks(lo, hi float64) []plot.Tick {
	ticks := plot.DefaultTicks{}.Ticks(lo, hi)
	for i := range ticks {
		if ticks[i].Label != "" {
			ticks[i].Label = formatValue(u.unit, ticks[i].Value)
		}
	}
	return ticks
}

// formatValue writes v in a Grafana unit: seconds ("s") as µs, ms or s,
// requests per second ("reqps") and plain numbers ("short", and any other
// unit) with k, M, G for thousands, millions and billions.
func formatValue(unit string, v float64) string {
	switch unit {
	case "s":
		a := math.Abs(v)
		switch {
		case a == 0:
			return "0 s"
		case a < 1e-3:
			return number(v*1e6) + " µs"
		case a < 1:
			return number(v*1e3) + " ms"
		}
		return number(v) + " s"
	case "reqps":
		return short(v) + " req/s"
	}
	return short(v)
}

// short writes v with k, M or G for thousands, millions or billions.
func short(v float64) string {
	a := math.Abs(v)
	switch {
	case a >= 1e9:
		return number(v/1e9) + " G"
	case a >= 1e6:
		return number(v/1e6) + " M"
	case a >= 1e3:
		return number(v/1e3) + " k"
	}
	return number(v)
}

// number writes v with at most three significant digits.
func number(v float64) string {
	s := strconv.FormatFloat(v, 'g', 3, 64)
	if strings.ContainsAny(s, "e") {
		s = strconv.FormatFloat(v, 'f', -1, 64)
	}
	return s
}
