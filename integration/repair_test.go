package integration

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/elastic/go-elasticsearch/v8"

	"github.com/farepipe/farepipe/internal/esindex"
	"github.com/farepipe/farepipe/internal/fare"
	"github.com/farepipe/farepipe/internal/testenv"
)

// Poisoned instants: one before the floor, one far in the future.
var (
	poisonPast   = time.Date(1999, 12, 31, 23, 0, 0, 0, time.UTC)
	poisonFuture = time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC)
)

// acceptAll bounds nothing: how series were poisoned before time bounds.
var acceptAll = fare.TimeBounds{Min: time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC),
	Now: func() time.Time { return poisonFuture }, MaxSkew: time.Hour}

// TestRepairEndsAsOneOrderedPassOverWhatIsKept generates series over a few
// days, poisons some of them with instants before the floor and far in the
// future (some series are nothing but poison), indexes it all as it was
// before time bounds, then repairs the poisoned series through a fault
// proxy answering some bulk items 429 while later days are indexed at the
// same time, rerunning what did not finish as an operator would. Every
// document of the change log and of latest must equal what one sequential
// run over the good observations wrote.
func TestRepairEndsAsOneOrderedPassOverWhatIsKept(t *testing.T) {
	seed := rand.Uint64()
	rng := rand.New(rand.NewPCG(seed, 11))
	deadline := time.Now().Add(15 * time.Second)
	for trial := 0; trial < 2 || time.Now().Before(deadline); trial++ {
		t.Run(fmt.Sprintf("trial %d", trial), func(t *testing.T) {
			good := randomObservations(t, rng, 50+rng.IntN(150), 2+rng.IntN(3))
			later := laterDays(t, rng, good, 3)
			poisoned := poison(t, rng, good)
			faultRate := []float64{0, 0.1, 0.3}[rng.IntN(3)]

			ref, got := newEnv(t), newEnv(t)
			want := slices.Concat(good, later)
			slices.SortStableFunc(want, func(a, b fare.Observation) int { return a.ObservedAt.Compare(b.ObservedAt) })
			if sum, err := indexObservations(t, ref.es, ref.prefix, 1000, want); err != nil || !sum.Complete() {
				t.Fatalf("reference run: %s, %v", sum, err)
			}
			if sum, err := indexWith(t, got.es, got.prefix, acceptAll, slices.Concat(good, poisoned)); err != nil || !sum.Complete() {
				t.Fatalf("poisoning run: %s, %v", sum, err)
			}

			es := faultyES(t, faultRate, faultRate/3, rng.Uint64())
			var wg sync.WaitGroup
			wg.Add(1)
			go func() {
				defer wg.Done()
				indexUntilComplete(t, es, got.prefix, 50+rng.IntN(200), later)
			}()
			sum := repairUntilComplete(t, es, got.prefix)
			wg.Wait()
			// A repair whose write was done but whose answer was lost
			// does not know it dropped anything; its rerun finds nothing.
			if sum.Dropped > len(poisoned) || faultRate == 0 && sum.Dropped != len(poisoned) {
				t.Errorf("repair dropped %d instants, want the %d poisoned", sum.Dropped, len(poisoned))
			}
			if diff := diffIndices(ref, got); diff != "" {
				t.Fatalf("seed %d trial %d (%d good, %d poisoned, %d later, fault rate %v): %s",
					seed, trial, len(good), len(poisoned), len(later), faultRate, diff)
			}
			again, err := repairOnce(t, got.es, got.prefix, nil)
			if err != nil || again.Repaired != 0 || again.Series != 0 {
				t.Errorf("repairing a repaired index: %+v, %v; want nothing to do", again, err)
			}
		})
	}
}

// poison returns observations at poisoned instants: for about a fifth of
// the series of good, one or both; and a few series of nothing else.
func poison(t *testing.T, rng *rand.Rand, good []fare.Observation) []fare.Observation {
	var out []fare.Observation
	seen := map[string]bool{}
	for _, o := range good {
		if seen[o.SeriesID] || rng.IntN(5) != 0 {
			seen[o.SeriesID] = true
			continue
		}
		seen[o.SeriesID] = true
		for _, at := range [][]time.Time{{poisonFuture}, {poisonPast}, {poisonPast, poisonFuture}}[rng.IntN(3)] {
			price, _ := fare.MoneyFromMinor(o.Price.Minor+int64(rng.IntN(2))*1_000, o.Key.Currency)
			out = append(out, fare.NewObservation(o.Key, at, price, 1))
		}
	}
	for i := range 1 + rng.IntN(3) {
		key := fare.SeriesKey{Source: "prop", Origin: "GMP", Destination: "HND", Departure: "2027-02-01",
			Cabin: "ECONOMY", Carrier: fmt.Sprintf("P%d", i), Currency: "KRW"}
		price, _ := fare.MoneyFromMinor(99_000, "KRW")
		out = append(out, fare.NewObservation(key, poisonFuture, price, 1))
	}
	return out
}

