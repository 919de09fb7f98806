package esindex

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/farepipe/farepipe/internal/fare"
)

// withBreakdown is obsAt with a base of won-minute and a grand total of
// won+minute, so each observation's breakdown names its minute.
func withBreakdown(t *testing.T, minute int, won int64) fare.Observation {
	t.Helper()
	o := obsAt(t, minute, won)
	var err error
	o.Breakdown, err = fare.NewBreakdown(o.Price, fmt.Sprint(won-int64(minute)), fmt.Sprint(won+int64(minute)))
	if err != nil {
		t.Fatal(err)
	}
	return o
}

// TestFoldKeepsTheBreakdownOfTheNewestObservation: whatever order the
// observations of a series come in and however they are split into runs,
// the latest document ends with the breakdown of the greatest observed_at.
func TestFoldKeepsTheBreakdownOfTheNewestObservation(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 8))
	for n := 0; n < 200; n++ {
		var all []fare.Observation
		newest := 0
		for i := 0; i < 1+rng.IntN(8); i++ {
			minute := 1 + rng.IntN(50)
			newest = max(newest, minute)
			// One instant, one observation: the price is the minute's.
			all = append(all, withBreakdown(t, minute, 1000+int64(minute%3)*100))
		}
		var cur *Latest
		for len(all) > 0 {
			k := 1 + rng.IntN(len(all))
			p, err := fold(cur, append([]fare.Observation(nil), all[:k]...))
			if err != nil {
				t.Fatal(err)
			}
			all = all[k:]
			if p.changed {
				l := p.latest
				cur = &l
			}
		}
		want := withBreakdown(t, newest, cur.Price.Minor).Breakdown
		if cur.Breakdown != want || cur.LastSeen.Minute() != newest%60 {
			t.Fatalf("latest breakdown %+v at %v, want %+v of minute %d", cur.Breakdown, cur.LastSeen, want, newest)
		}
	}
}

func TestLatestRoundTripWithMixAndBreakdown(t *testing.T) {
	o := withBreakdown(t, 3, 5000)
	o.Key.Passengers = fare.Passengers{Adults: 2, Infants: 1}
	o = fare.NewObservation(o.Key, o.ObservedAt, o.Price, 2)
	o.Breakdown, _ = fare.NewBreakdown(o.Price, "4000", "5100")
	l := folded(t, o)
	got, err := ParseLatest(l.AppendJSON(nil))
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(*got) != fmt.Sprint(*l) || got.Key.Adults != 2 || got.Breakdown.Taxes.Minor != 1000 || got.Breakdown.GrandTotal.Minor != 5100 {
		t.Errorf("ParseLatest(AppendJSON(l)) = %+v, want %+v", got, l)
	}
}
