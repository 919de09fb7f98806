package esindex

import (
	"slices"
	"time"

	"github.com/farepipe/farepipe/internal/fare"
)

// Outcome is what became of one input record.
type Outcome int

// The outcomes of a record; every record ends in exactly one.
const (
	Created      Outcome = iota // stored as a new change point
	Duplicate                   // already indexed (same id, or same instant as latest)
	Unchanged                   // same price as before: folded into latest, not stored
	Stale                       // older than latest and redundant with the stored history
	DeadLettered                // rejected for good, written to the dead-letter output
	Failed                      // still failing after retries (retryable)
	numOutcomes
)

var outcomeNames = [...]string{"created", "duplicate", "unchanged", "stale", "dead_lettered", "failed"}

func (o Outcome) String() string { return outcomeNames[o] }

// plan is what folding one series' observations against its latest document
// decided: the change points to create, the observations that are late and
// need the stored history, the new latest document, and an outcome for each
// observation that is already settled.
type plan struct {
	create  []fare.Observation // change points, oldest first
	late    []fare.Observation // older than the latest document
	latest  Latest             // the new latest document, when changed
	changed bool               // latest is to be written
	settled [numOutcomes]int   // Duplicate and Unchanged decided here
}

// fold folds a series' observations, in any order, onto its current latest
// document (nil when the series is new). It does no I/O. It sorts obs and
// reuses its array for the change points: obs is not to be read after.
func fold(cur *Latest, obs []fare.Observation) plan {
	slices.SortStableFunc(obs, func(a, b fare.Observation) int { return a.ObservedAt.Compare(b.ObservedAt) })
	var p plan
	var state Latest
	has := cur != nil
	if has {
		state = *cur
	}
	create := obs[:0] // never ahead of the observation being read
	var prev time.Time
	for i := range obs {
		o := &obs[i]
		at := o.ObservedAt
		switch {
		case i > 0 && at.Equal(prev):
			p.settled[Duplicate]++ // the same observation twice in one input
		case has && at.Equal(state.LastSeen):
			p.settled[Duplicate]++
		case has && at.Before(state.LastSeen):
			p.late = append(p.late, *o)
		case has && o.Price.Minor == state.Price.Minor:
			state.LastSeen = at
			state.Offers = o.Offers
			state.Observations++
			p.settled[Unchanged]++
			p.changed = true
		default:
			next := Latest{Key: o.Key, SeriesID: o.SeriesID, Price: o.Price, ObservationID: o.ID,
				ChangedAt: at, FirstSeen: at, LastSeen: at, Observations: 1, ChangePoints: 1, Offers: o.Offers}
			if has {
				next.FirstSeen = state.FirstSeen
				next.Observations = state.Observations + 1
				next.ChangePoints = state.ChangePoints + 1
			}
			state, has = next, true
			create = append(create, *o)
			p.changed = true
		}
		prev = at
	}
	p.create = create
	if p.changed {
		p.latest = state
	}
	return p
}
