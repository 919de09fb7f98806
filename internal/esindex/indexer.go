package esindex

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
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
	Workers    int           // bulk workers; default 2
	FlushBytes int           // bulk request size; default 5 MiB
	MaxRetries int           // retries of an item answered 429/5xx; default 5
	Backoff    time.Duration // first retry wait; default 200ms
	MaxBackoff time.Duration // retry wait cap; default 10s
	Refresh    bool          // refresh the indices at the end so results are searchable at once
	Logger     *slog.Logger  // nil discards
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
	def(&cfg.MaxRetries, 5)
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

// run is the state of one Index call.
type run struct {
	*Indexer
	snd   *sender
	sum   Summary
	wrote bool   // change points were written since the last refresh
	docs  []byte // where document bodies are written; see body
}

// body appends a document with appendDoc to the run's buffer and returns
// it. Bodies share large buffers, so that a round costs a few allocations
// rather than one (and the growing of a slice) a document; a buffer is
// released when no op of it is left.
func (rn *run) body(appendDoc func([]byte) []byte) []byte {
	if cap(rn.docs)-len(rn.docs) < 2048 {
		rn.docs = make([]byte, 0, 256<<10)
	}
	start := len(rn.docs)
	rn.docs = appendDoc(rn.docs)
	end := len(rn.docs)
	return rn.docs[start:end:end]
}

