package querytest

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/farepipe/farepipe/internal/fare"
)

// Day1, Day2 and Day3 are the instants the fixture's fares were seen at.
const (
	Day1 = "2026-11-19T06:00:00Z"
	Day2 = "2026-11-20T06:00:00Z"
	Day3 = "2026-11-21T06:00:00Z"
)

// FixtureNow is a sensible "now" for the fixture: six hours after Day3.
var FixtureNow = time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)

// Fixture returns the observations of a small market, in two batches to
// index one after the other: the second holds late observations, older
// than what the first already indexed.
//
// ICN-NRT, in KRW, departures 2027-01-04 (a Monday) to 2027-01-17: for
// each date one-way fares and round trips of 3 and 7 days, by KE
// (non-stop) and 7C (one stop), in ECONOMY, plus KE BUSINESS round trips of
// 3 days. Seen on Day1, Day2 and Day3 with prices moving on some days;
// some series are not seen after Day1 or Day2 (old for maxAge). One
// series of 2027-01-06 is given a late observation. ICN-KIX has the same
// fares in KRW and, for some dates, in USD too.
func Fixture(t testing.TB) (first, late []fare.Observation) {
	t.Helper()
	dep0 := time.Date(2027, 1, 4, 0, 0, 0, 0, time.UTC)
	days := []string{Day1, Day2, Day3}
	type carrier struct {
		code    string
		nonStop bool
	}
	carriers := []carrier{{"KE", true}, {"7C", false}}
	for i := 0; i < 14; i++ {
		dep := dep0.AddDate(0, 0, i)
		for si, stay := range []int{-1, 3, 7} {
			for ci, c := range carriers {
				for ki, cabin := range []string{"ECONOMY", "BUSINESS"} {
					if cabin == "BUSINESS" && (c.code != "KE" || stay != 3) {
						continue
					}
					ret := ""
					if stay >= 0 {
						ret = dep.AddDate(0, 0, stay).Format(fare.DateLayout)
					}
					key := fare.SeriesKey{Source: "fixture", Origin: "ICN", Destination: "NRT",
						Departure: dep.Format(fare.DateLayout), Return: ret, Cabin: cabin, NonStop: c.nonStop,
						Carrier: c.code, Currency: "KRW"}
					base := 150000 + int64((i*37+si*53+ci*71)%41)*2500 + int64(ki)*400000
					if stay < 0 {
						base -= 40000
					}
					seen := 3 - (i+ci)%4/3 - (i*si+ci)%5/4 // 1 to 3 days
					for d := 0; d < seen; d++ {
						price := base + int64(((i+d*si+ci)%3)-1)*int64(d)*3000
						first = append(first, obs(t, key, days[d], price))
					}
					kix := key
					kix.Destination = "KIX"
					first = append(first, obs(t, kix, Day3, base+1000))
					if i%4 == 1 && ki == 0 {
						usd := kix
						usd.Currency = "USD"
						first = append(first, obs(t, usd, Day3, base/10))
					}
				}
			}
		}
	}
	// A tie: on 2027-01-09 the 3-day KE and 7C round trips end at the
	// same price, the cheapest round trip of the date.
	for _, c := range carriers {
		key := fare.SeriesKey{Source: "fixture", Origin: "ICN", Destination: "NRT", Departure: "2027-01-09",
			Return: "2027-01-12", Cabin: "ECONOMY", NonStop: c.nonStop, Carrier: c.code, Currency: "KRW"}
		first = slices.DeleteFunc(first, func(o fare.Observation) bool { return o.SeriesID == key.ID() })
		first = append(first, obs(t, key, Day2, 131000), obs(t, key, Day3, 120000))
	}
	// The 2027-01-06 3-day KE round trip: seen at A on Day1 and B on Day3
	// first; then, late, at B on Day2: the change to B moves from Day3 to
	// Day2.
	key := fare.SeriesKey{Source: "fixture", Origin: "ICN", Destination: "NRT", Departure: "2027-01-06",
		Return: "2027-01-09", Cabin: "ECONOMY", NonStop: true, Carrier: "KE", Currency: "KRW"}
	first = slices.DeleteFunc(first, func(o fare.Observation) bool { return o.SeriesID == key.ID() })
	first = append(first, obs(t, key, Day1, 180000), obs(t, key, Day3, 171000))
	late = []fare.Observation{obs(t, key, Day2, 171000)}
	return first, late
}

