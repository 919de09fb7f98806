package esindex

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/elastic/go-elasticsearch/v8/esapi"
	"github.com/elastic/go-elasticsearch/v8/esutil"

	"github.com/farepipe/farepipe/internal/fare"
	"github.com/farepipe/farepipe/internal/ndjson"
)

// Config tunes an Indexer. Zero values take the defaults.
type Config struct {
	Prefix     string        // index name prefix; default "farepipe"
	ChunkSize  int           // observations folded per round; bounds memory; default 5000
	Workers    int           // bulk workers per index written to; default 2
	FlushBytes int           // bulk request size, and buffer of each worker; default 5 MiB
	MaxRetries int           // retries of an item answered 429/5xx; 0: 5, negative: none
	Backoff    time.Duration // first retry wait; default 200ms
	MaxBackoff time.Duration // retry wait cap; default 10s
	Refresh    bool          // refresh the indices at the end so results are searchable at once
	Logger     *slog.Logger  // nil discards
	// Times bounds the instants of the observations indexed; one outside
	// is dead-lettered (a far-future instant would stay the last of its
	// series for good). The zero value takes fare's defaults.
	Times fare.TimeBounds
	// DeadLetter receives every record rejected for good. Required.
	DeadLetter func(DeadLetter) error
}

// DeadLetter is one record that will never be indexed, and why.
type DeadLetter struct {
	Line   int             `json:"line,omitempty"`
	ID     string          `json:"id,omitempty"`
	Index  string          `json:"index,omitempty"`
	Status int             `json:"status,omitempty"`
	Type   string          `json:"type,omitempty"`
	Reason string          `json:"reason"`
	Record json.RawMessage `json:"record,omitempty"`
	Text   string          `json:"text,omitempty"`
}

// Indexer folds observations into the change log and latest documents.
type Indexer struct {
	es  esapi.Transport
	cfg Config
	log *slog.Logger
}

// New returns an Indexer writing through es.
func New(es esapi.Transport, cfg Config) (*Indexer, error) {
	if cfg.DeadLetter == nil {
		return nil, errors.New("esindex: a dead-letter sink is required")
	}
	def := func(v *int, d int) {
		if *v <= 0 {
			*v = d
		}
	}
	if cfg.Prefix == "" {
		cfg.Prefix = "farepipe"
	}
	def(&cfg.ChunkSize, 5000)
	def(&cfg.Workers, 2)
	def(&cfg.FlushBytes, 5<<20)
	switch {
	case cfg.MaxRetries == 0:
		cfg.MaxRetries = 5
	case cfg.MaxRetries < 0:
		cfg.MaxRetries = 0
	}
	if cfg.Backoff <= 0 {
		cfg.Backoff = 200 * time.Millisecond
	}
	if cfg.MaxBackoff <= 0 {
		cfg.MaxBackoff = 10 * time.Second
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Indexer{es: es, cfg: cfg, log: log}, nil
}

// bulkFilter asks Elasticsearch to answer each bulk item with only what
// the sender reads: its status and error. The answer is a third the size
// and is read in a third of the time.
var bulkFilter = []string{"errors", "items.*.status", "items.*.error"}

// queuedItems is how many items each bulk worker's queue holds. Items are
// added a round at a time and flushed together, so a long queue costs
// nothing in latency and saves a switch to the worker every item or two.
const queuedItems = 1024

// Index reads curated observations (gzip or plain NDJSON) from r and
// indexes them. It returns an error for a failure of the run as a whole
// (Elasticsearch unreachable, ctx ended); per-record problems end in the
// summary and the dead-letter sink. A summary with Failed > 0 means some
// records should be indexed again later.
func (ix *Indexer) Index(ctx context.Context, r io.Reader) (Summary, error) {
	rn := ix.newRun()
	defer rn.snd.close(context.WithoutCancel(ctx))
	if err := rn.start(ctx); err != nil {
		return rn.sum, err
	}
	nr, err := ndjson.NewReader(r)
	if err != nil {
		return rn.sum, fmt.Errorf("opening observations: %w", err)
	}
	window := ix.cfg.Times.Window()
	for {
		line, n, err := nr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			rn.sum.Read++
			if err := rn.deadLetter(DeadLetter{Line: n, Reason: err.Error()}); err != nil {
				return rn.sum, err
			}
			var le *ndjson.LineError
			if errors.As(err, &le) {
				continue
			}
			break // truncated or unreadable: the rest is gone, the rest of the run goes on
		}
		rn.sum.Read++
		o, err := fare.ParseObservation(line)
		if err == nil {
			err = window.Check("observed_at", o.ObservedAt)
		}
		if err != nil {
			if err := rn.deadLetter(rejectedLine(n, line, err)); err != nil {
				return rn.sum, err
			}
			continue
		}
		if err := rn.add(ctx, o); err != nil {
			return rn.sum, err
		}
	}
	return rn.finish(ctx)
}

