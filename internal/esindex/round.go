package esindex

import (
	"context"
	"encoding/json"
	"slices"
	"time"

	"github.com/farepipe/farepipe/internal/fare"
)

// run is the state of one Index call. Its buffers are reused from round to
// round: a round costs few allocations however many observations it folds.
type run struct {
	*Indexer
	snd         *sender
	sum         Summary
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

	// floor is the first instant, in Unix milliseconds, of the change
	// log's retention (ReadFloor): no change-log write goes before it.
	floor int64

	repair     *Repair // set when the run repairs series rather than indexing
	report     func(Repaired) error
	repaired   RepairSummary
	unfinished []string // series a repair could not finish
	// vanished lists the series a repair found no latest document of:
	// their change log may hold what a deletion left (see orphans).
	vanished []string
}

// series is one series' share of a round.
type series struct {
	id   string
	n    int                // observations in the chunk
	obs  []fare.Observation // its observations, in input order until folded
	cur  *Latest            // its stored latest document; nil for none
	plan plan
}

// maxAttempts bounds how often a round folds a series again after another
// run replaced its latest document in between.
const maxAttempts = 20

// round folds one chunk of observations. For each series it reads the
// latest document, finishes the change-log writes the last fold of the
// series left pending, folds the new observations into its history, and
// replaces the latest document on the condition that nobody replaced it
// since it was read (otherwise it reads and folds again); only then does it
// write the change-log documents the fold added and delete those it undid.
// The latest document is the one place of record: whatever ran before or
// beside, the series ends as its history says.
func (rn *run) round(ctx context.Context, chunk []fare.Observation) error {
	rn.groupSeries(chunk)
	return rn.rounds(ctx)
}

// rounds folds the round's series until each is settled.
func (rn *run) rounds(ctx context.Context) error {
	// The bodies of the last round are no longer referenced: its sends
	// are over, and dead letters copy what they keep.
	rn.docs = rn.docs[:0]
	todo := make([]*series, len(rn.series))
	for i := range rn.series {
		todo[i] = &rn.series[i]
	}
	for attempt := 1; len(todo) > 0; attempt++ {
		if attempt > maxAttempts {
			for _, s := range todo {
				rn.settleFailed(s)
				rn.writeFailed(s.id)
			}
			return nil
		}
		if attempt > 1 {
			if err := rn.snd.sleep(ctx, rn.snd.delay(attempt-1)); err != nil {
				return err
			}
		}
		var err error
		if todo, err = rn.fold(ctx, todo); err != nil {
			return err
		}
		if todo, err = rn.finishPending(ctx, todo); err != nil {
			return err
		}
		if todo, err = rn.commit(ctx, todo); err != nil {
			return err
		}
	}
	return nil
}

// fold reads the latest documents of the series and folds each series'
// observations into its history. It returns the series that have
// something to write; the others are settled.
func (rn *run) fold(ctx context.Context, todo []*series) ([]*series, error) {
	rn.ids = rn.ids[:0]
	for _, s := range todo {
		rn.ids = append(rn.ids, s.id)
	}
	current, err := rn.latest(ctx, rn.ids)
	if err != nil {
		return nil, err
	}
	next := todo[:0]
	for _, s := range todo {
		s.cur = current[s.id]
		if rn.repair != nil && s.cur == nil && !slices.Contains(rn.vanished, s.id) {
			rn.vanished = append(rn.vanished, s.id)
		}
		if rn.repair != nil {
			s.plan, err = prune(s.cur, rn.repair)
		} else {
			s.plan, err = fold(s.cur, s.obs)
		}
		if err != nil {
			return nil, err
		}
		if rn.repair != nil && rn.repair.DryRun {
			if err := rn.reportRepair(s); err != nil {
				return nil, err
			}
			continue
		}
		if !s.plan.changed && (s.cur == nil || len(s.cur.Pending) == 0) {
			rn.settle(s)
			continue
		}
		next = append(next, s)
	}
	return next, nil
}

