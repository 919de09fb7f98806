package main

import (
	"fmt"
	"io"
	"time"

	"github.com/farepipe/farepipe/internal/fare"
	"github.com/farepipe/farepipe/internal/ndjson"
)

// The data set: 100 routes × 365 departure dates (2027) × 9 series per
// route and date = 328 500 series, observed at four daily polls:
//
//   - series: 3 trips (one way, 3-day stay, 7-day stay) × 3 products
//     (carrier A economy non-stop, carrier B economy with a stop, carrier A
//     business non-stop), priced in the origin's currency;
//   - polls 0, 1 and 2 see every series (3 × 328 500 = 985 500);
//   - poll 3 sees 29 of every 657 series (14 500), so that the observations
//     total exactly 1 000 000 (about 27.4 per route and date);
//   - after its first observation a series changes price at a poll with
//     probability 35 %, otherwise it is seen again at the same price and
//     folded into its latest document.
//
// Everything is computed from the series index and the poll with a fixed
// integer hash: the same flags always give the same observations.
const (
	numDates      = 365
	numTrips      = 3
	numProducts   = 3
	seriesPerDate = numTrips * numProducts
	numPolls      = 4
	changePercent = 35
	// Poll 3 sees the series whose index modulo lastPollEvery is below
	// lastPollFirst.
	lastPollEvery = 657
	lastPollFirst = 29
	source        = "bench"
)

var (
	firstDeparture = time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)
	firstPoll      = time.Date(2026, 11, 19, 6, 0, 0, 0, time.UTC)
	// stays of the trips; -1 is one way.
	stays = [numTrips]int{-1, 3, 7}
	// percentages of the trips' and products' prices over a one-way
	// economy fare of carrier A, and of the months of departure.
	tripPercent    = [numTrips]int64{100, 175, 185}
	productPercent = [numProducts]int64{100, 88, 320}
	monthPercent   = [12]int64{95, 90, 95, 100, 105, 115, 130, 130, 100, 105, 95, 125}
)

// dataset generates the observations.
type dataset struct {
	routes []route
}

// newDataset returns the data set of routeTable.
func newDataset() (*dataset, error) {
	routes, err := parseRoutes(routeTable)
	if err != nil {
		return nil, err
	}
	return &dataset{routes: routes}, nil
}

// series returns how many series the data set has.
func (d *dataset) series() int { return len(d.routes) * numDates * seriesPerDate }

// polled reports whether poll p observes series g.
func polled(g, p int) bool { return p < 3 || g%lastPollEvery < lastPollFirst }

// pollTime is the instant of poll p.
func pollTime(p int) time.Time { return firstPoll.Add(time.Duration(p) * 24 * time.Hour) }

// totals are the counts of a data set: observations, series (one latest
// document each) and change points (observations whose price differs from
// the one before in their series, the first included).
type totals struct {
	Observations int
	Series       int
	ChangePoints int
}

// totals counts what the data set yields.
func (d *dataset) totals() totals {
	t := totals{Series: d.series()}
	for g := range t.Series {
		var last int64
		for p := range numPolls {
			if !polled(g, p) {
				continue
			}
			t.Observations++
			if price := d.price(g, p); p == 0 || price != last {
				t.ChangePoints++
				last = price
			}
		}
	}
	return t
}

// key returns the series key of series g.
func (d *dataset) key(g int) (fare.SeriesKey, route) {
	product := g % numProducts
	trip := g / numProducts % numTrips
	date := g / seriesPerDate % numDates
	r := d.routes[g/seriesPerDate/numDates]
	dep := firstDeparture.AddDate(0, 0, date)
	k := fare.SeriesKey{Source: source, Origin: r.Origin, Destination: r.Destination,
		Departure: dep.Format(fare.DateLayout), Cabin: "ECONOMY", NonStop: product != 1,
		Carrier: r.Carriers[product%2], Currency: r.Currency}
	if product == 2 {
		k.Cabin = "BUSINESS"
	}
	if stays[trip] >= 0 {
		k.Return = dep.AddDate(0, 0, stays[trip]).Format(fare.DateLayout)
	}
	return k, r
}

// price returns the price of series g at poll p, in minor units: a new
// level at poll 0 and at every poll the series changes price.
func (d *dataset) price(g, p int) int64 {
	level := d.level(g, 0)
	for q := 1; q <= p; q++ {
		if mix(g, q, 1)%100 >= changePercent {
			continue
		}
		next := d.level(g, q)
		if next == level {
			next += d.step(g)
		}
		level = next
	}
	return level
}

// level is a price of series g drawn at poll p: the route's fare scaled by
// trip, product, month and weekday of departure, and ±15 % of noise,
// rounded to the currency's usual step.
func (d *dataset) level(g, p int) int64 {
	product := g % numProducts
	trip := g / numProducts % numTrips
	date := g / seriesPerDate % numDates
	r := d.routes[g/seriesPerDate/numDates]
	dep := firstDeparture.AddDate(0, 0, date)
	weekday := int64(100)
	if wd := dep.Weekday(); wd == time.Friday || wd == time.Sunday {
		weekday = 108
	}
	noise := 85 + int64(mix(g, p, 2)%31)
	v := r.Base * tripPercent[trip] / 100 * productPercent[product] / 100 *
		monthPercent[dep.Month()-1] / 100 * weekday / 100 * noise / 100
	step := d.step(g)
	v = v / step * step
	return max(v, step)
}

// step is the smallest price difference of series g: 100 KRW, 10 JPY, one
// minor unit otherwise.
func (d *dataset) step(g int) int64 {
	switch d.routes[g/seriesPerDate/numDates].Currency {
	case "KRW":
		return 100
	case "JPY":
		return 10
	}
	return 1
}

// observation returns the observation of series g at poll p.
func (d *dataset) observation(g, p int) (fare.Observation, error) {
	k, r := d.key(g)
	price, err := fare.MoneyFromMinor(d.price(g, p), r.Currency)
	if err != nil {
		return fare.Observation{}, fmt.Errorf("pricing series %d: %w", g, err)
	}
	return fare.NewObservation(k, pollTime(p), price, 1+int(mix(g, p, 3)%8)), nil
}

// writePoll writes the observations of poll p to w as curated gzip NDJSON,
// as the transform step writes them, in route, date, trip and product
// order, and returns how many it wrote.
func (d *dataset) writePoll(w io.Writer, p int) (int, error) {
	nw := ndjson.NewWriter(w)
	var line []byte
	for g := range d.series() {
		if !polled(g, p) {
			continue
		}
		o, err := d.observation(g, p)
		if err != nil {
			return nw.Lines(), err
		}
		line = o.AppendJSON(line[:0])
		if err := nw.WriteLine(line); err != nil {
			return nw.Lines(), fmt.Errorf("writing poll %d: %w", p, err)
		}
	}
	if err := nw.Close(); err != nil {
		return nw.Lines(), fmt.Errorf("writing poll %d: %w", p, err)
	}
	return nw.Lines(), nil
}

// mix hashes a series, a poll and a salt into 64 well-mixed bits
// (splitmix64's finaliser).
func mix(g, p, salt int) uint64 {
	x := uint64(g)*0x9e3779b97f4a7c15 ^ uint64(p)<<40 ^ uint64(salt)<<56
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}
