package esindex

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/elastic/go-elasticsearch/v8/esapi"

	"github.com/farepipe/farepipe/internal/fare"
)

// Repair says which instants to take out of which series.
type Repair struct {
	// Series lists the series to repair. Empty: every series with an
	// instant outside Keep, found in the latest index.
	Series []string
	// Keep is the range of instants a series keeps; those outside are
	// dropped. The zero Window keeps everything.
	Keep fare.Window
	// Drop lists instants dropped from the series named, wherever they lie.
	Drop []time.Time
	// DryRun reports what would change and writes nothing.
	DryRun bool
}

// Validate checks r before any I/O.
func (r *Repair) Validate() error {
	if len(r.Drop) > 0 && len(r.Series) == 0 {
		return errors.New("dropping given instants needs the series to drop them from")
	}
	if !r.Keep.Max.IsZero() && r.Keep.Max.Before(r.Keep.Min) {
		return fmt.Errorf("the instants kept end (%s) before they start (%s)",
			r.Keep.Max.Format(time.RFC3339), r.Keep.Min.Format(time.RFC3339))
	}
	return nil
}

// drops reports whether r takes the instant at (Unix milliseconds) out of
// its series.
func (r *Repair) drops(at int64) bool {
	t := millis(at)
	if !r.Keep.Min.IsZero() && t.Before(r.Keep.Min) {
		return true
	}
	if !r.Keep.Max.IsZero() && t.After(r.Keep.Max) {
		return true
	}
	return slices.ContainsFunc(r.Drop, t.Equal)
}

// Repaired is what repairing one series did, or would do on a dry run.
type Repaired struct {
	SeriesID string
	Dropped  []time.Time // instants taken out of its history
	// Latest is the series' latest document after the repair; nil when
	// nothing is left of the series and it is deleted with its change log.
	Latest *Latest
	// Orphans counts the change-log documents deleted of a series with no
	// latest document: what a repair that deleted the series and stopped
	// half way left.
	Orphans int
}

// RepairSummary accounts for a repair.
type RepairSummary struct {
	Series       int `json:"series"`        // series looked at
	Repaired     int `json:"repaired"`      // series with instants dropped
	Dropped      int `json:"dropped"`       // instants dropped
	Deleted      int `json:"deleted"`       // series left empty, deleted
	Orphans      int `json:"orphans"`       // change-log documents of deleted series deleted
	WritesFailed int `json:"writes_failed"` // writes that did not happen after retries: run again
	// Unfinished lists the series whose writes failed, or that a repair
	// ending in an error may have left half done: repairing them again
	// (or indexing them) finishes what the repair left pending.
	Unfinished []string `json:"unfinished,omitempty"`
}

// Repair takes instants out of series histories, for an observation that
// should never have been indexed (an instant far in the future makes its
// price current for good), and brings each series' latest document and
// change log to what one ordered pass over the instants left stores. It
// goes through the same conditional writes as Index, so it may run while
// Index runs. Each series repaired is reported to report (nil for none).
// A series left with no instant is deleted, latest document and change log.
func (ix *Indexer) Repair(ctx context.Context, r Repair, report func(Repaired) error) (RepairSummary, error) {
	var sum RepairSummary
	if err := r.Validate(); err != nil {
		return sum, err
	}
	ids := r.Series
	if len(ids) == 0 {
		var err error
		if ids, err = ix.seriesOutside(ctx, r.Keep); err != nil {
			return sum, err
		}
	}
	rn := ix.newRun()
	defer rn.snd.close(context.WithoutCancel(ctx))
	if err := rn.start(ctx); err != nil {
		return sum, err
	}
	rn.repair = &r
	rn.report = report
	for start := 0; start < len(ids); start += ix.cfg.ChunkSize {
		chunk := ids[start:min(start+ix.cfg.ChunkSize, len(ids))]
		rn.groupIDs(chunk)
		rn.vanished = rn.vanished[:0]
		err := rn.rounds(ctx)
		if err == nil && len(rn.vanished) > 0 {
			// Deleted before, or by this repair in a write whose answer
			// was lost (its retry then finds nothing to delete).
			err = rn.deleteOrphans(ctx, rn.vanished)
		}
		if err != nil {
			// Any series from this chunk on may be half repaired, with
			// writes pending: name them all to be repaired again.
			sum = rn.repaired
			sum.Series = len(ids)
			sum.WritesFailed = rn.sum.WritesFailed
			sum.Unfinished = rn.unfinished
			for _, id := range ids[start:] {
				if !slices.Contains(rn.unfinished, id) {
					sum.Unfinished = append(sum.Unfinished, id)
				}
			}
			return sum, err
		}
	}
	if ix.cfg.Refresh && !r.DryRun {
		if err := rn.refresh(ctx, ix.cfg.Prefix+"-*"); err != nil {
			return sum, err
		}
	}
	sum = rn.repaired
	sum.Series = len(ids)
	sum.WritesFailed, sum.Unfinished = rn.sum.WritesFailed, rn.unfinished
	return sum, nil
}

