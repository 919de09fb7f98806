package land

import (
	"bytes"
	"context"
	"fmt"
	"strings"

	"github.com/farepipe/farepipe/internal/objstore"
)

// MetaLanded is the metadata key of an emptied staging object: the URI
// its batch landed at.
const MetaLanded = "landed"

// Drain lands every batch under prefix (a folder: a slash is added) of
// src into dst, in key order, numbered as parts 0, 1, ... (m.Part is
// ignored), and empties each one once it has landed. It is how a staging prefix that fetch writes parts
// to (fetch.Config.OutPrefix) is taken to raw/: the objects named
// *.ndjson.gz or *.ndjson with at least one byte; an empty object is one
// already drained. A batch that is already landed is skipped as Land
// skips it, so a drain stopped at any point and run again lands every
// batch exactly once. An empty prefix is no error.
//
// objstore.Store has no delete: a drained object is replaced by an empty
// one with metadata MetaLanded, which the next drain passes over; a
// lifecycle rule on the prefix removes them. The objects must be named by
// their content (as fetch names its parts), so that an object replaced
// between landing and emptying held the same batch.
//
// Drain stops at the first failure and returns the results before it.
func (l *Lander) Drain(ctx context.Context, dst, src objstore.Store, prefix string, m Meta) ([]Result, error) {
	keys, err := Staged(ctx, src, strings.TrimSuffix(prefix, "/")+"/")
	if err != nil {
		return nil, err
	}
	var results []Result
	for i, key := range keys {
		m.Part = i
		res, err := l.landObject(ctx, dst, src, key, m)
		if err != nil {
			return results, fmt.Errorf("draining %s: %w", src.URI(key), err)
		}
		if err := src.Put(ctx, key, bytes.NewReader(nil), 0, map[string]string{MetaLanded: res.URI}); err != nil {
			return results, fmt.Errorf("emptying drained %s: %w", src.URI(key), err)
		}
		results = append(results, res)
	}
	return results, nil
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
