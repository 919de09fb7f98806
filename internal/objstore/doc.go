// Package objstore stores objects under keys, in an S3-compatible bucket
// (AWS S3, MinIO) or in a local directory, behind one small Store interface.
//
// Both stores behave the same where it matters to farepipe: Put replaces an
// object whole and atomically (a reader sees the old object or the new one,
// never a part), user metadata travels with the object (lower-case keys,
// printable ASCII values, at most 2 KiB), Stat and Get on a missing key fail
// with an error matching ErrNotExist, List returns every object under a
// prefix in key order, and Delete of a key that holds nothing succeeds.
// IsRetryable tells a transient failure (network, 5xx, throttling, a
// timeout) from a permanent one, and errors.Is sorts the
// permanent ones: ErrAccess (access denied, bad credentials, no such
// bucket), ErrRejected (a key or request the store refuses), ErrNotExist.
//
// Every S3 request is bounded by S3Config.Timeout: an attempt fails when
// nothing moves on its connection for that long, and the SDK retries it with
// backoff. A transfer that keeps moving is never cut, however long it takes.
//
// Objects are named by URIs:
//
//	s3://bucket/key/with/slashes
//	file:///absolute/dir/key
//	file://relative/dir/key
//
// An s3 URI's key is taken verbatim (no percent-decoding). A file URI's path
// is everything after "file://": absolute when it starts with a slash,
// otherwise relative to the working directory (so "file://localhost/x" is the
// relative path localhost/x). In a parsed file URI, Bucket is the root the
// local store is opened on ("/" or ".") and Key the cleaned path below it.
//
// The local store (Dir) writes a temporary file beside the target and renames
// it into place; metadata lives in a sidecar "<file>.meta.json". Sidecars and
// temporary files (".tmp-*") are reserved names: Put refuses them and List
// hides them.
package objstore
