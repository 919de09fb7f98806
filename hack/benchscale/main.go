// Command benchscale measures how farepipe's indices grow with polls: a
// fixed set of series observed poll after poll, each poll moving the
// price of a share of them, indexed as the index step indexes (one
// esindex run per poll). After chosen polls it merges the indices and
// prints their documents and bytes on disk, so the growth of the change
// log and of latest can be projected to other sizes.
//
//	go run ./hack/benchscale -series 100000 -polls 1,10,100 -change 0.05
//
// It reads FAREPIPE_ES_URL (hack/services.sh) and deletes its indices at
// the end unless -keep.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/elastic/go-elasticsearch/v8"

	"github.com/farepipe/farepipe/internal/esindex"
	"github.com/farepipe/farepipe/internal/fare"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "benchscale:", err)
		os.Exit(1)
	}
}

func run() error {
	series := flag.Int("series", 100_000, "series observed at every poll")
	pollList := flag.String("polls", "1,10,100", "polls after which to measure, comma-separated; the last is how many run")
	change := flag.Float64("change", 0.05, "share of the series whose price moves at each poll")
	keep := flag.Bool("keep", false, "keep the indices")
	flag.Parse()
	marks, err := parsePolls(*pollList)
	if err != nil {
		return err
	}
	url := os.Getenv("FAREPIPE_ES_URL")
	if url == "" {
		return errors.New(`FAREPIPE_ES_URL is not set: eval "$(hack/services.sh up)"`)
	}
	es, err := elasticsearch.NewClient(elasticsearch.Config{Addresses: []string{url}})
	if err != nil {
		return err
	}
	ctx := context.Background()
	prefix := fmt.Sprintf("bench-scale-%d", time.Now().Unix())
	if !*keep {
		defer esindex.DeletePrefix(ctx, es, prefix)
	}
	ix, err := esindex.New(es, esindex.Config{Prefix: prefix, Logger: slog.New(slog.DiscardHandler),
		DeadLetter: func(dl esindex.DeadLetter) error { return fmt.Errorf("dead letter: %s", dl.Reason) }})
	if err != nil {
		return err
	}
	keys := seriesKeys(*series)
	rng := rand.New(rand.NewPCG(1, 2))
	prices := make([]int64, len(keys))
	for i := range prices {
		prices[i] = 100_000 + int64(rng.IntN(400))*1_000
	}
	fmt.Printf("%d series, %.0f %% of prices moving per poll, polls measured at %v; ES %s, prefix %s\n",
		len(keys), *change*100, marks, url, prefix)
	fmt.Println("| polls | observations | change points | latest docs | change log on disk | latest on disk | bytes per change point | bytes per series (latest) | obs/s of the last polls |")
	fmt.Println("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
	start := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	var body bytes.Buffer
	var observations int
	since, sinceObs := time.Now(), 0
	for p := 1; p <= marks[len(marks)-1]; p++ {
		at := start.Add(time.Duration(p) * time.Hour)
		body.Reset()
		for i, k := range keys {
			if p > 1 && rng.Float64() < *change {
				prices[i] += int64(rng.IntN(41)-20) * 1_000
				prices[i] = max(prices[i], 10_000)
			}
			price, err := fare.MoneyFromMinor(prices[i], "KRW")
			if err != nil {
				return err
			}
			o := fare.NewObservation(k, at, price, 1)
			body.Write(o.AppendJSON(nil))
			body.WriteByte('\n')
		}
		sum, err := ix.Index(ctx, &body)
		if err != nil {
			return fmt.Errorf("poll %d: %w", p, err)
		}
		if !sum.Complete() {
			return fmt.Errorf("poll %d: %s", p, sum)
		}
		observations += len(keys)
		if !slices.Contains(marks, p) {
			continue
		}
		rate := float64(observations-sinceObs) / time.Since(since).Seconds()
		sizes, err := measure(ctx, es, prefix)
		if err != nil {
			return err
		}
		fmt.Printf("| %d | %d | %d | %d | %s | %s | %.0f | %.0f | %.0f |\n", p, observations, sizes.changeDocs, sizes.latestDocs,
			mb(sizes.changeBytes), mb(sizes.latestBytes), float64(sizes.changeBytes)/float64(max(sizes.changeDocs, 1)),
			float64(sizes.latestBytes)/float64(max(sizes.latestDocs, 1)), rate)
		since, sinceObs = time.Now(), observations
	}
	return nil
}

// seriesKeys returns n distinct series: routes × departure dates ×
// carriers × non-stop or not, as a collection of many routes would have.
func seriesKeys(n int) []fare.SeriesKey {
	airports := []string{"ICN", "NRT", "KIX", "HND", "BKK", "SIN", "HKG", "TPE", "SYD", "LAX", "CDG", "LHR"}
	carriers := []string{"KE", "OZ", "JL", "NH", "SQ", "CX", "TG", "QF"}
	keys := make([]fare.SeriesKey, 0, n)
	for i := 0; len(keys) < n; i++ {
		o, d := airports[i%len(airports)], airports[(i/len(airports)+1+i%len(airports))%len(airports)]
		if o == d {
			continue
		}
		keys = append(keys, fare.SeriesKey{Source: "bench", Origin: o, Destination: d,
			Departure: time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, (i/144)%365).Format(fare.DateLayout),
			Cabin:     "ECONOMY", NonStop: (i/52560)%2 == 0, Carrier: carriers[(i/105120)%len(carriers)], Currency: "KRW",
			Passengers: fare.Passengers{Adults: 1}})
	}
	return keys
}

