package fetch

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"time"

	"github.com/farepipe/farepipe/internal/fault"
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
	// OutPrefix, instead of OutKey, stores the answers in Out as parts
	// under this prefix (PartKey): one every PartSearches answers, and
	// one with the rest at the end (PartSearches 0: one part at the
	// end). A run stopped midway keeps the parts it stored, and its
	// checkpoint says which searches they answer.
	OutPrefix    string
	PartSearches int
	// CheckpointStore, when set, holds the checkpoint under
	// CheckpointKey: read before any search (none yet: empty), written
	// once the batch or a part is stored, so a search is marked answered
	// only when its answer is stored.
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
	case cfg.Out != nil && (cfg.OutKey == "") == (cfg.OutPrefix == ""):
		return fault.Configf("fetch: want one key or one prefix for the batch")
	case cfg.Out == nil && cfg.OutPrefix != "":
		return fault.Configf("fetch: a prefix for parts and no store")
	case cfg.PartSearches < 0:
		return fault.Configf("part searches %d: want at least 0 (0: one part at the end)", cfg.PartSearches)
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
	Batch string `json:"batch,omitempty"` // URI of the batch (or of the parts' prefix), when stored
	Parts int    `json:"parts"`           // objects stored: the batch, or the parts
}

// Written returns how many envelopes were written.
func (s Summary) Written() int { return s.Fetched + s.Refused }

// Run fetches every search of cfg that the checkpoint does not say is
// fresh, writes the envelopes in plan order as one batch, stores it, then
// the checkpoint; or, with OutPrefix, stores them part by part, saving the
// checkpoint after each part. Either way a search is marked answered only
// once its answer is stored, so a run stopped at any point (its context
// cancelled, its pod killed, a store failing) and run again asks exactly
// the searches whose answers were not stored (within the TTL). Failed
// searches are counted and logged; the error is the run's outcome when
// nothing was kept (Outcome), or the first error of configuration,
// context or storage.
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
		if cfg.Out != nil {
			if err := ck.settle(ctx, cfg.Out); err != nil {
				return Summary{}, err
			}
		}
	}
	watch := WatchAccess(cfg.Provider)
	cfg.Provider = watch
	out := newOutput(cfg, ck)
	defer out.discard()
	sum, err := search(ctx, cfg, ck, out)
	if err != nil {
		return sum, err
	}
	if err := out.close(ctx); err != nil {
		return sum, err
	}
	sum.Bytes, sum.Parts = out.bytes, len(out.keys)
	switch {
	case cfg.OutPrefix != "":
		sum.Batch = cfg.Out.URI(StagePrefix(cfg.OutPrefix))
	case cfg.Out != nil:
		sum.Batch = cfg.Out.URI(cfg.OutKey)
	}
	return sum, watch.Outcome(sum)
}

// search asks every search of cfg that ck does not say is fresh and
// writes the envelopes to out in plan order, the answered ones to be
// marked in ck once stored. It returns an error only when ctx ends or out
// fails.
func search(ctx context.Context, cfg Config, ck *Checkpoint, out *output) (Summary, error) {
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
			ok := r.env.Status >= 200 && r.env.Status < 300
			if err := out.write(ctx, line, ckKey(s), ok, r.env.FetchedAt); err != nil {
				return sum, fmt.Errorf("writing envelope of %s: %w", s.Key(), err)
			}
			if ok {
				sum.Fetched++
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