// groupIDs makes a round's series of the given ids, with no observations.
func (rn *run) groupIDs(ids []string) {
	clear(rn.series)
	rn.series = rn.series[:0]
	for _, id := range ids {
		rn.series = append(rn.series, series{id: id})
	}
}

// prune takes the instants r drops out of a series' history and derives
// what one sequential pass over the instants left stores, like fold.
func prune(cur *Latest, r *Repair) (plan, error) {
	var p plan
	if cur == nil {
		return p, nil
	}
	old, err := cur.entries()
	if err != nil {
		return p, err
	}
	kept := make([]entry, 0, len(old))
	for _, e := range old {
		if r.drops(e.at) {
			p.dropped = append(p.dropped, e.at)
		} else {
			kept = append(kept, e)
		}
	}
	if len(p.dropped) == 0 {
		return p, nil
	}
	was := changePoints(nil, old)
	var now []int64
	if len(kept) > 0 {
		now = changePoints(nil, kept)
	}
	for _, at := range now {
		if !containsSorted(was, at) {
			i, _ := find(kept, at)
			p.upserts = append(p.upserts, kept[i])
			p.fresh = append(p.fresh, false)
		}
	}
	for _, at := range was {
		if !containsSorted(now, at) {
			p.deletes = append(p.deletes, at)
		}
	}
	gen := max(cur.Gen, 1) + 1
	p.changed = true
	if len(kept) == 0 {
		p.remove = true
		p.latest = Latest{Key: cur.Key, SeriesID: cur.SeriesID, Gen: gen}
		return p, nil
	}
	l, err := project(cur.Key, cur.SeriesID, kept, now, encodeHistory(nil, kept))
	if err != nil {
		return p, err
	}
	// The history keeps prices only: the breakdown is known while the
	// newest instant stays, and is left out when a repair drops it.
	if l.LastSeen.Equal(cur.LastSeen) {
		l.Breakdown = cur.Breakdown
	}
	l.Gen, l.Pending = gen, p.pendingInstants()
	p.latest = l
	return p, nil
}

// reportRepair files what the repair of s did.
func (rn *run) reportRepair(s *series) error {
	if len(s.plan.dropped) == 0 {
		return nil
	}
	rn.repaired.Repaired++
	rn.repaired.Dropped += len(s.plan.dropped)
	rep := Repaired{SeriesID: s.id, Dropped: make([]time.Time, len(s.plan.dropped))}
	for i, at := range s.plan.dropped {
		rep.Dropped[i] = millis(at)
	}
	if s.plan.remove {
		rn.repaired.Deleted++
	} else {
		l := s.plan.latest
		rep.Latest = &l
	}
	if rn.report == nil {
		return nil
	}
	return rn.report(rep)
}

// searchPage is how many hits one search of scan returns.
const searchPage = 1000

// hit is one document a scan found.
type hit struct {
	Index       string `json:"_index"`
	ID          string `json:"_id"`
	SeqNo       int64  `json:"_seq_no"`
	PrimaryTerm int64  `json:"_primary_term"`
	Sort        []any  `json:"sort"`
}

// series is the series of a change-log document found sorted by series
// first.
func (h *hit) series() string {
	if len(h.Sort) == 0 {
		return ""
	}
	s, _ := h.Sort[0].(string)
	return s
}

// instant is the observed_at, in Unix milliseconds, of a change-log
// document found sorted by series and instant.
func (h *hit) instant() (int64, bool) {
	if len(h.Sort) < 2 {
		return 0, false
	}
	ms, ok := h.Sort[1].(float64)
	return int64(ms), ok
}

