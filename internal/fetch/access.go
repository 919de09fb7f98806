package fetch

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"

	"github.com/farepipe/farepipe/internal/fault"
	"github.com/farepipe/farepipe/internal/provider"
	"github.com/farepipe/farepipe/internal/raw"
)

// AccessWatch is a provider that remembers the first search refused for
// its credentials: an error wrapping provider.ErrAccess, or an answer with
// status 401 or 403. Such an answer is still returned as it came, so fetch
// keeps it in the batch; Outcome decides what it means for the run.
type AccessWatch struct {
	provider.Provider

	mu     sync.Mutex
	denied error
}

// WatchAccess wraps p in an AccessWatch.
func WatchAccess(p provider.Provider) *AccessWatch { return &AccessWatch{Provider: p} }

// Search asks the wrapped provider and notes a refusal of access.
func (w *AccessWatch) Search(ctx context.Context, s raw.Search) (raw.Envelope, error) {
	env, err := w.Provider.Search(ctx, s)
	switch {
	case errors.Is(err, provider.ErrAccess):
		w.note(err)
	case err == nil && (env.Status == http.StatusUnauthorized || env.Status == http.StatusForbidden):
		w.note(fmt.Errorf("searching %s: %s answered status %d", s.Key(), w.Name(), env.Status))
	}
	return env, err
}

func (w *AccessWatch) note(err error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.denied == nil {
		w.denied = err
	}
}

// Outcome returns the error a fetch run that ended with sum ends with,
// nil when some search was answered and kept:
//
//   - nothing answered 2xx and the provider refused access: fault.Config
//     (the credentials or their rights must change);
//   - nothing kept and some searches failed or were over the request
//     budget: fault.Retryable;
//   - nothing kept, none failed, some rejected as invalid: fault.Data.
func (w *AccessWatch) Outcome(sum Summary) error {
	w.mu.Lock()
	denied := w.denied
	w.mu.Unlock()
	switch {
	case sum.Fetched == 0 && denied != nil:
		return fault.Configf("no search answered: access refused: %w", denied)
	case sum.Written() == 0 && sum.Failed > 0:
		return fault.Retryablef("no search answered: %d failed", sum.Failed)
	case sum.Written() == 0 && sum.OverBudget > 0:
		return fault.Retryablef("no search answered: %d over the request budget", sum.OverBudget)
	case sum.Written() == 0 && sum.Invalid > 0:
		return fault.Dataf("no search answered: %d rejected as invalid", sum.Invalid)
	}
	return nil
}
