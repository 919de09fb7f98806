package esindex

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/elastic/go-elasticsearch/v8/esapi"

	"github.com/farepipe/farepipe/internal/fare"
)

// run is the state of one Index call. Its buffers are reused from round to
// round: a round costs few allocations however many observations it folds.
type run struct {
	*Indexer
	snd         *sender
	sum         Summary
	wrote       bool   // change points were written since the last refresh
	latestIndex string // LatestIndex of the prefix
	obsIndex    struct {
		month int // year*12 + month of the last change-log index named
		name  string
	}

	chunk   []fare.Observation // read, not yet folded
	docs    []byte             // document bodies of the round
	group   map[string]int32
	series  []series
	seq     []int32 // the series of each observation of the chunk
	grouped []fare.Observation
	ops     []op
	owners  []*series
	ids     []string
	mget    []byte // _mget request and response bodies
}

// series is one series' share of a round.
type series struct {
	id        string
	n         int                // observations in the chunk
	obs       []fare.Observation // its observations, in input order until folded
	plan      plan
	createsOK bool // every change point is stored (created or already there)
}

// round folds one chunk of observations: read the latest documents of its
// series, create the change points, settle late observations against the
// stored history, then write the latest documents.
func (rn *run) round(ctx context.Context, chunk []fare.Observation) error {
	// The bodies of the last round are no longer referenced: its sends
	// are over, and dead letters copy what they keep.
	rn.docs = rn.docs[:0]
	rn.groupSeries(chunk)
	rn.ids = rn.ids[:0]
	for i := range rn.series {
		rn.ids = append(rn.ids, rn.series[i].id)
	}
	current, err := rn.latest(ctx, rn.ids)
	if err != nil {
		return err
	}

	creates, owners := rn.ops[:0], rn.owners[:0]
	for i := range rn.series {
		s := &rn.series[i]
		s.plan = fold(current[s.id], s.obs)
		s.createsOK = true
		for o := Outcome(0); o < numOutcomes; o++ {
			rn.sum.Outcomes[o] += s.plan.settled[o]
		}
		for j := range s.plan.create {
			creates = append(creates, rn.createOp(&s.plan.create[j]))
			owners = append(owners, s)
		}
	}
	if err := rn.write(ctx, creates, owners, Created); err != nil {
		return err
	}

	if err := rn.settleLate(ctx); err != nil {
		return err
	}

	latest, owners := creates[:0], owners[:0]
	for i := range rn.series {
		s := &rn.series[i]
		if !s.plan.changed {
			continue
		}
		if !s.createsOK {
			// A change point is missing: leave latest as it was so a later
			// run folds these observations again.
			rn.moveUnchanged(Failed, s)
			continue
		}
		l := &s.plan.latest
		start := len(rn.docs)
		rn.docs = l.AppendJSON(rn.docs)
		latest = append(latest, op{action: "index", index: rn.latestIndex, id: l.SeriesID,
			version: l.Version(), body: rn.docs[start:len(rn.docs):len(rn.docs)]})
		owners = append(owners, s)
	}
	rn.ops, rn.owners = latest, owners
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

// groupSeries sorts the observations of a chunk into its series, in the
// order each series first appears, each series' observations in input
// order, and points each series at its own part of one array: the chunk's
// own when each series' observations are next to each other there (as
// when each series appears once), a copy otherwise.
func (rn *run) groupSeries(chunk []fare.Observation) {
	if rn.group == nil {
		rn.group = make(map[string]int32, len(chunk))
	}
	clear(rn.group)
	clear(rn.series) // let go of the last round's observations
	rn.series = rn.series[:0]
	rn.seq = resize(rn.seq, len(chunk))
	together := true
	for i := range chunk {
		id := chunk[i].SeriesID
		g, ok := rn.group[id]
		if !ok {
			g = int32(len(rn.series))
			rn.group[id] = g
			rn.series = append(rn.series, series{id: id})
		} else if g != rn.seq[i-1] {
			together = false
		}
		rn.seq[i] = g
		rn.series[g].n++
	}
	all := chunk
	if !together {
		rn.grouped = resize(rn.grouped, len(chunk))
		all = rn.grouped
	}
	start := 0
	for i := range rn.series {
		s := &rn.series[i]
		s.obs = all[start : start+s.n : start+s.n]
		start += s.n
	}
	if together {
		return
	}
	for i := range rn.series {
		s := &rn.series[i]
		s.obs = s.obs[:0]
	}
	for i := range chunk {
		s := &rn.series[rn.seq[i]]
		s.obs = append(s.obs, chunk[i])
	}
}

// moveUnchanged re-files the observations a series folded as Unchanged when
// its latest document could not be written.
func (rn *run) moveUnchanged(to Outcome, s *series) {
	n := s.plan.settled[Unchanged]
	rn.sum.Outcomes[Unchanged] -= n
	rn.sum.Outcomes[to] += n
}

func (rn *run) createOp(o *fare.Observation) op {
	start := len(rn.docs)
	rn.docs = o.AppendJSON(rn.docs)
	return op{action: "create", index: rn.observationsIndex(o.ObservedAt), id: o.ID,
		body: rn.docs[start:len(rn.docs):len(rn.docs)]}
}

// observationsIndex is ObservationsIndex for the run's prefix, named once a
// month rather than once an observation.
func (rn *run) observationsIndex(t time.Time) string {
	y, m, _ := t.UTC().Date()
	if month := y*12 + int(m); month != rn.obsIndex.month || rn.obsIndex.name == "" {
		rn.obsIndex.month, rn.obsIndex.name = month, ObservationsIndex(rn.cfg.Prefix, t)
	}
	return rn.obsIndex.name
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
			record := append(json.RawMessage(nil), ops[i].body...) // the body's buffer is reused
			if err := rn.deadLetter(DeadLetter{ID: ops[i].id, Index: ops[i].index, Status: a.status,
				Type: a.typ, Reason: a.reason, Record: record}); err != nil {
				return err
			}
		}
	}
	return nil
}

// settleLate stores the late observations that change the price in force at
// their instant and files the others as Stale.
func (rn *run) settleLate(ctx context.Context) error {
	var ops []op
	var owners []*series
	for i := range rn.series {
		s := &rn.series[i]
		for j := range s.plan.late {
			o := &s.plan.late[j]
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
	if len(ops) == 0 {
		return nil
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
