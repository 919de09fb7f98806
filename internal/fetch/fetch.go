package fetch

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"strconv"
	"sync"
	"time"

	"github.com/farepipe/farepipe/internal/fault"
	"github.com/farepipe/farepipe/internal/ndjson"
	"github.com/farepipe/farepipe/internal/objstore"
	"github.com/farepipe/farepipe/internal/provider"
	"github.com/farepipe/farepipe/internal/raw"
)

// Config is one fetch run: searches asked of a provider, answered into
// one batch.
type Config struct {
	Provider    provider.Provider
	Searches    []raw.Search
	Concurrency int           // searches in flight; default 2
	TTL         time.Duration // skip searches the checkpoint says were answered less than TTL ago
	Now         func() time.Time
	Logger      *slog.Logger
	// Progress, when set, is called about every ProgressEvery searches.
	Progress      func(Summary)
	ProgressEvery int

	// Out, when set, stores the batch under OutKey, with Meta besides its
	// source and record count; else the batch (gzip NDJSON) is written
	// to Writer.
	Out    objstore.Store
	OutKey string
	Meta   map[string]string
	Writer io.Writer
	// CheckpointStore, when set, holds the checkpoint under
	// CheckpointKey: read before any search (none yet: empty), written
	// once the batch is stored, so a search is marked answered only when
	// its answer is kept.
	CheckpointStore objstore.Store
	CheckpointKey   string
}

// Validate reports a configuration error (fault.Config) in cfg, before
// any search is asked.
func (cfg Config) Validate() error {
	switch {
	case cfg.Provider == nil:
		return fault.Configf("fetch: no provider")
	case cfg.Concurrency < 0:
		return fault.Configf("concurrency %d: want at least 1 (0: the default)", cfg.Concurrency)
	case cfg.TTL < 0:
		return fault.Configf("ttl %s: want a duration of at least 0", cfg.TTL)
	case cfg.Out == nil && cfg.Writer == nil:
		return fault.Configf("fetch: nowhere to write the batch")
	case cfg.Out != nil && cfg.OutKey == "":
		return fault.Configf("fetch: no key for the batch")
	case cfg.CheckpointStore != nil && cfg.CheckpointKey == "":
		return fault.Configf("fetch: no key for the checkpoint")
	}
	return nil
}

// Summary accounts for every planned search in exactly one outcome.
type Summary struct {
	Planned    int `json:"planned"`
	Fetched    int `json:"fetched"`     // answered 2xx and written
	Refused    int `json:"refused"`     // answered with a final error status (written; transform quarantines it)
	Fresh      int `json:"fresh"`       // skipped: the checkpoint says it is fresh
	Failed     int `json:"failed"`      // no answer after the provider's retries
	Invalid    int `json:"invalid"`     // rejected before asking (bad search)
	OverBudget int `json:"over_budget"` // not asked: the request budget was spent

	Bytes int64  `json:"bytes"`           // uncompressed bytes of the batch
	Batch string `json:"batch,omitempty"` // URI of the batch, when stored
}

// Written returns how many envelopes were written.
func (s Summary) Written() int { return s.Fetched + s.Refused }

// Run fetches every search of cfg that the checkpoint does not say is
// fresh, writes the envelopes in plan order as one batch, stores it, then
// the checkpoint. Failed searches are counted and logged; the error is the
// run's outcome when nothing was kept (Outcome), or the first error of
// configuration, context or storage.
func Run(ctx context.Context, cfg Config) (Summary, error) {
	if err := cfg.Validate(); err != nil {
		return Summary{}, err
	}
	ck := NewCheckpoint()
	if cfg.CheckpointStore != nil {
		var err error
		if ck, err = loadCheckpoint(ctx, cfg.CheckpointStore, cfg.CheckpointKey); err != nil {
			return Summary{}, err
		}
	}
	watch := WatchAccess(cfg.Provider)
	cfg.Provider = watch
	sink := cfg.Writer
	var spool *objstore.Spool
	if cfg.Out != nil {
		var err error
		if spool, err = objstore.NewSpool("batch"); err != nil {
			return Summary{}, err
		}
		defer spool.Close()
		sink = spool
	}
	w := ndjson.NewWriter(sink)
	sum, err := search(ctx, cfg, ck, w)
	if err != nil {
		return sum, err
	}
	if err := w.Close(); err != nil {
		return sum, fmt.Errorf("closing batch: %w", err)
	}
	sum.Bytes = w.Bytes()
	if cfg.Out != nil {
		meta := maps.Clone(cfg.Meta)
		if meta == nil {
			meta = map[string]string{}
		}
		meta["source"], meta["records"] = cfg.Provider.Name(), strconv.Itoa(w.Lines())
		if err := spool.PutTo(ctx, cfg.Out, cfg.OutKey, meta); err != nil {
			return sum, err
		}
		sum.Batch = cfg.Out.URI(cfg.OutKey)
	}
	if cfg.CheckpointStore != nil {
		if err := saveCheckpoint(ctx, cfg.CheckpointStore, cfg.CheckpointKey, ck); err != nil {
			return sum, err
		}
	}
	return sum, watch.Outcome(sum)
}