// finishPending writes again the change-log documents the last fold of each
// series left pending. A series whose pending writes fail is settled as
// failed: folding on would drop them from the record.
func (rn *run) finishPending(ctx context.Context, todo []*series) ([]*series, error) {
	ops, owners := rn.ops[:0], rn.owners[:0]
	for _, s := range todo {
		if s.cur == nil || len(s.cur.Pending) == 0 {
			continue
		}
		upserts, deletes, err := reassert(s.cur)
		if err != nil {
			return nil, err
		}
		for _, e := range upserts {
			if e.at < rn.floor {
				continue // its month was pruned
			}
			o, err := rn.upsertOp(&s.cur.Key, s.id, e, s.cur.Gen)
			if err != nil {
				return nil, err
			}
			ops, owners = append(ops, o), append(owners, s)
		}
		for _, at := range deletes {
			if at < rn.floor {
				continue
			}
			ops, owners = append(ops, rn.deleteOp(s.id, at, s.cur.Gen)), append(owners, s)
		}
	}
	// Most pending writes were done by the fold that recorded them: read
	// which, and write only the others, so that running an input again
	// writes nothing.
	done, err := rn.present(ctx, ops)
	if err != nil {
		return nil, err
	}
	n := 0
	for i := range ops {
		if done[i] != (ops[i].action == "delete") {
			continue
		}
		ops[n], owners[n] = ops[i], owners[i]
		n++
	}
	ops, owners = ops[:n], owners[:n]
	rn.ops, rn.owners = ops, owners
	answers, err := rn.snd.send(ctx, ops)
	if err != nil {
		return nil, err
	}
	failed := map[*series]bool{}
	for i, a := range answers {
		// A write rejected for good was dead-lettered when first tried.
		if a.class != classRetry {
			continue
		}
		rn.writeFailed(owners[i].id)
		failed[owners[i]] = true
	}
	next := todo[:0]
	for _, s := range todo {
		switch {
		case failed[s]:
			rn.settleFailed(s)
		case !s.plan.changed:
			rn.settle(s) // nothing new: the pending writes were all there was
		default:
			next = append(next, s)
		}
	}
	return next, nil
}

// commit replaces the latest documents of the series on the condition that
// they are as read, then writes the change log of those replaced. It
// returns the series some other run got to first, to be folded again.
func (rn *run) commit(ctx context.Context, todo []*series) ([]*series, error) {
	ops := rn.ops[:0]
	for _, s := range todo {
		o := op{action: "delete", index: rn.latestIndex, id: s.id} // a repair left nothing of the series
		if !s.plan.remove {
			start := len(rn.docs)
			rn.docs = s.plan.latest.AppendJSON(rn.docs)
			o.action, o.body = "create", rn.docs[start:len(rn.docs):len(rn.docs)]
		}
		if s.cur != nil {
			if o.action == "create" {
				o.action = "index"
			}
			o.seqNo, o.primaryTerm = s.cur.seqNo, s.cur.primaryTerm
		}
		ops = append(ops, o)
	}
	rn.ops = ops
	answers, err := rn.snd.send(ctx, ops)
	if err != nil {
		return nil, err
	}
	again := todo[:0]
	var logOps []op
	var logFresh []bool
	var logOwners []*series
	for i, a := range answers {
		s := todo[i]
		switch a.class {
		case classOK:
			rn.sum.Latest++
			rn.settle(s)
			if rn.repair != nil {
				if err := rn.reportRepair(s); err != nil {
					return nil, err
				}
			}
			for j, e := range s.plan.upserts {
				if e.at < rn.floor {
					continue // its month was pruned: the history keeps it
				}
				o, err := rn.upsertOp(&s.plan.latest.Key, s.id, e, s.plan.latest.Gen)
				if err != nil {
					return nil, err
				}
				logOps, logFresh = append(logOps, o), append(logFresh, s.plan.fresh[j])
				logOwners = append(logOwners, s)
			}
			for _, at := range s.plan.deletes {
				if at < rn.floor {
					continue
				}
				logOps, logFresh = append(logOps, rn.deleteOp(s.id, at, s.plan.latest.Gen)), append(logFresh, false)
				logOwners = append(logOwners, s)
			}
		case classConflict:
			again = append(again, s) // replaced since it was read: fold again
		case classRetry:
			rn.writeFailed(s.id)
			rn.settleFailed(s)
		default:
			if err := rn.writeDeadLetter(&ops[i], a); err != nil {
				return nil, err
			}
			rn.sum.Outcomes[Duplicate] += s.plan.settled[Duplicate]
			rn.sum.Outcomes[DeadLettered] += s.plan.settled[Created] + s.plan.settled[Unchanged]
		}
	}
	if len(logOps) == 0 {
		return again, nil
	}
	answers, err = rn.snd.send(ctx, logOps)
	if err != nil {
		return nil, err
	}
	for i, a := range answers {
		switch a.class {
		case classOK, classConflict: // a conflict: a later fold of the series wrote it already
		case classRetry:
			// The latest document keeps the write pending: the next fold
			// of the series, a rerun of this input among others, does it
			// again.
			rn.writeFailed(logOwners[i].id)
			if logFresh[i] {
				rn.sum.Outcomes[Created]--
				rn.sum.Outcomes[Failed]++
			}
		default:
			// Rejected for good: the series' history still holds the
			// observation, the change log cannot.
			if logFresh[i] {
				rn.sum.Outcomes[Created]--
				rn.sum.Outcomes[DeadLettered]++
			}
			if err := rn.writeDeadLetter(&logOps[i], a); err != nil {
				return nil, err
			}
		}
	}
	return again, nil
}

