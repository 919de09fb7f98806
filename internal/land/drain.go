package land

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/farepipe/farepipe/internal/fault"
	"github.com/farepipe/farepipe/internal/objstore"
)

// Drain lands every batch under prefix (a folder: a slash is added) of
// src into dst, in key order, numbered as parts 0, 1, ... (m.Part is
// ignored), and deletes each one from src once it has landed. It is how
// a staging prefix that fetch writes parts to (fetch.Config.OutPrefix) is
// taken to raw/: the objects named *.ndjson.gz or *.ndjson with at least
// one byte. An empty prefix is no error.
//
// Every staged batch ends in exactly one of: landed in raw/, set aside in
// quarantine with its reason, or still in staging after a retryable
// failure; a rerun finishes what was left.
//
//   - A batch is deleted only after it has landed (and after l.Landed has
//     been told), so a drain stopped between the two leaves it staged, and
//     the rerun finds it landed (Land skips it: the objects are named by
//     their content, as fetch names its parts) and deletes it.
//   - A batch land refuses for good (ErrInvalid, ErrEmpty, ErrConflict) is
//     copied to QuarantineKey with its reason (MetaReason) and then
//     deleted; the other batches land all the same, and Drain returns a
//     data error (fault.Data) wrapping an *AsideError that names each
//     batch set aside and where.
//   - Any other failure (the store down, refused access, a key refused)
//     stops the drain at once with that error and leaves the batch, and
//     those landed before it, staged.
//
// Drain returns the results of the batches landed.
func (l *Lander) Drain(ctx context.Context, dst, src objstore.Store, prefix string, m Meta) ([]Result, error) {
	keys, err := Staged(ctx, src, strings.TrimSuffix(prefix, "/")+"/")
	if err != nil {
		return nil, err
	}
	var (
		results []Result
		landed  []string
		aside   []Aside
	)
	for i, key := range keys {
		m.Part = i
		res, err := l.landObject(ctx, dst, src, key, m)
		switch {
		case err == nil:
			results, landed = append(results, res), append(landed, key)
		case refused(err):
			a, err := l.setAside(ctx, dst, src, key, err)
			if err != nil {
				return results, err
			}
			aside = append(aside, a)
		default:
			return results, fmt.Errorf("draining %s: %w", src.URI(key), err)
		}
	}
	if l.Landed != nil && len(landed) > 0 {
		if err := l.Landed(ctx, landed); err != nil {
			return results, fmt.Errorf("recording %d drained batches: %w", len(landed), err)
		}
	}
	for _, key := range landed {
		if err := src.Delete(ctx, key); err != nil {
			return results, fmt.Errorf("deleting drained %s: %w", src.URI(key), err)
		}
	}
	if len(aside) > 0 {
		return results, fault.New(fault.Data, &AsideError{Aside: aside})
	}
	return results, nil
}

// refused reports whether land refused a batch for its content, for good.
func refused(err error) bool {
	return errors.Is(err, ErrInvalid) || errors.Is(err, ErrEmpty) || errors.Is(err, ErrConflict)
}

// Staged returns the keys of the batches under prefix of st that wait to
// be drained, in key order.
func Staged(ctx context.Context, st objstore.Store, prefix string) ([]string, error) {
	var keys []string
	for info, err := range st.List(ctx, prefix) {
		if err != nil {
			return nil, err
		}
		if info.Size > 0 && (strings.HasSuffix(info.Key, Suffix) || strings.HasSuffix(info.Key, ".ndjson")) {
			keys = append(keys, info.Key)
		}
	}
	return keys, nil
}
