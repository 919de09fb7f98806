package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"time"

	"github.com/elastic/go-elasticsearch/v8/esapi"

	"github.com/farepipe/farepipe/internal/esindex"
)

// load indexes the data set under prefix through esindex.Indexer, one
// Index call per poll (as one curated object per fetch run), unless the
// prefix already holds exactly the documents it yields. It then
// refreshes and force-merges the indices and checks the counts.
func load(ctx context.Context, es esapi.Transport, d *dataset, prefix string, out io.Writer, log *slog.Logger) error {
	want := d.totals()
	fmt.Fprintf(out, "data set: %d routes × %d departure dates × %d series = %d series (latest documents); "+
		"%d observations in %d polls; %d change points\n",
		len(d.routes), numDates, seriesPerDate, want.Series, want.Observations, numPolls, want.ChangePoints)
	latest, changes, err := stored(ctx, es, prefix)
	if err != nil {
		return err
	}
	if latest == want.Series && changes == want.ChangePoints {
		fmt.Fprintf(out, "load: %s-* already holds %d latest documents and %d change points; not loading\n", prefix, latest, changes)
		return settleTimed(ctx, es, prefix, out)
	}
	if latest > 0 || changes > 0 {
		log.Info("deleting an incomplete load", "prefix", prefix, "latest", latest, "change_points", changes)
		if err := deletePrefix(ctx, es, prefix); err != nil {
			return err
		}
	}

	var mu sync.Mutex
	var dead []esindex.DeadLetter
	ix, err := esindex.New(es, esindex.Config{Prefix: prefix, Logger: log, DeadLetter: func(dl esindex.DeadLetter) error {
		mu.Lock()
		defer mu.Unlock()
		dead = append(dead, dl)
		return nil
	}})
	if err != nil {
		return err
	}
	heap := watchHeap(ctx, es, 2*time.Second)
	start := time.Now()
	var total esindex.Summary
	for p := range numPolls {
		sum, took, err := loadPoll(ctx, ix, d, p)
		if err != nil {
			heap.finish(ctx, es)
			return err
		}
		docs := sum.Count(esindex.Created) + sum.Latest
		fmt.Fprintf(out, "load poll %d (%s): %s in %s: %.0f obs/s, %.0f docs/s\n", p, pollTime(p).Format(time.RFC3339),
			sum, took.Round(time.Millisecond), float64(sum.Read)/took.Seconds(), float64(docs)/took.Seconds())
		total.Read += sum.Read
		total.Latest += sum.Latest
		total.Retries += sum.Retries
		for o := range total.Outcomes {
			total.Outcomes[o] += sum.Outcomes[o]
		}
		if !sum.Accounted() || sum.Count(esindex.Failed) > 0 || sum.Count(esindex.DeadLettered) > 0 {
			heap.finish(ctx, es)
			return fmt.Errorf("loading poll %d: %s; first dead letters: %+v", p, sum, dead[:min(len(dead), 3)])
		}
	}
	took := time.Since(start)
	docs := total.Count(esindex.Created) + total.Latest
	fmt.Fprintf(out, "load total: %d observations, %d created, %d unchanged, %d latest writes, %d retries in %s: %.0f obs/s, %.0f docs/s\n",
		total.Read, total.Count(esindex.Created), total.Count(esindex.Unchanged), total.Latest, total.Retries,
		took.Round(time.Second), float64(total.Read)/took.Seconds(), float64(docs)/took.Seconds())
	fmt.Fprintf(out, "load: %s\n", heap.finish(ctx, es))
	if err := settleTimed(ctx, es, prefix, out); err != nil {
		return err
	}
	latest, changes, err = stored(ctx, es, prefix)
	if err != nil {
		return err
	}
	if latest != want.Series || changes != want.ChangePoints {
		return fmt.Errorf("after loading, %s-* holds %d latest documents and %d change points, want %d and %d",
			prefix, latest, changes, want.Series, want.ChangePoints)
	}
	return nil
}

// loadPoll indexes the observations of poll p, generated into a pipe as
// the indexer reads them.
func loadPoll(ctx context.Context, ix *esindex.Indexer, d *dataset, p int) (esindex.Summary, time.Duration, error) {
	pr, pw := io.Pipe()
	go func() {
		_, err := d.writePoll(pw, p)
		pw.CloseWithError(err)
	}()
	start := time.Now()
	sum, err := ix.Index(ctx, pr)
	took := time.Since(start)
	pr.CloseWithError(io.ErrClosedPipe) // stops the writer if Index returned early
	if err != nil {
		return sum, took, fmt.Errorf("indexing poll %d: %w", p, err)
	}
	return sum, took, nil
}

// stored counts the latest documents and change points of the prefix.
func stored(ctx context.Context, es esapi.Transport, prefix string) (latest, changes int, err error) {
	if latest, err = count(ctx, es, esindex.LatestIndex(prefix)); err != nil {
		return 0, 0, err
	}
	changes, err = count(ctx, es, esindex.ObservationsPattern(prefix))
	return latest, changes, err
}

func settleTimed(ctx context.Context, es esapi.Transport, prefix string, out io.Writer) error {
	start := time.Now()
	if err := settle(ctx, es, prefix); err != nil {
		return err
	}
	fmt.Fprintf(out, "load: refreshed and force-merged %s-* to one segment per shard in %s\n", prefix, time.Since(start).Round(time.Millisecond))
	return nil
}
