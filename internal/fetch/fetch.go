package fetch

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/farepipe/farepipe/internal/fault"
	"github.com/farepipe/farepipe/internal/ndjson"
	"github.com/farepipe/farepipe/internal/provider"
	"github.com/farepipe/farepipe/internal/raw"
)

// Config is one fetch run.
type Config struct {
	Provider    provider.Provider
	Searches    []raw.Search
	Concurrency int           // searches in flight; default 2
	Checkpoint  *Checkpoint   // nil: none
	TTL         time.Duration // skip searches answered less than TTL ago
	Now         func() time.Time
	Logger      *slog.Logger
	// Progress, when set, is called about every ProgressEvery searches.
	Progress      func(Summary)
	ProgressEvery int
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
}

// Written returns how many envelopes were written.
func (s Summary) Written() int { return s.Fetched + s.Refused }

// Run fetches every search of cfg and writes envelopes to w in plan order.
// It returns an error only when cfg is not valid, ctx ends or w fails; failed searches are
// counted and logged, and the caller decides what they mean.
func Run(ctx context.Context, cfg Config, w *ndjson.Writer) (Summary, error) {
	if err := cfg.Validate(); err != nil {
		return Summary{}, err
	}
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
		fresh[i] = cfg.Checkpoint.Fresh(ckKey(s), now(), cfg.TTL)
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
				if cfg.Checkpoint != nil {
					cfg.Checkpoint.Mark(ckKey(s), r.env.FetchedAt)
				}
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
