package esindex

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"slices"
	"time"

	"github.com/elastic/go-elasticsearch/v8/esutil"
)

// op is one bulk write.
type op struct {
	action  string // "create", "index" or "delete"
	index   string
	id      string
	version int64 // external version; 0 for none
	// seqNo and primaryTerm make the write conditional on the stored
	// document being where it was read; primaryTerm 0 for none.
	seqNo, primaryTerm int64
	body               []byte // nil for a delete
}

// answer is the final answer for one op.
type answer struct {
	class  class
	status int
	typ    string
	reason string
}

// noAnswer is the answer of an item until its callback reports: one the
// response left out is sent again, never taken for written.
var noAnswer = answer{class: classRetry, reason: "no answer for the item in the bulk response"}

// sender writes ops through long-lived esutil.BulkIndexers and retries,
// with jittered exponential backoff, only the items that failed with a
// retryable answer. It keeps one bulk indexer per index, made at first
// use, so that the index is named once in the URL of a request rather
// than in the action line of each item. Its buffers are reused from send to
// send.
type sender struct {
	newBulk    func(index string) (esutil.BulkIndexer, error)
	dec        *bulkDecoder // the bulk indexers', recycled after each flush
	maxRetries int
	backoff    time.Duration
	maxBackoff time.Duration
	sleep      func(context.Context, time.Duration) error
	retries    int // items sent again

	bulk    map[string]esutil.BulkIndexer // by index
	flush   []esutil.BulkIndexer          // those with items added since the last flush
	answers []answer
	bodies  []itemBody
	pending []int
}

// itemBody is the body of one bulk item and where its answer goes. The
// bulk indexer hands the item back to its callbacks, which find the answer
// through the body: the callbacks are plain functions, not a closure (an
// allocation) per item.
type itemBody struct {
	bytes.Reader
	answer             *answer
	version            int64
	seqNo, primaryTerm int64
}

// send writes ops and returns one answer per op, in order; the answers are
// valid until the next send. It returns an error only when ctx ends.
func (s *sender) send(ctx context.Context, ops []op) ([]answer, error) {
	s.answers = resize(s.answers, len(ops))
	s.bodies = resize(s.bodies, len(ops))
	pending := s.pending[:0]
	for i := range ops {
		pending = append(pending, i)
	}
	defer func() { s.pending = pending[:0] }()
	for attempt := 0; len(pending) > 0; attempt++ {
		if attempt > 0 {
			if err := s.sleep(ctx, s.delay(attempt)); err != nil {
				return nil, err
			}
			s.retries += len(pending)
		}
		for _, i := range pending {
			s.answers[i] = noAnswer
			bi, err := s.indexer(ops[i].index)
			if err != nil {
				return nil, err
			}
			if err := bi.Add(ctx, s.item(&ops[i], &s.bodies[i], &s.answers[i])); err != nil {
				return nil, fmt.Errorf("queueing bulk item %s: %w", ops[i].id, err)
			}
		}
		for _, bi := range s.flush {
			if err := bi.Flush(ctx); err != nil {
				return nil, fmt.Errorf("flushing bulk items: %w", err)
			}
		}
		s.flush = s.flush[:0]
		// Flush has waited for every response of these items to be
		// read and reported: their decoded forms are free again.
		s.dec.recycle()
		again := pending[:0]
		for _, i := range pending {
			if s.answers[i].class == classRetry && attempt < s.maxRetries {
				again = append(again, i)
			}
		}
		pending = again
	}
	return s.answers, nil
}

// indexer returns the bulk indexer of an index and notes it for the next
// flush.
func (s *sender) indexer(index string) (esutil.BulkIndexer, error) {
	bi := s.bulk[index]
	if bi == nil {
		var err error
		if bi, err = s.newBulk(index); err != nil {
			return nil, fmt.Errorf("starting bulk indexer for %s: %w", index, err)
		}
		if s.bulk == nil {
			s.bulk = make(map[string]esutil.BulkIndexer)
		}
		s.bulk[index] = bi
	}
	if !slices.Contains(s.flush, bi) {
		s.flush = append(s.flush, bi)
	}
	return bi, nil
}

// close waits for the bulk indexers to finish and stops them.
func (s *sender) close(ctx context.Context) {
	for _, bi := range s.bulk {
		_ = bi.Close(ctx) // every send has flushed: nothing is left to fail
	}
}

// item returns the bulk item of o; its index is in the URL of the request
// (see sender).
func (s *sender) item(o *op, body *itemBody, a *answer) esutil.BulkIndexerItem {
	body.Reset(o.body)
	body.answer = a
	it := esutil.BulkIndexerItem{
		Action:     o.action,
		DocumentID: o.id,
		Body:       body,
		OnSuccess:  onSuccess,
		OnFailure:  onFailure,
	}
	if o.version > 0 {
		body.version = o.version
		it.Version = &body.version
		it.VersionType = "external"
	}
	if o.primaryTerm > 0 {
		body.seqNo, body.primaryTerm = o.seqNo, o.primaryTerm
		it.IfSeqNo, it.IfPrimaryTerm = &body.seqNo, &body.primaryTerm
	}
	if o.body == nil {
		// A delete has no document line, so its answer is not found
		// through the body; deletes are few.
		it.Body = nil
		it.OnSuccess = func(_ context.Context, _ esutil.BulkIndexerItem, r esutil.BulkIndexerResponseItem) {
			*a = answer{class: classOK, status: r.Status}
		}
		it.OnFailure = func(_ context.Context, _ esutil.BulkIndexerItem, r esutil.BulkIndexerResponseItem, err error) {
			*a = failureAnswer(r, err)
			if err == nil && r.Status == http.StatusNotFound {
				*a = answer{class: classOK, status: r.Status} // nothing to delete: done
			}
		}
	}
	return it
}

func onSuccess(_ context.Context, it esutil.BulkIndexerItem, r esutil.BulkIndexerResponseItem) {
	*it.Body.(*itemBody).answer = answer{class: classOK, status: r.Status}
}

func onFailure(_ context.Context, it esutil.BulkIndexerItem, r esutil.BulkIndexerResponseItem, err error) {
	*it.Body.(*itemBody).answer = failureAnswer(r, err)
}

func failureAnswer(r esutil.BulkIndexerResponseItem, err error) answer {
	a := answer{class: classify(r.Status, err), status: r.Status, typ: r.Error.Type, reason: r.Error.Reason}
	if err != nil {
		a.reason = err.Error()
	}
	return a
}

// resize returns s with length n, reusing its array when it is large
// enough.
func resize[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	return s[:n]
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
