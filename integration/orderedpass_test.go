package integration

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/elastic/go-elasticsearch/v8"

	"github.com/farepipe/farepipe/internal/esindex"
	"github.com/farepipe/farepipe/internal/fare"
)

// The promise of esindex: any set of observations, indexed in any
// interleaving by any number of concurrent, repeated or retried runs, ends
// in exactly the state of one sequential pass in observed_at order.

// TestAnyInterleavingOfRunsEndsAsOneOrderedPass generates observation sets
// over a few hundred series with price flips and repeats, splits them into
// objects (some observations in two), and indexes the objects with one to
// four concurrent runs in random order through a fault proxy that answers
// some bulk items 429, and some whole bulk and mget requests 429 or 503 or
// not at all (the connection dropped before or after the node did them, as
// when it dies); a run that does not complete is run again, as Argo
// retries exit code 1. Every document of the change log and of latest must
// equal what one sequential run over the sorted set wrote.
func TestAnyInterleavingOfRunsEndsAsOneOrderedPass(t *testing.T) {
	seed := rand.Uint64()
	rng := rand.New(rand.NewPCG(seed, 9))
	deadline := time.Now().Add(30 * time.Second)
	for trial := 0; trial < 3 || time.Now().Before(deadline); trial++ {
		set := randomObservations(t, rng, 100+rng.IntN(200), 3+rng.IntN(6))
		objects := splitObjects(rng, set, 2+rng.IntN(4))
		c := interleaving{runs: 1 + rng.IntN(4), chunk: 20 + rng.IntN(400), faultRate: []float64{0, 0, 0.1, 0.3}[rng.IntN(4)],
			requestFaultRate: []float64{0, 0, 0.02, 0.1}[rng.IntN(4)]}
		t.Run(fmt.Sprintf("trial %d", trial), func(t *testing.T) {
			if diff := c.check(t, set, objects, rng.Uint64()); diff != "" {
				t.Fatalf("seed %d trial %d (%d observations, %d objects, %+v): %s", seed, trial, len(set), len(objects), c, diff)
			}
		})
	}
}

// TestConcurrentDaysEndAsOneOrderedPass is the reproduction of issue 9:
// three daily objects of the same series, day 1 indexed first, days 2 and
// 3 at once. Prices flip back and forth so that the order matters.
func TestConcurrentDaysEndAsOneOrderedPass(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 3))
	set := randomObservations(t, rng, 2000, 3)
	day := func(d int) []fare.Observation {
		var out []fare.Observation
		for _, o := range set {
			if o.ObservedAt.Day()-1 == d {
				out = append(out, o)
			}
		}
		return out
	}
	for i := 0; i < 2; i++ {
		c := interleaving{runs: 2, chunk: 500, first: 1}
		if diff := c.check(t, set, [][]fare.Observation{day(0), day(1), day(2)}, uint64(i)); diff != "" {
			t.Fatalf("days 2 and 3 at once, attempt %d: %s", i, diff)
		}
	}
}

// interleaving is how a trial indexes its objects.
type interleaving struct {
	runs      int     // concurrent index runs
	chunk     int     // esindex ChunkSize
	faultRate float64 // share of bulk items answered 429
	// requestFaultRate is the share of whole bulk and mget requests
	// answered 429 or 503, or dropped with no answer as by a node that
	// dies, before or after doing them.
	requestFaultRate float64
	first            int // objects indexed alone, in order, before the others start
}

// check indexes set in one sorted run under a reference prefix, and
// objects as c says under another, and returns how the two differ.
func (c interleaving) check(t *testing.T, set []fare.Observation, objects [][]fare.Observation, seed uint64) string {
	t.Helper()
	ref, got := newEnv(t), newEnv(t)
	sorted := slices.Clone(set)
	slices.SortStableFunc(sorted, func(a, b fare.Observation) int { return a.ObservedAt.Compare(b.ObservedAt) })
	if sum, err := indexObservations(t, ref.es, ref.prefix, 1000, sorted); err != nil || !sum.Complete() {
		t.Fatalf("reference run: %s, %v", sum, err)
	}

	es := faultyES(t, c.faultRate, c.requestFaultRate, seed)
	for _, obj := range objects[:c.first] {
		indexUntilComplete(t, es, got.prefix, c.chunk, obj)
	}
	queue := make(chan []fare.Observation, len(objects))
	for _, obj := range objects[c.first:] {
		queue <- obj
	}
	close(queue)
	var wg sync.WaitGroup
	for range c.runs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for obj := range queue {
				indexUntilComplete(t, es, got.prefix, c.chunk, obj)
			}
		}()
	}
	wg.Wait()
	return diffIndices(ref, got)
}

// indexUntilComplete indexes obs until a run completes, as Argo reruns a
// step that exits 1 (a run that failed as a whole is run again too).
func indexUntilComplete(t *testing.T, es *elasticsearch.Client, prefix string, chunk int, obs []fare.Observation) {
	for attempt := 1; ; attempt++ {
		sum, err := indexObservations(t, es, prefix, chunk, obs)
		if err == nil && sum.Complete() {
			return
		}
		if attempt == 50 {
			t.Errorf("an object still fails after %d runs: %s, %v", attempt, sum, err)
			return
		}
	}
}