// Index reads curated observations (gzip or plain NDJSON) from r and
// indexes them. It returns an error for a failure of the run as a whole
// (Elasticsearch unreachable, ctx ended); per-record problems end in the
// summary and the dead-letter sink. A summary with Failed > 0 means some
// records should be indexed again later.
func (ix *Indexer) Index(ctx context.Context, r io.Reader) (Summary, error) {
	bi, err := esutil.NewBulkIndexer(esutil.BulkIndexerConfig{
		Client: ix.es, NumWorkers: ix.cfg.Workers, FlushBytes: ix.cfg.FlushBytes,
		FlushInterval: time.Hour, // flushed explicitly, round by round
		Decoder:       bulkDecoder{},
	})
	if err != nil {
		return Summary{}, fmt.Errorf("starting bulk indexer: %w", err)
	}
	defer bi.Close(context.WithoutCancel(ctx))
	rn := &run{Indexer: ix, snd: &sender{bi: bi, maxRetries: ix.cfg.MaxRetries,
		backoff: ix.cfg.Backoff, maxBackoff: ix.cfg.MaxBackoff, sleep: sleepCtx}}

	if err := EnsureTemplates(ctx, ix.es, ix.cfg.Prefix); err != nil {
		return rn.sum, err
	}
	nr, err := ndjson.NewReader(r)
	if err != nil {
		return rn.sum, fmt.Errorf("opening observations: %w", err)
	}
	chunk := make([]fare.Observation, 0, ix.cfg.ChunkSize)
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
		var o fare.Observation
		err = o.UnmarshalJSON(line)
		if err == nil {
			err = o.Validate()
		}
		if err != nil {
			if err := rn.deadLetter(rejectedLine(n, line, err)); err != nil {
				return rn.sum, err
			}
			continue
		}
		chunk = append(chunk, o)
		if len(chunk) == cap(chunk) {
			if err := rn.round(ctx, chunk); err != nil {
				return rn.sum, err
			}
			chunk = chunk[:0]
		}
	}
	if len(chunk) > 0 {
		if err := rn.round(ctx, chunk); err != nil {
			return rn.sum, err
		}
	}
	if ix.cfg.Refresh {
		if err := rn.refresh(ctx, ix.cfg.Prefix+"-*"); err != nil {
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
	if err := rn.cfg.DeadLetter(dl); err != nil {
		return fmt.Errorf("writing dead letter: %w", err)
	}
	return nil
}

// series is one series' share of a round.
type series struct {
	obs       []fare.Observation
	plan      plan
	createsOK bool // every change point is stored (created or already there)
}

// round folds one chunk of observations: read the latest documents of its
// series, create the change points, settle late observations against the
// stored history, then write the latest documents.
func (rn *run) round(ctx context.Context, chunk []fare.Observation) error {
	bySeries := make(map[string]*series)
	var order []string
	for _, o := range chunk {
		s := bySeries[o.SeriesID]
		if s == nil {
			s = &series{}
			bySeries[o.SeriesID] = s
			order = append(order, o.SeriesID)
		}
		s.obs = append(s.obs, o)
	}
	current, err := rn.latest(ctx, order)
	if err != nil {
		return err
	}

	var creates []op
	var owners []*series
	for _, id := range order {
		s := bySeries[id]
		s.plan = fold(current[id], s.obs)
		s.createsOK = true
		for o := Outcome(0); o < numOutcomes; o++ {
			rn.sum.Outcomes[o] += s.plan.settled[o]
		}
		for i := range s.plan.create {
			creates = append(creates, rn.createOp(&s.plan.create[i]))
			owners = append(owners, s)
		}
	}
	if err := rn.write(ctx, creates, owners, Created); err != nil {
		return err
	}

	if err := rn.settleLate(ctx, order, bySeries); err != nil {
		return err
	}

	var latest []op
	owners = owners[:0]
	for _, id := range order {
		s := bySeries[id]
		if s.plan.latest == nil {
			continue
		}
		if !s.createsOK {
			// A change point is missing: leave latest as it was so a later
			// run folds these observations again.
			rn.moveUnchanged(Failed, s)
			continue
		}
		l := s.plan.latest
		latest = append(latest, op{action: "index", index: LatestIndex(rn.cfg.Prefix), id: l.SeriesID,
			version: l.Version(), body: rn.body(l.AppendJSON)})
		owners = append(owners, s)
	}
	answers, err := rn.snd.send(ctx, latest)
	if err != nil {
		return err
	}
	for i, a := range answers {
		switch a.class {
		case classOK:
			rn.sum.Latest++
		case classConflict:
			// A newer observation was folded meanwhile by another run.
			rn.moveUnchanged(Stale, owners[i])
		case classRetry:
			rn.moveUnchanged(Failed, owners[i])
		default:
			rn.moveUnchanged(DeadLettered, owners[i])
			if err := rn.cfg.DeadLetter(DeadLetter{ID: latest[i].id, Index: latest[i].index,
				Status: a.status, Type: a.typ, Reason: "latest document: " + a.reason}); err != nil {
				return fmt.Errorf("writing dead letter: %w", err)
			}
		}
	}
	return nil
}

// moveUnchanged re-files the observations a series folded as Unchanged when
// its latest document could not be written.
func (rn *run) moveUnchanged(to Outcome, s *series) {
	n := s.plan.settled[Unchanged]
	rn.sum.Outcomes[Unchanged] -= n
	rn.sum.Outcomes[to] += n
}

func (rn *run) createOp(o *fare.Observation) op {
	return op{action: "create", index: ObservationsIndex(rn.cfg.Prefix, o.ObservedAt), id: o.ID,
		body: rn.body(o.AppendJSON)}
}

// write sends create ops and files each observation under ok when created,
// Duplicate on 409, Failed or DeadLettered otherwise; a series with a
// change point neither created nor present is marked.
func (rn *run) write(ctx context.Context, ops []op, owners []*series, ok Outcome) error {
	answers, err := rn.snd.send(ctx, ops)
	if err != nil {
		return err
	}
	for i, a := range answers {
		switch a.class {
		case classOK:
			rn.sum.Outcomes[ok]++
			rn.wrote = true
		case classConflict:
			rn.sum.Outcomes[Duplicate]++
		case classRetry:
			rn.sum.Outcomes[Failed]++
			owners[i].createsOK = false
		default:
			owners[i].createsOK = false
			if err := rn.deadLetter(DeadLetter{ID: ops[i].id, Index: ops[i].index, Status: a.status,
				Type: a.typ, Reason: a.reason, Record: ops[i].body}); err != nil {
				return err
			}
		}
	}
	return nil
}

// settleLate stores the late observations that change the price in force at
// their instant and files the others as Stale.
func (rn *run) settleLate(ctx context.Context, order []string, bySeries map[string]*series) error {
	var ops []op
	var owners []*series
	for _, id := range order {
		s := bySeries[id]
		for i := range s.plan.late {
			o := &s.plan.late[i]
			if rn.wrote {
				if err := rn.refresh(ctx, ObservationsPattern(rn.cfg.Prefix)); err != nil {
					return err
				}
				rn.wrote = false
			}
			prev, found, err := rn.priceAt(ctx, o.SeriesID, o.ObservedAt)
			if err != nil {
				return err
			}
			if found && prev == o.Price.Minor {
				rn.sum.Outcomes[Stale]++
				continue
			}
			ops = append(ops, rn.createOp(o))
			owners = append(owners, s)
		}
	}
	return rn.write(ctx, ops, owners, Created)
}

// priceAt returns the price of the change point of a series in force at t:
// the stored one with the greatest observed_at not after t.
func (rn *run) priceAt(ctx context.Context, seriesID string, t time.Time) (int64, bool, error) {
	q := map[string]any{
		"size":    1,
		"_source": []string{"amount_minor"},
		"sort":    []any{map[string]any{"observed_at": "desc"}},
		"query": map[string]any{"bool": map[string]any{"filter": []any{
			map[string]any{"term": map[string]any{"series_id": seriesID}},
			map[string]any{"range": map[string]any{"observed_at": map[string]any{"lte": fare.FormatTime(t)}}},
		}}},
	}
	body, _ := json.Marshal(q)
	ignore := true
	res, err := esapi.SearchRequest{Index: []string{ObservationsPattern(rn.cfg.Prefix)}, Body: bytes.NewReader(body),
		IgnoreUnavailable: &ignore}.Do(ctx, rn.es)
	if err != nil {
		return 0, false, fmt.Errorf("searching history of series %s: %w", seriesID, err)
	}
	defer res.Body.Close()
	if res.IsError() {
		return 0, false, fmt.Errorf("searching history of series %s: %w", seriesID, responseError(res))
	}
	var out struct {
		Hits struct {
			Hits []struct {
				Source struct {
					Minor int64 `json:"amount_minor"`
				} `json:"_source"`
			} `json:"hits"`
		} `json:"hits"`
	}
	if err := json.NewDecoder(res.Body).Decode(&out); err != nil {
		return 0, false, fmt.Errorf("decoding history of series %s: %w", seriesID, err)
	}
	if len(out.Hits.Hits) == 0 {
		return 0, false, nil
	}
	return out.Hits.Hits[0].Source.Minor, true, nil
}

// latest reads the latest documents of the given series.
func (rn *run) latest(ctx context.Context, ids []string) (map[string]*Latest, error) {
	body, _ := json.Marshal(map[string]any{"ids": ids})
	res, err := esapi.MgetRequest{Index: LatestIndex(rn.cfg.Prefix), Body: bytes.NewReader(body)}.Do(ctx, rn.es)
	if err != nil {
		return nil, fmt.Errorf("reading latest documents: %w", err)
	}
	defer res.Body.Close()
	if res.StatusCode == http.StatusNotFound {
		_, _ = io.Copy(io.Discard, res.Body)
		return map[string]*Latest{}, nil // no latest index yet
	}
	if res.IsError() {
		return nil, fmt.Errorf("reading latest documents: %w", responseError(res))
	}
	var out mgetResponse
	if err := out.decode(res.Body); err != nil {
		return nil, fmt.Errorf("decoding latest documents: %w", err)
	}
	current := make(map[string]*Latest, len(out.Docs))
	for _, d := range out.Docs {
		if d.Error != nil {
			if d.Error.Type == "index_not_found_exception" {
				continue
			}
			return nil, fmt.Errorf("reading latest document %s: %s: %s", d.ID, d.Error.Type, d.Error.Reason)
		}
		if !d.Found {
			continue
		}
		l, err := ParseLatest(d.Source)
		if err != nil {
			return nil, err
		}
		current[d.ID] = l
	}
	return current, nil
}

// mgetResponse is what latest reads of an _mget response.
type mgetResponse struct {
	Docs []mgetDoc `json:"docs"`
}

type mgetDoc struct {
	ID     string          `json:"_id"`
	Found  bool            `json:"found"`
	Source json.RawMessage `json:"_source"`
	Error  *mgetError      `json:"error"`
}

type mgetError struct {
	Type   string `json:"type"`
	Reason string `json:"reason"`
}

var (
	mgetFields      = []string{"docs"}
	mgetDocFields   = []string{"_id", "found", "_source", "error"}
	mgetErrorFields = []string{"type", "reason"}
)

// decode reads the response in one pass over its bytes when it has the
// shape Elasticsearch writes, and with encoding/json otherwise (see
// bulkDecoder), with the same results either way.
func (m *mgetResponse) decode(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	if m.read(data) {
		return nil
	}
	*m = mgetResponse{}
	return json.NewDecoder(bytes.NewReader(data)).Decode(m)
}

// read is the fast path of decode.
func (m *mgetResponse) read(data []byte) bool {
	d := jsonScanner{b: data}
	return d.object(mgetFields, func(int) bool {
		if d.null() {
			m.Docs = nil
			return true
		}
		m.Docs = []mgetDoc{}
		return d.list(func() bool {
			m.Docs = append(m.Docs, mgetDoc{})
			return d.mgetDoc(&m.Docs[len(m.Docs)-1])
		})
	})
}

func (d *jsonScanner) mgetDoc(doc *mgetDoc) bool {
	return d.object(mgetDocFields, func(f int) bool {
		switch f {
		case 0:
			return d.null() || d.str(&doc.ID)
		case 1:
			return d.null() || d.bool(&doc.Found)
		case 2:
			d.next()
			start := d.i
			if !d.skip() {
				return false
			}
			doc.Source = append(json.RawMessage(nil), d.b[start:d.i]...)
			return true
		}
		if d.null() {
			doc.Error = nil
			return true
		}
		doc.Error = &mgetError{}
		return d.object(mgetErrorFields, func(f int) bool {
			if f == 0 {
				return d.null() || d.str(&doc.Error.Type)
			}
			return d.null() || d.str(&doc.Error.Reason)
		})
	})
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
