// Package land puts raw batches (gzip NDJSON envelopes written by fetch) into
// an object store under partitioned keys, idempotently.
//
// # Key layout
//
// A batch is stored at
//
//	[prefix/]raw/source=<source>/date=<YYYY-MM-DD>/<sha256[:16]>.ndjson.gz
//
// in Hive-style partitions. source is the provider name, sanitized to
// [a-z0-9_-]; date is the UTC date of the earliest fetched_at in the batch;
// the file name is the first 16 hex digits of the SHA-256 of the stored
// (gzip) bytes. Every part of the key comes from the content, so the same
// batch always lands at the same key, whichever run, retry or machine lands
// it, and never becomes a second object. The run name (an Argo workflow, say)
// and the part number are kept as object metadata for tracing, not in the
// key.
//
// # Idempotency
//
// Land hashes the batch in one streaming pass, then looks at the target key:
// an object there with the same sha256 metadata and size means the batch is
// already landed and nothing is uploaded (Result.Skipped); an object with
// other content is never overwritten (ErrConflict). Otherwise the batch is
// uploaded with metadata sha256, source, records, fetched-at, run and part,
// and the stored object is checked against the expected size and hash. Two
// landers racing on one batch upload the same bytes, which is harmless.
//
// # Draining a staging prefix
//
// Lander.Drain lands every batch waiting under a staging prefix (fetch
// --stage's parts) and deletes each once landed. A batch it refuses for
// good is set aside at QuarantineKey, [prefix/]quarantine/<staging key>,
// with its reason (metadata reason and staged), and the others land all
// the same. Every staged batch ends in exactly one of: landed in raw/,
// set aside in quarantine with its reason, or still in staging after a
// retryable failure; a rerun finishes what was left.
//
// A batch given as plain NDJSON is gzip-compressed into a temporary file
// first. Bodies are read from an io.ReaderAt and never held in memory.
package land