// search asks every search of cfg that ck does not say is fresh, writes
// the envelopes to w in plan order and marks the answered ones in ck. It
// returns an error only when ctx ends or w fails.
func search(ctx context.Context, cfg Config, ck *Checkpoint, w *ndjson.Writer) (Summary, error) {
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	now := cfg.Now
	if now == nil {
		now = time.Now
	}
	workers := cfg.Concurrency
	if workers <= 0 {
		workers = 2
	}
	sum := Summary{Planned: len(cfg.Searches)}
	name := cfg.Provider.Name()
	ckKey := func(s raw.Search) string { return name + " " + s.Key() }

	type result struct {
		env *raw.Envelope
		err error
	}
	results := make([]chan result, len(cfg.Searches))
	for i := range results {
		results[i] = make(chan result, 1)
	}
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	defer func() { cancel(); wg.Wait() }()
	var budgetOnce sync.Once
	budgetSpent := make(chan struct{})
	jobs := make(chan int)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				select {
				case <-budgetSpent:
					results[i] <- result{err: provider.ErrBudget}
					continue
				default:
				}
				env, err := cfg.Provider.Search(ctx, cfg.Searches[i])
				if errors.Is(err, provider.ErrBudget) {
					budgetOnce.Do(func() { close(budgetSpent) })
				}
				if err != nil {
					results[i] <- result{err: err}
					continue
				}
				results[i] <- result{env: &env}
			}
		}()
	}
	// Freshness is settled before any answer updates the checkpoint.
	fresh := make([]bool, len(cfg.Searches))
	for i, s := range cfg.Searches {
		fresh[i] = ck.Fresh(ckKey(s), now(), cfg.TTL)
	}
	go func() {
		defer close(jobs)
		for i := range cfg.Searches {
			if fresh[i] {
				results[i] <- result{} // neither envelope nor error: fresh
				continue
			}
			select {
			case jobs <- i:
			case <-ctx.Done():
				return
			}
		}
	}()

	for i, s := range cfg.Searches {
		var r result
		select {
		case r = <-results[i]:
		case <-ctx.Done():
			return sum, ctx.Err()
		}
		switch {
		case r.env == nil && r.err == nil:
			sum.Fresh++
		case errors.Is(r.err, provider.ErrBudget):
			sum.OverBudget++
		case r.err != nil && ctx.Err() != nil:
			return sum, ctx.Err()
		case r.err != nil && provider.IsRetryable(r.err):
			sum.Failed++
			log.Warn("search failed", "search", s.Key(), "err", r.err)
		case r.err != nil:
			sum.Invalid++
			log.Warn("search rejected", "search", s.Key(), "err", r.err)
		default:
			line, err := json.Marshal(r.env)
			if err != nil {
				return sum, fmt.Errorf("encoding envelope of %s: %w", s.Key(), err)
			}
			if err := w.WriteLine(line); err != nil {
				return sum, fmt.Errorf("writing envelope of %s: %w", s.Key(), err)
			}
			if r.env.Status >= 200 && r.env.Status < 300 {
				sum.Fetched++
				ck.Mark(ckKey(s), r.env.FetchedAt)
			} else {
				sum.Refused++
				log.Warn("search refused by provider", "search", s.Key(), "status", r.env.Status)
			}
			log.Debug("fetched", "search", s.Key(), "status", r.env.Status)
		}
		if cfg.Progress != nil && cfg.ProgressEvery > 0 && (i+1)%cfg.ProgressEvery == 0 {
			cfg.Progress(sum)
		}
	}
	return sum, nil
}
