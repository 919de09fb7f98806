package esindex

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/farepipe/farepipe/internal/fare"
)

// Outcome is what became of one input record.
type Outcome int

// The outcomes of a record; every record ends in exactly one.
const (
	Created      Outcome = iota // a change point of its series: stored in the change log
	Duplicate                   // its instant was already in its series (indexed before, or twice in the input)
	Unchanged                   // same price as the observation before it: counted in latest, not stored again
	DeadLettered                // rejected for good, written to the dead-letter output
	Failed                      // a write it needs still failed after retries (retryable)
	numOutcomes
)

var outcomeNames = [...]string{"created", "duplicate", "unchanged", "dead_lettered", "failed"}

func (o Outcome) String() string { return outcomeNames[o] }

// plan is what folding new observations into a series decided: its new
// latest document and the change-log writes that bring the change log to
// the new history.
type plan struct {
	latest  Latest           // the new latest document, when changed
	changed bool             // some observation was new: latest is to be written
	upserts []entry          // change points to write
	fresh   []bool           // upserts[i] is one of the new observations
	deletes []int64          // instants of change points no longer so
	settled [numOutcomes]int // Created, Unchanged and Duplicate of the new observations

	dropped []int64 // instants a repair took out of the history
	remove  bool    // a repair left nothing: delete latest and change log
}

// fold merges a series' new observations, in any order, into its history
// (cur is nil for a new series) and derives from the union what one
// sequential pass in observed_at order would have stored. It does no I/O.
// It sorts obs.
func fold(cur *Latest, obs []fare.Observation) (plan, error) {
	sortObservations(obs)
	p, err := foldHistory(cur, obs)
	p.latest.Breakdown = newestBreakdown(cur, obs)
	return p, err
}

// foldHistory is fold of the prices, kept in the history; obs is sorted.
func foldHistory(cur *Latest, obs []fare.Observation) (plan, error) {
	add := make([]entry, len(obs))
	for i := range obs {
		add[i] = entryOf(&obs[i])
	}
	if cur != nil && len(cur.History) > 0 && add[0].at > cur.LastSeen.UnixMilli() {
		return foldAfter(cur, add)
	}
	var old []entry
	if cur != nil {
		var err error
		if old, err = cur.entries(); err != nil {
			return plan{}, err
		}
	}
	dup := make([]bool, len(add))
	all := merge(make([]entry, 0, len(old)+len(add)), old, add, dup)
	was, now := changePoints(nil, old), changePoints(nil, all)

	var p plan
	for i, e := range add {
		switch {
		case dup[i]:
			p.settled[Duplicate]++
		case containsSorted(now, e.at):
			p.settled[Created]++
		default:
			p.settled[Unchanged]++
		}
	}
	if len(all) == len(old) {
		return p, nil // nothing new
	}
	for _, at := range now {
		if !containsSorted(was, at) {
			i, _ := find(all, at)
			p.upserts = append(p.upserts, all[i])
			_, before := find(old, at)
			p.fresh = append(p.fresh, !before)
		}
	}
	for _, at := range was {
		if !containsSorted(now, at) {
			p.deletes = append(p.deletes, at)
		}
	}
	key, sid := obs[0].Key, obs[0].SeriesID
	gen := int64(1)
	if cur != nil {
		key, sid, gen = cur.Key, cur.SeriesID, max(cur.Gen, 1)+1
	}
	l, err := project(key, sid, all, now, encodeHistory(nil, all))
	if err != nil {
		return plan{}, err
	}
	l.Gen, l.Pending = gen, p.pendingInstants()
	p.latest, p.changed = l, true
	return p, nil
}