// laterDays returns observations of the series of good on the days after
// the first days of good.
func laterDays(t *testing.T, rng *rand.Rand, good []fare.Observation, days int) []fare.Observation {
	var out []fare.Observation
	seen := map[string]bool{}
	for _, o := range good {
		if seen[o.SeriesID] {
			continue
		}
		seen[o.SeriesID] = true
		for d := range days {
			if rng.IntN(3) == 0 {
				continue
			}
			price, _ := fare.MoneyFromMinor(200_000+int64(rng.IntN(3))*5_000, "KRW")
			at := time.Date(2026, 11, 10+d, 6, rng.IntN(5), 0, 0, time.UTC)
			out = append(out, fare.NewObservation(o.Key, at, price, 1+rng.IntN(5)))
		}
	}
	return out
}

// faultyES is a client whose bulk items are answered 429 at itemRate, and
// whose whole bulk and mget requests are answered 429 or 503, or dropped
// with no answer (before or after the node did them), at requestRate.
func faultyES(t *testing.T, itemRate, requestRate float64, seed uint64) *elasticsearch.Client {
	proxy := newFaultProxy(t, testenv.ES(t))
	var mu sync.Mutex
	rng := rand.New(rand.NewPCG(seed, 1))
	draw := func(rate float64) bool {
		mu.Lock()
		defer mu.Unlock()
		return rng.Float64() < rate
	}
	proxy.set(func(p *faultProxy) {
		p.item = func(string, string, string) int {
			if draw(itemRate) {
				return http.StatusTooManyRequests
			}
			return 0
		}
		p.request = func() int {
			if !draw(requestRate) {
				return 0
			}
			mu.Lock()
			defer mu.Unlock()
			return []int{http.StatusTooManyRequests, http.StatusServiceUnavailable, dropConnection, dropAnswer}[rng.IntN(4)]
		}
	})
	// Retried as the steps' client (step.ESClient) retries whole
	// requests: 429 and 5xx, three times, with a backoff (shortened here).
	es, err := elasticsearch.NewClient(elasticsearch.Config{Addresses: []string{proxy.URL},
		RetryOnStatus: []int{502, 503, 504, 429}, MaxRetries: 3,
		RetryBackoff: func(n int) time.Duration { return time.Duration(n) * time.Millisecond }})
	if err != nil {
		t.Fatal(err)
	}
	return es
}

// repairUntilComplete repairs the series outside the default time bounds,
// then the series it names as unfinished until none is left, as the exit
// message of farepipe repair tells an operator to.
func repairUntilComplete(t *testing.T, es *elasticsearch.Client, prefix string) esindex.RepairSummary {
	t.Helper()
	var total esindex.RepairSummary
	var series []string
	for attempt := 1; ; attempt++ {
		sum, err := repairOnce(t, es, prefix, series)
		total.Dropped += sum.Dropped
		if err == nil && sum.WritesFailed == 0 {
			return total
		}
		if attempt == 50 {
			t.Fatalf("repair still fails after %d runs: %+v, %v", attempt, sum, err)
		}
		if len(sum.Unfinished) > 0 {
			series = sum.Unfinished
		}
	}
}

// repairOnce runs one repair of the given series (nil: those outside the
// default time bounds).
func repairOnce(t *testing.T, es *elasticsearch.Client, prefix string, series []string) (esindex.RepairSummary, error) {
	ix, err := esindex.New(es, esindex.Config{Prefix: prefix, MaxRetries: 1, Refresh: true,
		Backoff: time.Millisecond, MaxBackoff: 5 * time.Millisecond,
		DeadLetter: func(dl esindex.DeadLetter) error { return fmt.Errorf("unexpected dead letter %+v", dl) }})
	if err != nil {
		t.Fatal(err)
	}
	return ix.Repair(context.Background(), esindex.Repair{Series: series, Keep: fare.TimeBounds{}.Window()}, nil)
}

