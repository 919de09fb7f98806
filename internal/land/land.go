package land

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/farepipe/farepipe/internal/objstore"
)

// Metadata keys set on every landed object.
const (
	MetaSHA256    = "sha256"     // hex SHA-256 of the object's bytes
	MetaSource    = "source"     // sanitized source, as in the key
	MetaRecords   = "records"    // number of envelopes
	MetaFetchedAt = "fetched-at" // earliest fetched_at, RFC 3339, UTC
	MetaRun       = "run"        // the run that landed it, when given
	MetaPart      = "part"       // the batch's part number within that run
)

// ErrConflict reports that the target key already holds different content.
// Land never overwrites it.
var ErrConflict = errors.New("key holds different content")

// Meta describes a batch beyond its bytes.
type Meta struct {
	Source string // partition source; "" means the provider named in the envelopes
	Run    string // run name for tracing, e.g. the Argo workflow name; optional
	Part   int    // part number within the run
}

// Result says where a batch landed.
type Result struct {
	Key       string
	URI       string
	Size      int64
	SHA256    string
	Records   int
	FetchedAt time.Time
	Skipped   bool // already landed: nothing was uploaded
}

// Lander lands batches into a store.
type Lander struct {
	// Prefix is put before every key ("" for none), e.g. the key part of the
	// destination URI.
	Prefix string
	// TempDir holds the gzip copy of a plain NDJSON batch ("" means the
	// system default).
	TempDir string
	// Log receives one Debug line per batch; nil discards.
	Log *slog.Logger
	// Landed, when set, is told by Drain the staged keys it landed,
	// before it deletes them; an error stops the drain and leaves them
	// staged. fetch's checkpoint marks their searches answered with it
	// (fetch.MarkLanded).
	Landed func(ctx context.Context, keys []string) error
}

// Land lands the size bytes of body, a gzip (or plain) NDJSON batch of
// envelopes, into store: see the package comment for the key and the
// idempotency rules.
func (l *Lander) Land(ctx context.Context, store objstore.Store, body io.ReaderAt, size int64, m Meta) (Result, error) {
	gz, err := isGzip(body, size)
	if err != nil {
		return Result{}, fmt.Errorf("reading batch: %w", err)
	}
	if !gz {
		tmp, err := compress(ctx, l.TempDir, io.NewSectionReader(body, 0, size))
		if err != nil {
			return Result{}, fmt.Errorf("compressing batch: %w", err)
		}
		defer tmp.remove()
		body, size = tmp.f, tmp.size
	}
	sum, err := scan(ctx, io.NewSectionReader(body, 0, size))
	if err != nil {
		return Result{}, fmt.Errorf("scanning batch: %w", err)
	}
	source := m.Source
	if source == "" {
		source = sum.provider
	}
	if SanitizeSource(source) == "" {
		return Result{}, fmt.Errorf("%w: source %q names no partition; give a source", ErrInvalid, source)
	}
	key := Key(source, sum.fetchedAt, sum.sha256)
	if l.Prefix != "" {
		key = strings.TrimSuffix(l.Prefix, "/") + "/" + key
	}
	res := Result{
		Key:       key,
		URI:       store.URI(key),
		Size:      size,
		SHA256:    sum.sha256,
		Records:   sum.records,
		FetchedAt: sum.fetchedAt,
	}
	log := l.logger().With("uri", res.URI, "sha256", res.SHA256, "size", size)

	info, err := store.Stat(ctx, key)
	switch {
	case err == nil:
		if err := same(info, res); err != nil {
			return Result{}, fmt.Errorf("landing %s: %w", res.URI, err)
		}
		log.Debug("batch already landed")
		res.Skipped = true
		return res, nil
	case !errors.Is(err, objstore.ErrNotExist):
		return Result{}, fmt.Errorf("landing batch: %w", err)
	}

	meta := map[string]string{
		MetaSHA256:    sum.sha256,
		MetaSource:    SanitizeSource(source),
		MetaRecords:   strconv.Itoa(sum.records),
		MetaFetchedAt: sum.fetchedAt.Format(time.RFC3339Nano),
		MetaPart:      strconv.Itoa(m.Part),
	}
	if m.Run != "" {
		meta[MetaRun] = m.Run
	}
	if err := store.Put(ctx, key, io.NewSectionReader(body, 0, size), size, meta); err != nil {
		return Result{}, fmt.Errorf("landing batch: %w", err)
	}
	info, err = store.Stat(ctx, key)
	if err != nil {
		return Result{}, fmt.Errorf("verifying landed batch: %w", err)
	}
	if err := same(info, res); err != nil {
		return Result{}, fmt.Errorf("verifying %s: %w", res.URI, err)
	}
	log.Debug("batch landed", "records", sum.records)
	return res, nil
}

// same checks that a stored object is the batch: same sha256 metadata and
// same size.
func same(info objstore.Info, res Result) error {
	if info.Metadata[MetaSHA256] != res.SHA256 || info.Size != res.Size {
		return fmt.Errorf("%w: stored sha256 %q size %d, batch sha256 %q size %d",
			ErrConflict, info.Metadata[MetaSHA256], info.Size, res.SHA256, res.Size)
	}
	return nil
}

func (l *Lander) logger() *slog.Logger {
	if l.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return l.Log
}
