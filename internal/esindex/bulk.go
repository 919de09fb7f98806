package esindex

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/elastic/go-elasticsearch/v8/esutil"
)

// op is one bulk write.
type op struct {
	action  string // "create" or "index"
	index   string
	id      string
	version int64 // external version; 0 for none
	body    []byte
}

// answer is the final answer for one op.
type answer struct {
	class  class
	status int
	typ    string
	reason string
}

// sender writes ops through one long-lived esutil.BulkIndexer and retries,
// with jittered exponential backoff, only the items that failed with a
// retryable answer.
type sender struct {
	bi         esutil.BulkIndexer
	maxRetries int
	backoff    time.Duration
	maxBackoff time.Duration
	sleep      func(context.Context, time.Duration) error
	retries    int // items sent again
}

// send writes ops and returns one answer per op, in order. It returns an
// error only when ctx ends.
func (s *sender) send(ctx context.Context, ops []op) ([]answer, error) {
	answers := make([]answer, len(ops))
	pending := make([]int, len(ops))
	for i := range ops {
		pending[i] = i
	}
	for attempt := 0; len(pending) > 0; attempt++ {
		if attempt > 0 {
			if err := s.sleep(ctx, s.delay(attempt)); err != nil {
				return nil, err
			}
			s.retries += len(pending)
		}
		for _, i := range pending {
			if err := s.bi.Add(ctx, s.item(ops[i], &answers[i])); err != nil {
				return nil, fmt.Errorf("queueing bulk item %s: %w", ops[i].id, err)
			}
		}
		if err := s.bi.Flush(ctx); err != nil {
			return nil, fmt.Errorf("flushing bulk items: %w", err)
		}
		var again []int
		for _, i := range pending {
			if answers[i].class == classRetry && attempt < s.maxRetries {
				again = append(again, i)
			}
		}
		pending = again
	}
	return answers, nil
}

func (s *sender) item(o op, a *answer) esutil.BulkIndexerItem {
	it := esutil.BulkIndexerItem{
		Action:     o.action,
		Index:      o.index,
		DocumentID: o.id,
		Body:       bytes.NewReader(o.body),
		OnSuccess: func(_ context.Context, _ esutil.BulkIndexerItem, r esutil.BulkIndexerResponseItem) {
			*a = answer{class: classOK, status: r.Status}
		},
		OnFailure: func(_ context.Context, _ esutil.BulkIndexerItem, r esutil.BulkIndexerResponseItem, err error) {
			*a = answer{class: classify(r.Status, err), status: r.Status, typ: r.Error.Type, reason: r.Error.Reason}
			if err != nil {
				a.reason = err.Error()
			}
		},
	}
	if o.version > 0 {
		v := o.version
		it.Version = &v
		it.VersionType = "external"
	}
	return it
}

// delay is the wait before retry attempt n (1-based): exponential from the
// base, capped, with full jitter.
func (s *sender) delay(n int) time.Duration {
	d := s.backoff << (n - 1)
	if d > s.maxBackoff || d <= 0 {
		d = s.maxBackoff
	}
	return time.Duration(rand.Int64N(int64(d)) + 1)
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