// scan hands fn every document of index (a name or pattern) query matches,
// in the order of sort, whose last key must be unique, a page at a time.
func (ix *Indexer) scan(ctx context.Context, what, index string, query map[string]any, sort []any, fn func(hit)) error {
	var after []any
	for {
		q := map[string]any{"size": searchPage, "_source": false, "track_total_hits": false,
			"seq_no_primary_term": true, "query": query, "sort": sort}
		if after != nil {
			q["search_after"] = after
		}
		body, err := json.Marshal(q)
		if err != nil {
			return err
		}
		ignore := true
		res, err := esapi.SearchRequest{Index: []string{index}, Body: bytes.NewReader(body),
			IgnoreUnavailable: &ignore, AllowNoIndices: &ignore}.Do(ctx, ix.es)
		if err != nil {
			return fmt.Errorf("searching %s for %s: %w", index, what, err)
		}
		if res.IsError() {
			return fmt.Errorf("searching %s for %s: %w", index, what, responseError(res))
		}
		var out struct {
			Hits struct {
				Hits []hit `json:"hits"`
			} `json:"hits"`
		}
		err = json.NewDecoder(res.Body).Decode(&out)
		res.Body.Close()
		if err != nil {
			return fmt.Errorf("decoding %s: %w", what, err)
		}
		for _, h := range out.Hits.Hits {
			fn(h)
		}
		if len(out.Hits.Hits) < searchPage {
			return nil
		}
		after = out.Hits.Hits[len(out.Hits.Hits)-1].Sort
	}
}

// seriesOutside returns the ids of the series with an instant outside
// keep: first seen before its start or last seen after its end.
func (ix *Indexer) seriesOutside(ctx context.Context, keep fare.Window) ([]string, error) {
	var outside []any
	if !keep.Min.IsZero() {
		outside = append(outside, map[string]any{"range": map[string]any{"first_seen": map[string]any{"lt": keep.Min}}})
	}
	if !keep.Max.IsZero() {
		outside = append(outside, map[string]any{"range": map[string]any{"last_seen": map[string]any{"gt": keep.Max}}})
	}
	if len(outside) == 0 {
		return nil, nil
	}
	var ids []string
	err := ix.scan(ctx, "series outside the instants kept", LatestIndex(ix.cfg.Prefix),
		map[string]any{"bool": map[string]any{"should": outside, "minimum_should_match": 1}},
		[]any{map[string]any{"series_id": "asc"}}, func(h hit) { ids = append(ids, h.ID) })
	return ids, err
}

// orphans returns the change-log documents of the series ids that have no
// latest document and that r drops: what a repair that deleted a series
// and stopped before its change log leaves. A document is only taken for
// an orphan if its series has no latest document after it was found, since
// a fold writes the latest document before the change log. Change points
// r keeps are left alone: with no latest document, they are all that is
// left of their series.
func (rn *run) orphans(ctx context.Context, ids []string) ([]hit, error) {
	var found []hit
	err := rn.scan(ctx, "change points of deleted series", ObservationsPattern(rn.cfg.Prefix),
		map[string]any{"terms": map[string]any{"series_id": ids}},
		[]any{map[string]any{"series_id": "asc"}, map[string]any{"observed_at": "asc"}},
		func(h hit) {
			if at, ok := h.instant(); ok && rn.repair.drops(at) {
				found = append(found, h)
			}
		})
	if err != nil || len(found) == 0 {
		return nil, err
	}
	current, err := rn.latest(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := found[:0]
	for _, h := range found {
		if _, ok := current[h.series()]; !ok {
			out = append(out, h)
		}
	}
	return out, nil
}

// deleteOrphans deletes the orphans of the series ids, on condition that
// each is as found.
func (rn *run) deleteOrphans(ctx context.Context, ids []string) error {
	found, err := rn.orphans(ctx, ids)
	if err != nil || len(found) == 0 {
		return err
	}
	deleted := make(map[string]int)
	if rn.repair.DryRun {
		for _, h := range found {
			deleted[h.series()]++
		}
	} else {
		ops := rn.ops[:0]
		for _, h := range found {
			ops = append(ops, op{action: "delete", index: h.Index, id: h.ID, seqNo: h.SeqNo, primaryTerm: h.PrimaryTerm})
		}
		rn.ops = ops
		answers, err := rn.snd.send(ctx, ops)
		if err != nil {
			return err
		}
		for i, a := range answers {
			switch a.class {
			case classOK:
				deleted[found[i].series()]++
			case classRetry:
				rn.writeFailed(found[i].series())
			} // a conflict: written again since found, by the fold of a new latest document
		}
	}
	for _, id := range ids {
		n := deleted[id]
		if n == 0 {
			continue
		}
		rn.repaired.Orphans += n
		if rn.report != nil {
			if err := rn.report(Repaired{SeriesID: id, Orphans: n}); err != nil {
				return err
			}
		}
	}
	return nil
}
