package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"

	"github.com/farepipe/farepipe/internal/esindex"
	"github.com/farepipe/farepipe/internal/ndjson"
	"github.com/farepipe/farepipe/internal/objstore"
)

// deadLetters spools dead letters to a temporary file and stores them as one
// object at the end, so memory stays flat however many there are.
type deadLetters struct {
	spool *objstore.Spool
	w     *ndjson.Writer
	count int
}

func newDeadLetters() (*deadLetters, error) {
	s, err := objstore.NewSpool("dead-letter")
	if err != nil {
		return nil, err
	}
	return &deadLetters{spool: s, w: ndjson.NewWriter(s)}, nil
}

func (d *deadLetters) add(dl esindex.DeadLetter) error {
	line, err := json.Marshal(dl)
	if err != nil {
		return err
	}
	d.count++
	return d.w.WriteLine(line)
}

func (d *deadLetters) store(ctx context.Context, st objstore.Store, key, source string) (string, error) {
	if err := d.w.Close(); err != nil {
		return "", fmt.Errorf("closing dead letters: %w", err)
	}
	meta := map[string]string{"source-uri": url.PathEscape(source), "records": strconv.Itoa(d.count)}
	if err := d.spool.PutTo(ctx, st, key, meta); err != nil {
		return "", err
	}
	return st.URI(key), nil
}

func (d *deadLetters) discard() { d.spool.Close() }