// writeFailed counts a write of series id that did not happen after
// retries.
func (rn *run) writeFailed(id string) {
	rn.sum.WritesFailed++
	if rn.repair != nil && !slices.Contains(rn.unfinished, id) {
		rn.unfinished = append(rn.unfinished, id)
	}
}

// settle files the observations of a series as its plan decided.
func (rn *run) settle(s *series) {
	for o := Outcome(0); o < numOutcomes; o++ {
		rn.sum.Outcomes[o] += s.plan.settled[o]
	}
}

// settleFailed files the new observations of a series as Failed: a write
// they need did not happen.
func (rn *run) settleFailed(s *series) {
	rn.sum.Outcomes[Duplicate] += s.plan.settled[Duplicate]
	rn.sum.Outcomes[Failed] += s.plan.settled[Created] + s.plan.settled[Unchanged]
}

// writeDeadLetter records a write Elasticsearch rejected for good. The
// caller files the outcome of the records it concerns.
func (rn *run) writeDeadLetter(o *op, a answer) error {
	dl := DeadLetter{ID: o.id, Index: o.index, Status: a.status, Type: a.typ, Reason: a.reason}
	if o.body != nil {
		dl.Record = append(json.RawMessage(nil), o.body...) // the body's buffer is reused
	}
	return rn.sinkDeadLetter(dl)
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

// upsertOp writes the change-log document of entry e of a series, as
// generation gen of the series' latest document.
func (rn *run) upsertOp(key *fare.SeriesKey, sid string, e entry, gen int64) (op, error) {
	o, err := changePoint(*key, sid, e)
	if err != nil {
		return op{}, err
	}
	start := len(rn.docs)
	rn.docs = o.AppendJSON(rn.docs)
	return op{action: "index", index: rn.observationsIndex(o.ObservedAt), id: o.ID, version: gen,
		body: rn.docs[start:len(rn.docs):len(rn.docs)]}, nil
}

// deleteOp deletes the change-log document of a series at instant at, as
// generation gen of the series' latest document.
func (rn *run) deleteOp(sid string, at int64, gen int64) op {
	t := millis(at)
	return op{action: "delete", index: rn.observationsIndex(t), id: fare.ObservationID(sid, t), version: gen}
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