// foldAfter is fold for new observations all later than the series' last
// one, the common case: the stored history is extended, not decoded.
func foldAfter(cur *Latest, add []entry) (plan, error) {
	var p plan
	l := *cur
	l.History = append(history(nil), cur.History...)
	prev := entry{at: cur.LastSeen.UnixMilli(), minor: cur.Price.Minor, offers: cur.Offers}
	for _, e := range add {
		if e.at == prev.at {
			p.settled[Duplicate]++
			continue
		}
		l.History = l.History.appendEntry(prev, e)
		l.Observations++
		if e.minor != prev.minor {
			p.settled[Created]++
			p.upserts = append(p.upserts, e)
			p.fresh = append(p.fresh, true)
			l.ChangePoints++
			l.ChangedAt = millis(e.at)
			l.ObservationID = fare.ObservationID(l.SeriesID, l.ChangedAt)
		} else {
			p.settled[Unchanged]++
		}
		prev = e
	}
	price, err := fare.MoneyFromMinor(prev.minor, l.Key.Currency)
	if err != nil {
		return plan{}, fmt.Errorf("series %s: %w", l.SeriesID, err)
	}
	l.Price, l.LastSeen, l.Offers = price, millis(prev.at), prev.offers
	l.Gen = max(cur.Gen, 1) + 1
	l.Pending = p.pendingInstants()
	p.latest, p.changed = l, true
	return p, nil
}

// project is the latest document of a series whose history is all (not
// empty), encoded as h, with change points at the instants cps: what a
// sequential pass leaves.
func project(key fare.SeriesKey, sid string, all []entry, cps []int64, h history) (Latest, error) {
	last := all[len(all)-1]
	price, err := fare.MoneyFromMinor(last.minor, key.Currency)
	if err != nil {
		return Latest{}, fmt.Errorf("series %s: %w", sid, err)
	}
	changedAt := millis(cps[len(cps)-1])
	return Latest{Key: key, SeriesID: sid, Price: price, ObservationID: fare.ObservationID(sid, changedAt),
		ChangedAt: changedAt, FirstSeen: millis(all[0].at), LastSeen: millis(last.at),
		Observations: int64(len(all)), ChangePoints: int64(len(cps)), Offers: last.offers, History: h}, nil
}

// pendingInstants is the instants of the plan's change-log writes, sorted:
// what the latest document records as pending until they are done.
func (p *plan) pendingInstants() []int64 {
	if len(p.upserts)+len(p.deletes) == 0 {
		return nil
	}
	out := make([]int64, 0, len(p.upserts)+len(p.deletes))
	for _, e := range p.upserts {
		out = append(out, e.at)
	}
	out = append(out, p.deletes...)
	slices.Sort(out)
	return out
}

// reassert returns the change-log writes that bring the instants pending
// in cur to what its history says: a write for each change point, a
// delete for each instant that is not one.
func reassert(cur *Latest) (upserts []entry, deletes []int64, err error) {
	if len(cur.Pending) == 0 {
		return nil, nil, nil
	}
	all, err := cur.entries()
	if err != nil {
		return nil, nil, err
	}
	for _, at := range cur.Pending {
		if i, found := find(all, at); found && isChange(all, i) {
			upserts = append(upserts, all[i])
		} else {
			deletes = append(deletes, at)
		}
	}
	return upserts, deletes, nil
}

// entries decodes the history of l. A latest document written before
// histories were kept has none: it stands for the two observations it
// names, the change point in force and the last one.
func (l *Latest) entries() ([]entry, error) {
	if len(l.History) == 0 {
		es := []entry{{at: l.ChangedAt.UnixMilli(), minor: l.Price.Minor, offers: l.Offers}}
		if last := l.LastSeen.UnixMilli(); last > es[0].at {
			es = append(es, entry{at: last, minor: l.Price.Minor, offers: l.Offers})
		}
		return es, nil
	}
	es, err := l.History.decode(nil)
	if err != nil {
		return nil, fmt.Errorf("latest document of series %s: %w", l.SeriesID, err)
	}
	return es, nil
}

// changePoint is the change-log document of entry e of a series.
func changePoint(key fare.SeriesKey, sid string, e entry) (fare.Observation, error) {
	price, err := fare.MoneyFromMinor(e.minor, key.Currency)
	if err != nil {
		return fare.Observation{}, fmt.Errorf("series %s: %w", sid, err)
	}
	at := millis(e.at)
	return fare.Observation{ID: fare.ObservationID(sid, at), SeriesID: sid, ObservedAt: at, Key: key,
		Price: price, Offers: e.offers}, nil
}

func containsSorted(s []int64, v int64) bool {
	_, ok := slices.BinarySearch(s, v)
	return ok
}

// find returns where the entry at instant at is, or would be, in es.
func find(es []entry, at int64) (int, bool) {
	return slices.BinarySearchFunc(es, at, func(e entry, at int64) int { return cmp.Compare(e.at, at) })
}
