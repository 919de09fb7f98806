package esindex

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"syscall"
	"testing"
	"time"

	"github.com/elastic/go-elasticsearch/v8"
	"github.com/elastic/go-elasticsearch/v8/esapi"

	"github.com/farepipe/farepipe/internal/fare"
	"github.com/farepipe/farepipe/internal/ndjson"
	"github.com/farepipe/farepipe/internal/testenv"
)

// Observations per benchmark round: against the instant server a round is
// short and repeated; against the real node one round is the measurement.
const (
	benchInstantObs = 100_000
	benchRealObs    = 200_000
)

var benchObservedAt = time.Date(2026, 11, 21, 6, 0, 0, 0, time.UTC)

var benchAirports = []string{"ICN", "GMP", "PUS", "CJU", "NRT", "HND", "KIX", "FUK", "PVG", "HKG",
	"TPE", "SIN", "BKK", "MNL", "SGN", "KUL", "SYD", "DXB", "IST", "LHR", "CDG", "FRA", "AMS", "MAD",
	"JFK", "LAX", "SFO", "SEA", "HNL", "YVR"}

var benchCarriers = []string{"KE", "OZ", "JL", "NH", "CX", "SQ", "TG", "EK", "LH", "AF", "BA", "UA", "DL", "7C"}

var benchCurrencies = []string{"KRW", "JPY", "USD", "EUR"}

// benchCurated returns n observations of n different series seen at one
// instant, as one transform run writes them: gzip NDJSON of AppendJSON
// lines. It also returns the uncompressed size.
func benchCurated(b *testing.B, n int) ([]byte, int64) {
	b.Helper()
	var buf bytes.Buffer
	w := ndjson.NewWriter(&buf)
	var line []byte
	pairs := len(benchAirports) * (len(benchAirports) - 1)
	for i := 0; i < n; i++ {
		// Series i: route i%pairs, departure and cabin from the rest, so
		// that no two are alike.
		route, rest := i%pairs, i/pairs
		from, to := route/(len(benchAirports)-1), route%(len(benchAirports)-1)
		if to >= from {
			to++
		}
		dep := benchObservedAt.AddDate(0, 0, 1+rest%330)
		key := fare.SeriesKey{Source: "synthetic", Origin: benchAirports[from], Destination: benchAirports[to],
			Departure: dep.Format(fare.DateLayout), Cabin: fare.Cabins[(rest/330)%len(fare.Cabins)],
			NonStop: i%3 == 0, Carrier: benchCarriers[i%len(benchCarriers)],
			Currency: benchCurrencies[i%len(benchCurrencies)]}
		if i%2 == 1 {
			key.Return = dep.AddDate(0, 0, 7).Format(fare.DateLayout)
		}
		price, err := fare.MoneyFromMinor(int64(10_000+(i*7919)%900_000), key.Currency)
		if err != nil {
			b.Fatal(err)
		}
		o := fare.NewObservation(key, benchObservedAt, price, 1+i%5)
		line = o.AppendJSON(line[:0])
		if err := w.WriteLine(line); err != nil {
			b.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		b.Fatal(err)
	}
	return buf.Bytes(), w.Bytes()
}

// BenchmarkIndexInstantServer measures the client side of Index from a
// curated object: reading (gunzip, lines) and checking the observations,
// folding them, and encoding, sending and classifying the bulk writes of a
// change point and a latest document for each, against instantES, which
// answers at once. Run it with GOMAXPROCS=1 for the per-core figure. The
// fake server runs in a process of its own; obs/cpu-s counts the CPU time
// of the benchmark's process alone.
func BenchmarkIndexInstantServer(b *testing.B) {
	data, size := benchCurated(b, benchInstantObs)
	ix, url := benchInstantIndexer(b)
	b.SetBytes(size)
	b.ReportAllocs()
	var sum Summary
	var err error
	cpu0 := cpuTime(b)
	for b.Loop() {
		sum, err = ix.Index(b.Context(), bytes.NewReader(data))
		if err != nil {
			b.Fatal(err)
		}
	}
	reportInstant(b, url, sum, cpuTime(b)-cpu0)
}

// BenchmarkIndexEncode measures the encoding side of Index alone, the part
// the index step adds to reading observations: from checked observations in
// memory, folding them and encoding, sending and classifying the bulk writes
// of a change point and a latest document for each, against instantES.
// Reading and checking the curated lines is what BenchmarkIndexInstantServer
// adds to it.
func BenchmarkIndexEncode(b *testing.B) {
	data, _ := benchCurated(b, benchInstantObs)
	var obs []fare.Observation
	nr, err := ndjson.NewReader(bytes.NewReader(data))
	if err != nil {
		b.Fatal(err)
	}
	for {
		line, _, err := nr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			b.Fatal(err)
		}
		o, err := fare.ParseObservation(line)
		if err != nil {
			b.Fatal(err)
		}
		obs = append(obs, o)
	}
	ix, url := benchInstantIndexer(b)
	b.ReportAllocs()
	var sum Summary
	cpu0 := cpuTime(b)
	for b.Loop() {
		rn := ix.newRun()
		if err := EnsureTemplates(b.Context(), ix.es, ix.cfg.Prefix); err != nil {
			b.Fatal(err)
		}
		rn.sum.Read = len(obs)
		for _, o := range obs {
			if err := rn.add(b.Context(), o); err != nil {
				b.Fatal(err)
			}
		}
		if sum, err = rn.finish(b.Context()); err != nil {
			b.Fatal(err)
		}
		rn.snd.close(b.Context())
	}
	reportInstant(b, url, sum, cpuTime(b)-cpu0)
}

