package fetch

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/farepipe/farepipe/internal/fault"
	"github.com/farepipe/farepipe/internal/objstore"
)

// Checkpoint remembers when each search was last answered, so that a rerun
// (after a failure, or on a tight schedule) skips searches that are still
// fresh.
type Checkpoint struct {
	Searches map[string]time.Time `json:"searches"`
}

// NewCheckpoint returns an empty checkpoint.
func NewCheckpoint() *Checkpoint { return &Checkpoint{Searches: map[string]time.Time{}} }

// ReadCheckpoint decodes a checkpoint. One that is not a checkpoint's
// JSON is a data error (fault.Data).
func ReadCheckpoint(r io.Reader) (*Checkpoint, error) {
	c := NewCheckpoint()
	if err := json.NewDecoder(r).Decode(c); err != nil {
		var syntax *json.SyntaxError
		var typ *json.UnmarshalTypeError
		if errors.As(err, &syntax) || errors.As(err, &typ) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
			return nil, fault.Dataf("decoding checkpoint: %w", err)
		}
		return nil, fmt.Errorf("decoding checkpoint: %w", err)
	}
	if c.Searches == nil {
		c.Searches = map[string]time.Time{}
	}
	return c, nil
}

// Write encodes the checkpoint.
func (c *Checkpoint) Write(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", " ")
	return enc.Encode(c)
}

// Fresh reports whether key was answered within ttl before now.
func (c *Checkpoint) Fresh(key string, now time.Time, ttl time.Duration) bool {
	if c == nil || ttl <= 0 {
		return false
	}
	at, ok := c.Searches[key]
	return ok && now.Sub(at) < ttl
}

// Mark records that key was answered at t.
func (c *Checkpoint) Mark(key string, t time.Time) { c.Searches[key] = t.UTC() }

// loadCheckpoint reads the checkpoint under key of st; none yet is an
// empty one.
func loadCheckpoint(ctx context.Context, st objstore.Store, key string) (*Checkpoint, error) {
	body, _, err := st.Get(ctx, key)
	if errors.Is(err, objstore.ErrNotExist) {
		return NewCheckpoint(), nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading checkpoint %s: %w", st.URI(key), err)
	}
	defer body.Close()
	ck, err := ReadCheckpoint(body)
	if err != nil {
		return nil, fmt.Errorf("checkpoint %s: %w", st.URI(key), err)
	}
	return ck, nil
}

// saveCheckpoint stores ck under key of st.
func saveCheckpoint(ctx context.Context, st objstore.Store, key string, ck *Checkpoint) error {
	spool, err := objstore.NewSpool("checkpoint")
	if err != nil {
		return err
	}
	defer spool.Close()
	if err := ck.Write(spool); err != nil {
		return fmt.Errorf("encoding checkpoint: %w", err)
	}
	return spool.PutTo(ctx, st, key, nil)
}