// indexWith indexes obs in one run under the given time bounds.
func indexWith(t *testing.T, es *elasticsearch.Client, prefix string, times fare.TimeBounds, obs []fare.Observation) (esindex.Summary, error) {
	var body bytes.Buffer
	for i := range obs {
		body.Write(obs[i].AppendJSON(nil))
		body.WriteByte('\n')
	}
	ix, err := esindex.New(es, esindex.Config{Prefix: prefix, Times: times, Refresh: true,
		DeadLetter: func(dl esindex.DeadLetter) error { return fmt.Errorf("unexpected dead letter %+v", dl) }})
	if err != nil {
		t.Fatal(err)
	}
	return ix.Index(context.Background(), &body)
}

// TestIndexDeadLettersInstantsOutsideTheTimeBounds checks that index
// refuses what transform would quarantine, for curated input written by
// anything else: the poisoned observation is dead-lettered with its reason,
// the good ones are indexed.
func TestIndexDeadLettersInstantsOutsideTheTimeBounds(t *testing.T) {
	e := newEnv(t)
	uri := e.curated("poisoned.ndjson", point{hour(6), 200_000}, point{poisonFuture, 150_000},
		point{poisonPast, 150_000}, point{hour(7), 210_000})
	r := e.run("index", "--in", uri)
	if r.code != 0 {
		t.Fatalf("index: exit %d, want 0 (the good observations are indexed)\n%s", r.code, r.stderr)
	}
	if r.outputs["created"] != "2" || r.outputs["dead_lettered"] != "2" {
		t.Errorf("outputs %v, want 2 created and 2 dead_lettered", r.outputs)
	}
	dl := fmt.Sprint(records(t, e.get(r.outputs["dead-letter"])))
	for _, want := range []string{"observed_at", "9999-12-31T23:59:59Z", "after", "1999-12-31T23:00:00Z", "before"} {
		if !strings.Contains(dl, want) {
			t.Errorf("dead letters do not name %q:\n%s", want, dl)
		}
	}
}

// TestRepairCommand drives farepipe repair as an operator would on a
// series poisoned by an instant far in the future.
func TestRepairCommand(t *testing.T) {
	e := newEnv(t)
	at := func(p point) fare.Observation {
		price, _ := fare.MoneyFromMinor(p.won, "KRW")
		return fare.NewObservation(series, p.at, price, 1)
	}
	obs := []fare.Observation{at(point{hour(6), 200_000}), at(point{hour(7), 210_000}), at(point{poisonFuture, 150_000})}
	if sum, err := indexWith(t, e.es, e.prefix, acceptAll, obs); err != nil || !sum.Complete() {
		t.Fatalf("poisoning run: %s, %v", sum, err)
	}
	sid := obs[0].SeriesID
	latest := func() map[string]any {
		e.refresh()
		return e.latestOf()
	}

	dry := e.must("farepipe", "repair", "--dry-run")
	for _, want := range []string{sid, "would drop 1 instants (9999-12-31T23:59:59Z)", "now 210000 KRW since 2026-11-21T07:00:00Z",
		"2 observations, 2 change points", "would repair 1 of 1 series"} {
		if !strings.Contains(dry.stdout, want) {
			t.Errorf("repair --dry-run does not say %q:\n%s", want, dry.stdout)
		}
	}
	if l := latest(); l["last_seen"] != "9999-12-31T23:59:59.000Z" {
		t.Errorf("a dry run changed latest: %v", l)
	}

	e.must("farepipe", "repair")
	if l := latest(); l["last_seen"] != "2026-11-21T07:00:00.000Z" || l["amount_minor"] != 210_000.0 || l["observations"] != 2.0 {
		t.Errorf("after repair, latest = %v; want 210000 KRW last seen at 07:00 of 2 observations", l)
	}
	if n := len(e.observations()); n != 2 {
		t.Errorf("%d change points after repair, want 2", n)
	}
	if again := e.must("farepipe", "repair"); !strings.Contains(again.stdout, "repaired 0 of 0 series") {
		t.Errorf("repair of a repaired index: %s", again.stdout)
	}

	if r := e.run("farepipe", "repair", "--drop", "2026-11-21T07:00:00Z"); r.code != 2 || !strings.Contains(r.stderr, "--series") {
		t.Errorf("--drop without --series: exit %d, %s; want 2 naming --series", r.code, r.stderr)
	}
	e.must("farepipe", "repair", "--series", sid, "--drop", "2026-11-21T07:00:00Z")
	if l := latest(); l["last_seen"] != "2026-11-21T06:00:00.000Z" || l["amount_minor"] != 200_000.0 || l["change_points"] != 1.0 {
		t.Errorf("after dropping 07:00, latest = %v; want 200000 KRW last seen at 06:00, one change point", l)
	}
	if n := len(e.observations()); n != 1 {
		t.Errorf("%d change points after dropping 07:00, want 1", n)
	}
}
