package integration

import (
	"bytes"
	"context"
	"math/rand/v2"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/farepipe/farepipe/internal/esindex"
	"github.com/farepipe/farepipe/internal/fare"
	"github.com/farepipe/farepipe/internal/index"
	"github.com/farepipe/farepipe/internal/objstore"
	"github.com/farepipe/farepipe/internal/testenv"
)

// A latest document that could not be written is a failed write: with
// every bulk item of the latest index answered 429, index exits 1 and says
// how many writes failed; run again without the fault, it ends as a clean
// pass would.
func TestFailedLatestWritesExitRetryable(t *testing.T) {
	e := newEnv(t)
	proxy := newFaultProxy(t, testenv.ES(t))
	proxy.set(func(p *faultProxy) {
		p.item = func(index, _, _ string) int {
			if index == esindex.LatestIndex(e.prefix) {
				return http.StatusTooManyRequests
			}
			return 0
		}
	})
	key := fare.SeriesKey{Source: "test", Origin: "ICN", Destination: "NRT", Departure: "2027-03-01",
		Cabin: "ECONOMY", NonStop: true, Carrier: "KE", Currency: "KRW"}
	var lines [][]byte
	for d, won := range []int64{250_000, 250_000, 240_000} {
		price, err := fare.MoneyFromMinor(won, "KRW")
		if err != nil {
			t.Fatal(err)
		}
		o := fare.NewObservation(key, time.Date(2026, 10, 5+d, 6, 0, 0, 0, time.UTC), price, 1)
		lines = append(lines, o.AppendJSON(nil))
	}
	in := e.put("curated/source=test/date=2026-10-05/day.ndjson.gz", gzipped(t, lines...))

	r := e.run("index", "--in", in, "--es-url", proxy.URL, "--max-retries", "1")
	if r.code != 1 || r.outputs["failed"] != "3" || r.outputs["writes-failed"] != "1" || r.outputs["latest-written"] != "0" {
		t.Fatalf("index with every latest write answered 429: exit %d, outputs %v; want exit 1, 3 failed, 1 write failed\n%s",
			r.code, r.outputs, r.stderr)
	}
	if !strings.Contains(r.stderr, "running again will finish them") {
		t.Errorf("stderr %s, want the reason to run again", r.stderr)
	}
	if got := e.latest(); len(got) != 0 {
		t.Errorf("latest documents %v, want none written", got)
	}

	again := e.must("index", "--in", in)
	if again.outputs["created"] != "2" || again.outputs["unchanged"] != "1" || again.outputs["latest-written"] != "1" {
		t.Errorf("index again: outputs %v, want 2 created, 1 unchanged, 1 latest written", again.outputs)
	}
}

// TestMaxRetriesBoundsItemRetries checks that the index step's
// --max-retries is the number of times a bulk item answered 429 is sent
// again: none at 0, and no more than asked otherwise.
func TestMaxRetriesBoundsItemRetries(t *testing.T) {
	es := faultyES(t, 1, 0, 7) // every bulk item answered 429
	obs := randomObservations(t, rand.New(rand.NewPCG(7, 7)), 20, 1)
	var body bytes.Buffer
	for i := range obs {
		body.Write(obs[i].AppendJSON(nil))
		body.WriteByte('\n')
	}
	dir := objstore.NewDir(t.TempDir())
	if err := dir.Put(t.Context(), "curated/x.ndjson", bytes.NewReader(body.Bytes()), int64(body.Len()), nil); err != nil {
		t.Fatal(err)
	}
	for _, retries := range []int{0, 2} {
		prefix := testenv.Unique(t, "it")
		t.Cleanup(func() {
			if err := esindex.DeletePrefix(context.Background(), es, prefix); err != nil {
				t.Errorf("deleting %s: %v", prefix, err)
			}
		})
		sum, err := index.Run(t.Context(), index.Config{ES: es, In: dir, InKey: "curated/x.ndjson", Prefix: prefix,
			ChunkSize: index.DefaultChunkSize, MaxRetries: retries})
		if err == nil || sum.Count(esindex.Failed) != len(obs) {
			t.Errorf("--max-retries %d with every item refused: %d of %d failed, %v; want all failed and an error",
				retries, sum.Count(esindex.Failed), len(obs), err)
		}
		if sum.Retries > retries*len(obs) || (retries > 0) != (sum.Retries > 0) {
			t.Errorf("--max-retries %d: %d items sent again for %d observations", retries, sum.Retries, len(obs))
		}
	}
}