// indexObservations runs esindex over obs as one curated object.
func indexObservations(t *testing.T, es *elasticsearch.Client, prefix string, chunk int, obs []fare.Observation) (esindex.Summary, error) {
	var body bytes.Buffer
	for i := range obs {
		body.Write(obs[i].AppendJSON(nil))
		body.WriteByte('\n')
	}
	ix, err := esindex.New(es, esindex.Config{Prefix: prefix, ChunkSize: chunk, MaxRetries: 1,
		Backoff: time.Millisecond, MaxBackoff: 5 * time.Millisecond,
		DeadLetter: func(dl esindex.DeadLetter) error { return fmt.Errorf("unexpected dead letter %+v", dl) }})
	if err != nil {
		t.Fatal(err)
	}
	sum, err := ix.Index(context.Background(), &body)
	if err == nil && !sum.Accounted() {
		t.Errorf("index run: %s does not account for every record", sum)
	}
	return sum, err
}

// randomObservations returns observations of n series over days polls, at
// 06:00 give or take a few minutes, each series seen on most days, its
// price one of three so that it moves away and back.
func randomObservations(t *testing.T, rng *rand.Rand, n, days int) []fare.Observation {
	var out []fare.Observation
	for s := 0; s < n; s++ {
		key := fare.SeriesKey{Source: "prop", Origin: "ICN", Destination: "NRT",
			Departure: time.Date(2027, 1, 1+s%28, 0, 0, 0, 0, time.UTC).Format(fare.DateLayout),
			Cabin:     "ECONOMY", NonStop: s%2 == 0, Carrier: fmt.Sprintf("%c%d", 'A'+s/280, s/28%10), Currency: "KRW"}
		for d := 0; d < days; d++ {
			if rng.IntN(5) == 0 {
				continue
			}
			price, err := fare.MoneyFromMinor(200_000+int64(rng.IntN(3))*5_000, "KRW")
			if err != nil {
				t.Fatal(err)
			}
			at := time.Date(2026, 11, 1+d, 6, rng.IntN(5), 0, 0, time.UTC)
			out = append(out, fare.NewObservation(key, at, price, 1+rng.IntN(5)))
		}
	}
	return out
}

// splitObjects deals set out to k objects in random order, a tenth of the
// observations to two objects.
func splitObjects(rng *rand.Rand, set []fare.Observation, k int) [][]fare.Observation {
	objects := make([][]fare.Observation, k)
	for _, i := range rng.Perm(len(set)) {
		j := rng.IntN(k)
		objects[j] = append(objects[j], set[i])
		if rng.IntN(10) == 0 {
			j := rng.IntN(k)
			objects[j] = append(objects[j], set[i])
		}
	}
	return objects
}

// diffIndices compares every document of two prefixes' change logs and
// latest indices, leaving out the bookkeeping of how they were written
// (gen, pending, versions).
func diffIndices(ref, got *env) string {
	for _, kind := range []func(*env) []doc{(*env).observations, (*env).latest} {
		want, have := kind(ref), kind(got)
		if len(want) != len(have) {
			return fmt.Sprintf("%d documents, want %d (%s)", len(have), len(want), firstMissing(ref, got, want, have))
		}
		for i := range want {
			w, h := want[i], have[i]
			delete(w.Source, "gen")
			delete(w.Source, "pending")
			delete(h.Source, "gen")
			delete(h.Source, "pending")
			if strings.TrimPrefix(w.Index, ref.prefix) != strings.TrimPrefix(h.Index, got.prefix) || w.ID != h.ID ||
				!reflect.DeepEqual(w.Source, h.Source) {
				return fmt.Sprintf("document %s/%s = %v,\nwant %s/%s = %v", h.Index, h.ID, h.Source, w.Index, w.ID, w.Source)
			}
		}
	}
	return ""
}

func firstMissing(ref, got *env, want, have []doc) string {
	ids := map[string]bool{}
	for _, d := range have {
		ids[strings.TrimPrefix(d.Index, got.prefix)+"/"+d.ID] = true
	}
	for _, d := range want {
		if !ids[strings.TrimPrefix(d.Index, ref.prefix)+"/"+d.ID] {
			return fmt.Sprintf("missing %s/%s %v", d.Index, d.ID, d.Source)
		}
	}
	ids = map[string]bool{}
	for _, d := range want {
		ids[strings.TrimPrefix(d.Index, ref.prefix)+"/"+d.ID] = true
	}
	for _, d := range have {
		if !ids[strings.TrimPrefix(d.Index, got.prefix)+"/"+d.ID] {
			return fmt.Sprintf("extra %s/%s %v", d.Index, d.ID, d.Source)
		}
	}
	return "the same ids"
}
