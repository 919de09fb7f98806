// Package fetch runs a search plan against a provider: searches in plan
// order, a bounded number at a time, skipping those a checkpoint says are
// fresher than a TTL, stopping cleanly when the provider's request budget
// is spent, and writing each answer as one envelope line in plan order, so
// the same answers always make the same bytes.
//
// # Resuming
//
// With Config.OutPrefix a run stores its answers as it goes, in parts
// named by their content, and keeps this promise whatever retries,
// resubmits and kills happen: a search is marked answered in the
// checkpoint only once the part holding its answer is stored; every part
// stored ends in raw/ exactly once when land drains the prefix
// (land.Lander.Drain, which marks the part's searches with MarkLanded
// before it deletes the part); and a run stopped at any point and run
// again asks only the searches whose answers were not stored: within the
// TTL, or at any TTL while their part waits to be drained.
// TestResumeInvariant checks it on generated plans, part sizes, kills,
// store failures and batches land refuses.
package fetch
