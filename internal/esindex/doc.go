// Package esindex loads fare observations into Elasticsearch and keeps the
// promise of farepipe's deduplication:
//
//   - Idempotent: every write carries a deterministic _id; observations are
//     created, never overwritten, so a second pass over the same input finds
//     409s and changes nothing.
//   - Out of order safe: the one "latest" document of a series is written with
//     external versioning on its observed_at (Unix milliseconds), so an older
//     observation can never replace a newer one.
//   - Change points: an observation whose price equals the one before it in
//     its series is folded into the series' latest document (its last_seen
//     and observation count move) instead of being stored again, so storage
//     grows with price changes, not with polling.
//
// An observation older than its series' latest document ("late") is looked
// up against the stored change log: if the change point in force at its
// instant has the same price it is redundant ("stale"), otherwise it is
// stored as a change point of its own. It never moves the latest document.
//
// Every input record ends in exactly one outcome of Summary. Known limit:
// two runs folding the same series at the same moment may each count an
// observation the other also counted once; the latest document can still
// never move backwards.
package esindex
