// Package esindex loads fare observations into Elasticsearch and keeps the
// promise of farepipe's deduplication:
//
// One ordered pass: for any set of observations, any interleaving and any
// number of concurrent or repeated Index runs, retries and crashes (each
// crashed run run again) end in exactly the state of one sequential pass
// over the set in observed_at order: the same change-log documents (the
// observations whose price differs from the one before them in their
// series) and the same latest document per series (price, changed_at,
// first_seen, last_seen, observations, change_points, offers). An instant
// is observed once per series: the first observation stored for it wins.
//
// How: the latest document of a series holds the series' history, every
// instant observed with its price and offers (a few bytes each, see
// history), and is the one place of record. A run
//
//  1. reads the latest documents of a round's series (_mget, with their
//     _seq_no and _primary_term);
//  2. writes again the change-log documents the last fold of each series
//     left pending (see below), so that a crash after step 4 is finished
//     by whoever folds the series next;
//  3. folds the new observations into the history: the union, and from it
//     the change points and latest document of a sequential pass, and the
//     difference with the stored change points;
//  4. replaces the latest document on condition that it is unchanged
//     since step 1 (if_seq_no and if_primary_term; create for a new
//     series), recording the change-log writes of step 5 as pending; if
//     another run replaced it in between, goes back to step 1 for that
//     series;
//  5. writes the change points the fold added and deletes those it undid,
//     each with the generation of the latest document as external version,
//     so that a late write of an older generation loses to a newer one
//     (deletes leave a tombstone that index.gc_deletes, set to 2h by the
//     template, keeps longer than any step runs).
//
// Every input record ends in exactly one Outcome of Summary, and every
// write that did not happen after retries is counted in
// Summary.WritesFailed: Complete is false and the step exits 1, and its
// rerun finishes the work. A change-log document Elasticsearch rejects for
// good is dead-lettered; the series' history keeps the observation.
//
// Latest documents written before histories were kept (template version
// 1) stand for their change point in force and their last observation;
// their counts restart from those two.
package esindex