// benchInstantIndexer starts an instantES and returns an Indexer on it and
// its URL.
func benchInstantIndexer(b *testing.B) (*Indexer, string) {
	url := startInstantES(b)
	client, err := elasticsearch.NewClient(elasticsearch.Config{Addresses: []string{url}})
	if err != nil {
		b.Fatal(err)
	}
	ix, err := New(client, Config{Refresh: true, DeadLetter: func(dl DeadLetter) error {
		b.Errorf("dead letter: %+v", dl)
		return nil
	}})
	if err != nil {
		b.Fatal(err)
	}
	return ix, url
}

// reportInstant checks that the last round wrote every observation and the
// instantES at url answered every item of all rounds, and reports
// observations per second of wall time and of the CPU time cpu.
func reportInstant(b *testing.B, url string, sum Summary, cpu time.Duration) {
	b.Helper()
	checkAllWritten(b, sum, benchInstantObs)
	if items, want := instantStats(b, url).Items, 2*benchInstantObs*b.N; items != want {
		b.Errorf("instantES answered %d bulk items, want %d", items, want)
	}
	n := float64(benchInstantObs) * float64(b.N)
	b.ReportMetric(n/b.Elapsed().Seconds(), "obs/s")
	b.ReportMetric(n/cpu.Seconds(), "obs/cpu-s")
}

// BenchmarkIndexElasticsearch measures Index against the real node of
// hack/services.sh (FAREPIPE_ES_URL): benchRealObs observations of new
// series, each written as a change point and a latest document, under an
// index prefix of its own that is deleted afterwards. Run it once
// (-benchtime 1x); docs/s counts both documents.
func BenchmarkIndexElasticsearch(b *testing.B) {
	data, size := benchCurated(b, benchRealObs)
	client, err := elasticsearch.NewClient(elasticsearch.Config{Addresses: []string{testenv.ES(b)}})
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(size)
	var docs int
	for b.Loop() {
		b.StopTimer()
		prefix, ix := benchRealIndexer(b, client)
		b.StartTimer()
		sum, err := ix.Index(b.Context(), bytes.NewReader(data))
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		checkAllWritten(b, sum, benchRealObs)
		if got := countDocs(b, client, ObservationsPattern(prefix)); got != benchRealObs {
			b.Errorf("%s holds %d documents, want %d", ObservationsPattern(prefix), got, benchRealObs)
		}
		docs += sum.Count(Created) + sum.Latest
		b.StartTimer()
	}
	secs := b.Elapsed().Seconds()
	b.ReportMetric(float64(benchRealObs)*float64(b.N)/secs, "obs/s")
	b.ReportMetric(float64(docs)/secs, "docs/s")
}

// benchRealIndexer returns an Indexer writing to client under an index
// prefix of its own, deleted when b ends.
func benchRealIndexer(b *testing.B, client *elasticsearch.Client) (string, *Indexer) {
	b.Helper()
	prefix := testenv.Unique(b, "bench")
	b.Cleanup(func() { deletePrefix(b, client, prefix) })
	ix, err := New(client, Config{Prefix: prefix, Refresh: true, DeadLetter: func(dl DeadLetter) error {
		b.Errorf("dead letter: %+v", dl)
		return nil
	}})
	if err != nil {
		b.Fatal(err)
	}
	return prefix, ix
}

// checkAllWritten fails b unless every one of n observations of new series
// was created and got its latest document.
func checkAllWritten(b *testing.B, sum Summary, n int) {
	b.Helper()
	if sum.Read != n || sum.Count(Created) != n || sum.Latest != n || !sum.Accounted() {
		b.Fatalf("summary %s, want %d read, created and latest written", sum, n)
	}
}

func countDocs(b *testing.B, es esapi.Transport, pattern string) int {
	b.Helper()
	res, err := esapi.CountRequest{Index: []string{pattern}}.Do(context.WithoutCancel(b.Context()), es)
	if err != nil {
		b.Fatal(err)
	}
	defer res.Body.Close()
	var out struct {
		Count int `json:"count"`
	}
	if res.IsError() {
		b.Fatalf("counting %s: %s", pattern, res.String())
	}
	if err := json.NewDecoder(res.Body).Decode(&out); err != nil {
		b.Fatal(err)
	}
	return out.Count
}

// deletePrefix deletes everything of prefix; b's context has ended by
// now.
func deletePrefix(b *testing.B, es esapi.Transport, prefix string) {
	if err := DeletePrefix(context.Background(), es, prefix); err != nil {
		b.Error(err)
	}
}

// cpuTime returns the CPU time (user and system) the process has used. On
// a shared machine wall time also counts the time other processes held the
// core; CPU time is what "per core" means.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
