package esindex

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/elastic/go-elasticsearch/v8"

	"github.com/farepipe/farepipe/internal/fare"
	"github.com/farepipe/farepipe/internal/testenv"
)

// The steady state of a scheduled collection: steadySeries series, each
// polled once a day for steadyDays days before the poll measured, its price
// changing on a tenth of the days.
const (
	steadySeries = 20_000
	steadyDays   = 30
)

// BenchmarkIndexSteadyState measures Index against the real node of
// hack/services.sh (FAREPIPE_ES_URL) on one more daily poll of series that
// have steadyDays polls indexed already (loaded untimed: all but the last
// as one object, the last as a daily run),
// under an index prefix of its own that is deleted afterwards: every
// observation reads its series' latest document and replaces it, a tenth
// also write a change point. Run it once (-benchtime 1x).
func BenchmarkIndexSteadyState(b *testing.B) {
	client, err := elasticsearch.NewClient(elasticsearch.Config{Addresses: []string{testenv.ES(b)}})
	if err != nil {
		b.Fatal(err)
	}
	first := time.Now().UTC().Truncate(24*time.Hour).AddDate(0, 0, -steadyDays-1).Add(6 * time.Hour)
	past, _ := steadyPolls(b, first, 0, steadyDays-1)
	yesterday, _ := steadyPolls(b, first, steadyDays-1, 1)
	poll, size := steadyPolls(b, first, steadyDays, 1)
	b.SetBytes(size)
	for b.Loop() {
		b.StopTimer()
		_, ix := benchRealIndexer(b, client)
		// The days before yesterday at once, then yesterday's poll as a
		// scheduled run indexes it, so that what the last run of each
		// series left to check is what a daily run leaves.
		if sum, err := ix.Index(b.Context(), bytes.NewReader(past)); err != nil || sum.Read != steadySeries*(steadyDays-1) {
			b.Fatalf("loading %d days of polls: %s, %v", steadyDays-1, sum, err)
		}
		if sum, err := ix.Index(b.Context(), bytes.NewReader(yesterday)); err != nil || sum.Read != steadySeries {
			b.Fatalf("loading yesterday's poll: %s, %v", sum, err)
		}
		b.StartTimer()
		sum, err := ix.Index(b.Context(), bytes.NewReader(poll))
		b.StopTimer()
		if err != nil || sum.Read != steadySeries || sum.Latest != steadySeries {
			b.Fatalf("the poll: %s, %v; want %d read and latest documents written", sum, err, steadySeries)
		}
		b.StartTimer()
	}
	b.ReportMetric(float64(steadySeries)*float64(b.N)/b.Elapsed().Seconds(), "obs/s")
}

// steadyPolls returns the curated object of days daily polls of every
// series from day from on (day 0 at first), and its size.
func steadyPolls(b *testing.B, first time.Time, from, days int) ([]byte, int64) {
	b.Helper()
	var buf bytes.Buffer
	for s := range steadySeries {
		key := fare.SeriesKey{Source: "bench", Origin: "ICN", Destination: "NRT",
			Departure: first.AddDate(0, 2, s%300).Format(fare.DateLayout), Cabin: "ECONOMY",
			NonStop: s%2 == 0, Carrier: fmt.Sprintf("%c%c", 'A'+s/300/26, 'A'+s/300%26), Currency: "KRW"}
		rng := rand.New(rand.NewPCG(uint64(s), 1)) // the same prices whichever days are asked for
		won := int64(200_000)
		for d := range from + days {
			if rng.IntN(10) == 0 {
				won += 1_000 * int64(rng.IntN(21)-10)
			}
			if d < from {
				continue
			}
			price, err := fare.MoneyFromMinor(won, "KRW")
			if err != nil {
				b.Fatal(err)
			}
			o := fare.NewObservation(key, first.AddDate(0, 0, d), price, 3)
			buf.Write(o.AppendJSON(nil))
			buf.WriteByte('\n')
		}
	}
	return buf.Bytes(), int64(buf.Len())
}