// newRun returns the state of one Index call; close its sender when done.
func (ix *Indexer) newRun() *run {
	dec := &bulkDecoder{}
	newBulk := func(index string) (esutil.BulkIndexer, error) {
		return esutil.NewBulkIndexer(esutil.BulkIndexerConfig{
			Client: ix.es, Index: index, NumWorkers: ix.cfg.Workers, FlushBytes: ix.cfg.FlushBytes,
			FlushInterval:       time.Hour, // flushed explicitly, round by round
			QueueSizeMultiplier: queuedItems,
			FilterPath:          bulkFilter,
			Decoder:             dec,
		})
	}
	return &run{Indexer: ix, latestIndex: LatestIndex(ix.cfg.Prefix),
		chunk: make([]fare.Observation, 0, ix.cfg.ChunkSize),
		snd: &sender{newBulk: newBulk, dec: dec, maxRetries: ix.cfg.MaxRetries,
			backoff: ix.cfg.Backoff, maxBackoff: ix.cfg.MaxBackoff, sleep: sleepCtx}}
}

// start makes sure the templates are there and reads the retention floor.
func (rn *run) start(ctx context.Context) error {
	if err := EnsureTemplates(ctx, rn.es, rn.cfg.Prefix); err != nil {
		return err
	}
	floor, err := ReadFloor(ctx, rn.es, rn.cfg.Prefix)
	if !floor.IsZero() {
		rn.floor = floor.UnixMilli()
	}
	return err
}

// add takes one valid observation, and folds a round once a chunk is full.
func (rn *run) add(ctx context.Context, o fare.Observation) error {
	rn.chunk = append(rn.chunk, o)
	if len(rn.chunk) < cap(rn.chunk) {
		return nil
	}
	err := rn.round(ctx, rn.chunk)
	rn.chunk = rn.chunk[:0]
	return err
}

// finish folds what is left, makes the run's writes searchable when so
// configured, and returns the summary.
func (rn *run) finish(ctx context.Context) (Summary, error) {
	if len(rn.chunk) > 0 {
		if err := rn.round(ctx, rn.chunk); err != nil {
			return rn.sum, err
		}
		rn.chunk = rn.chunk[:0]
	}
	if rn.cfg.Refresh {
		if err := rn.refresh(ctx, rn.cfg.Prefix+"-*"); err != nil {
			return rn.sum, err
		}
	}
	rn.sum.Retries = rn.snd.retries
	rn.sum.finish()
	return rn.sum, nil
}

func rejectedLine(n int, line []byte, err error) DeadLetter {
	dl := DeadLetter{Line: n, Reason: err.Error()}
	if json.Valid(line) {
		dl.Record = append(json.RawMessage(nil), line...)
	} else {
		dl.Text = string(line)
	}
	return dl
}

func (rn *run) deadLetter(dl DeadLetter) error {
	rn.sum.Outcomes[DeadLettered]++
	return rn.sinkDeadLetter(dl)
}

// sinkDeadLetter hands dl to the configured dead-letter sink.
func (rn *run) sinkDeadLetter(dl DeadLetter) error {
	if err := rn.cfg.DeadLetter(dl); err != nil {
		return fmt.Errorf("writing dead letter: %w", err)
	}
	return nil
}

// refresh makes recent writes to the matching indices searchable.
func (rn *run) refresh(ctx context.Context, pattern string) error {
	ignore := true
	res, err := esapi.IndicesRefreshRequest{Index: []string{pattern}, IgnoreUnavailable: &ignore,
		AllowNoIndices: &ignore}.Do(ctx, rn.es)
	if err != nil {
		return fmt.Errorf("refreshing %s: %w", pattern, err)
	}
	if err := responseError(res); err != nil {
		return fmt.Errorf("refreshing %s: %w", pattern, err)
	}
	return nil
}
