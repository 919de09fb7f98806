package esindex

import (
	"slices"

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
	latest  *Latest            // nil when unchanged
	settled [numOutcomes]int   // Duplicate and Unchanged decided here
}

// fold folds a series' observations, in any order, onto its current latest
// document (nil when the series is new). It does no I/O.
func fold(cur *Latest, obs []fare.Observation) plan {
	slices.SortStableFunc(obs, func(a, b fare.Observation) int { return a.ObservedAt.Compare(b.ObservedAt) })
	var p plan
	state := cur
	if cur != nil {
		c := *cur
		state = &c
	}
	changed := false
	for i, o := range obs {
		if i > 0 && o.ObservedAt.Equal(obs[i-1].ObservedAt) {
			p.settled[Duplicate]++ // the same observation twice in one input
			continue
		}
		switch {
		case state != nil && o.ObservedAt.Equal(state.LastSeen):
			p.settled[Duplicate]++
		case state != nil && o.ObservedAt.Before(state.LastSeen):
			p.late = append(p.late, o)
		case state != nil && o.Price.Minor == state.Price.Minor:
			state.LastSeen = o.ObservedAt
			state.Observations++
			p.settled[Unchanged]++
			changed = true
		default:
			next := &Latest{Key: o.Key, SeriesID: o.SeriesID, Price: o.Price, ObservationID: o.ID,
				ChangedAt: o.ObservedAt, FirstSeen: o.ObservedAt, LastSeen: o.ObservedAt,
				Observations: 1, ChangePoints: 1}
			if state != nil {
				next.FirstSeen = state.FirstSeen
				next.Observations = state.Observations + 1
				next.ChangePoints = state.ChangePoints + 1
			}
			state = next
			p.create = append(p.create, o)
			changed = true
		}
	}
	if changed {
		p.latest = state
	}
	return p
}