func obs(t testing.TB, key fare.SeriesKey, at string, minor int64) fare.Observation {
	t.Helper()
	m, err := fare.MoneyFromMinor(minor, key.Currency)
	if err != nil {
		t.Fatal(err)
	}
	return Obs(t, key, at, m.Amount)
}

// Current is the state of one series after all its observations, computed
// from the observations alone.
type Current struct {
	Key       fare.SeriesKey
	SeriesID  string
	Price     fare.Money
	LastSeen  time.Time
	ChangedAt time.Time // first instant of the last run of the current price
}

// CurrentOf folds observations, in any order, into the current state of
// each series.
func CurrentOf(obs []fare.Observation) map[string]Current {
	bySeries := map[string][]fare.Observation{}
	for _, o := range obs {
		bySeries[o.SeriesID] = append(bySeries[o.SeriesID], o)
	}
	out := map[string]Current{}
	for id, list := range bySeries {
		slices.SortFunc(list, func(a, b fare.Observation) int { return a.ObservedAt.Compare(b.ObservedAt) })
		last := list[len(list)-1]
		changed := last.ObservedAt
		for i := len(list) - 1; i >= 0 && list[i].Price.Minor == last.Price.Minor; i-- {
			changed = list[i].ObservedAt
		}
		out[id] = Current{Key: last.Key, SeriesID: id, Price: last.Price, LastSeen: last.ObservedAt, ChangedAt: changed}
	}
	return out
}

// Cheapest picks the cheapest of cs by group (as key names it), breaking
// ties by departure date, then series id; the result is sorted by
// departure and return date.
func Cheapest(cs []Current, key func(Current) string) []Current {
	best := map[string]Current{}
	for _, c := range cs {
		k := key(c)
		b, ok := best[k]
		if !ok || cmp.Or(cmp.Compare(c.Price.Minor, b.Price.Minor), cmp.Compare(c.Key.Departure, b.Key.Departure),
			cmp.Compare(c.SeriesID, b.SeriesID)) < 0 {
			best[k] = c
		}
	}
	out := make([]Current, 0, len(best))
	for _, c := range best {
		out = append(out, c)
	}
	slices.SortFunc(out, func(a, b Current) int {
		return cmp.Or(cmp.Compare(a.Key.Departure, b.Key.Departure), cmp.Compare(a.Key.Return, b.Key.Return))
	})
	return out
}

// StayOf returns the days of a round trip, -1 for one way.
func StayOf(k fare.SeriesKey) int {
	if k.Return == "" {
		return -1
	}
	d, _ := time.Parse(fare.DateLayout, k.Departure)
	r, _ := time.Parse(fare.DateLayout, k.Return)
	return int(math.Round(r.Sub(d).Hours() / 24))
}

// WeekOf names the ISO week of a departure, "2027-W01".
func WeekOf(k fare.SeriesKey) string {
	d, _ := time.Parse(fare.DateLayout, k.Departure)
	y, w := d.ISOWeek()
	return fmt.Sprintf("%04d-W%02d", y, w)
}

// ChangePrices returns, for each series, the prices it took in time order
// with repeats in a row folded: what a price history is made of.
func ChangePrices(obs []fare.Observation, keep func(fare.SeriesKey) bool) (prices []int64, series int) {
	bySeries := map[string][]fare.Observation{}
	for _, o := range obs {
		if keep(o.Key) {
			bySeries[o.SeriesID] = append(bySeries[o.SeriesID], o)
		}
	}
	for _, list := range bySeries {
		slices.SortFunc(list, func(a, b fare.Observation) int { return a.ObservedAt.Compare(b.ObservedAt) })
		for i, o := range list {
			if i == 0 || o.Price.Minor != list[i-1].Price.Minor {
				prices = append(prices, o.Price.Minor)
			}
		}
	}
	return prices, len(bySeries)
}

// NearestRank returns the p-th percentile (0 < p <= 100) of values by the
// nearest-rank method, computed as the textbook states it.
func NearestRank(values []int64, p float64) int64 {
	s := slices.Clone(values)
	slices.Sort(s)
	rank := int(math.Ceil(p / 100 * float64(len(s))))
	return s[rank-1]
}
