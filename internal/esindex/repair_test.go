package esindex

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/farepipe/farepipe/internal/fare"
)

// repair prunes s as a repair run's round does; with crash, the run stops
// after replacing the latest document, before its change-log writes.
func (s *store) repair(t *testing.T, r *Repair, crash bool) {
	t.Helper()
	if s.latest == nil {
		for at := range s.log { // the orphans a deleting repair left
			if r.drops(at) {
				delete(s.log, at)
			}
		}
		return
	}
	ups, dels, err := reassert(s.latest)
	if err != nil {
		t.Fatal(err)
	}
	s.write(ups, dels)
	p, err := prune(s.latest, r)
	if err != nil {
		t.Fatal(err)
	}
	if !p.changed {
		return
	}
	if p.remove {
		s.latest = nil
	} else {
		s.latest = &p.latest
	}
	if !crash {
		s.write(p.upserts, p.deletes)
	}
}

// TestRepairIsOneOrderedPassOverWhatIsKept checks the promise of Repair on
// random histories of one series, indexed in random runs: dropping random
// instants, by a window and by name, with a repair that may stop half way
// and run again, leaves what one sequential pass over the instants kept
// leaves, and so does indexing more observations afterwards.
func TestRepairIsOneOrderedPassOverWhatIsKept(t *testing.T) {
	seed := rand.Uint64()
	rng := rand.New(rand.NewPCG(seed, 3))
	base := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	for trial := 0; trial < 500; trial++ {
		set := randomSet(t, rng, 1+rng.IntN(30))
		got := &store{log: map[int64]entry{}}
		for _, in := range randomRuns(rng, set) {
			got.index(t, in, rng.IntN(5) == 0) // some runs stop half way, not run again
		}
		got.index(t, set, false) // all of it once more: every run done

		r := &Repair{Keep: fare.Window{Min: base.Add(time.Duration(rng.IntN(10)) * time.Minute),
			Max: base.Add(time.Duration(50+rng.IntN(20)) * time.Minute)}}
		for range rng.IntN(3) {
			r.Drop = append(r.Drop, base.Add(time.Duration(rng.IntN(60))*time.Minute))
		}
		var kept []fare.Observation
		for _, o := range set {
			if !r.drops(o.ObservedAt.UnixMilli()) {
				kept = append(kept, o)
			}
		}
		crash := rng.IntN(3) == 0
		got.repair(t, r, crash)
		if crash {
			got.repair(t, r, false)
			if got.latest != nil && len(got.latest.Pending) > 0 {
				got.index(t, kept[:1], false) // the next fold finishes what the repair left pending
			}
		}
		if len(kept) == 0 {
			if got.latest != nil || len(got.log) > 0 {
				t.Fatalf("seed %d trial %d: every instant dropped, still stored: latest %+v, change log %v",
					seed, trial, got.latest, got.log)
			}
			continue
		}
		want := &store{log: map[int64]entry{}}
		want.index(t, slices.Clone(kept), false)
		if diff := compareStores(got, want); diff != "" {
			t.Fatalf("seed %d trial %d: after the repair: %s", seed, trial, diff)
		}

		more := randomSet(t, rng, 1+rng.IntN(10))
		more = slices.DeleteFunc(more, func(o fare.Observation) bool { return r.drops(o.ObservedAt.UnixMilli()) })
		if len(more) == 0 {
			continue
		}
		got.index(t, more, false)
		want.index(t, more, false)
		if diff := compareStores(got, want); diff != "" {
			t.Fatalf("seed %d trial %d: indexing after the repair: %s", seed, trial, diff)
		}
	}
}

func TestRepairValidate(t *testing.T) {
	at := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	for _, r := range []Repair{
		{Drop: []time.Time{at}},
		{Keep: fare.Window{Min: at, Max: at.Add(-time.Second)}},
	} {
		if err := r.Validate(); err == nil {
			t.Errorf("Validate(%+v) = nil, want an error", r)
		}
	}
	ok := Repair{Series: []string{"s"}, Drop: []time.Time{at}, Keep: fare.Window{Min: at, Max: at}}
	if err := ok.Validate(); err != nil {
		t.Errorf("Validate(%+v) = %v", ok, err)
	}
}

// TestRepairKeepsTheBreakdownOnlyWhileTheNewestInstantStays: the history
// keeps prices only, so a repair that drops the newest instant leaves the
// breakdown out rather than show one of another observation.
func TestRepairKeepsTheBreakdownOnlyWhileTheNewestInstantStays(t *testing.T) {
	cur := folded(t, withBreakdown(t, 0, 100), withBreakdown(t, 5, 110), withBreakdown(t, 10, 120))
	if cur.Breakdown == (fare.Breakdown{}) {
		t.Fatalf("the folded series has no breakdown: %+v", cur.Breakdown)
	}
	at := func(minute int) time.Time { return time.Date(2026, 11, 1, 0, minute, 0, 0, time.UTC) }
	p, err := prune(cur, &Repair{Series: []string{cur.SeriesID}, Drop: []time.Time{at(0)}})
	if err != nil {
		t.Fatal(err)
	}
	if p.latest.Breakdown != cur.Breakdown {
		t.Errorf("dropping the oldest instant: breakdown %+v, want %+v kept", p.latest.Breakdown, cur.Breakdown)
	}
	p, err = prune(cur, &Repair{Series: []string{cur.SeriesID}, Drop: []time.Time{at(10)}})
	if err != nil {
		t.Fatal(err)
	}
	if p.latest.Breakdown != (fare.Breakdown{}) || p.latest.Price.Minor != 110 {
		t.Errorf("dropping the newest instant: price %v, breakdown %+v; want 110 and no breakdown", p.latest.Price, p.latest.Breakdown)
	}
}