type sizes struct {
	changeDocs, latestDocs   int64
	changeBytes, latestBytes int64
}

// measure refreshes and merges the indices of prefix to one segment each,
// as they settle over time, and returns their documents and primary bytes.
func measure(ctx context.Context, es *elasticsearch.Client, prefix string) (sizes, error) {
	var s sizes
	idx := []string{prefix + "-*"}
	if _, err := es.Indices.Refresh(es.Indices.Refresh.WithIndex(idx...), es.Indices.Refresh.WithContext(ctx)); err != nil {
		return s, err
	}
	res, err := es.Indices.Forcemerge(es.Indices.Forcemerge.WithIndex(idx...), es.Indices.Forcemerge.WithMaxNumSegments(1),
		es.Indices.Forcemerge.WithContext(ctx))
	if err != nil {
		return s, err
	}
	res.Body.Close()
	res, err = es.Cat.Indices(es.Cat.Indices.WithIndex(idx...), es.Cat.Indices.WithFormat("json"),
		es.Cat.Indices.WithBytes("b"), es.Cat.Indices.WithContext(ctx))
	if err != nil {
		return s, err
	}
	defer res.Body.Close()
	if res.IsError() {
		return s, fmt.Errorf("_cat/indices: %s", res.Status())
	}
	var rows []struct {
		Index string `json:"index"`
		Docs  string `json:"docs.count"`
		Bytes string `json:"pri.store.size"`
	}
	if err := json.NewDecoder(res.Body).Decode(&rows); err != nil {
		return s, err
	}
	for _, r := range rows {
		docs, _ := strconv.ParseInt(r.Docs, 10, 64)
		b, _ := strconv.ParseInt(r.Bytes, 10, 64)
		switch {
		case r.Index == esindex.LatestIndex(prefix):
			s.latestDocs, s.latestBytes = docs, b
		case strings.HasPrefix(r.Index, prefix+"-observations-"): // the monthly change-log indices
			s.changeDocs += docs
			s.changeBytes += b
		}
	}
	return s, nil
}

func parsePolls(list string) ([]int, error) {
	var marks []int
	for _, f := range strings.Split(list, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 || len(marks) > 0 && n <= marks[len(marks)-1] {
			return nil, fmt.Errorf("-polls %q: want increasing counts such as 1,10,100", list)
		}
		marks = append(marks, n)
	}
	return marks, nil
}

func mb(b int64) string { return fmt.Sprintf("%.1f MB", float64(b)/1e6) }
