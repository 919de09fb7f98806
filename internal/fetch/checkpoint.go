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
//
// A search is in Searches only once the object holding its answer is
// stored. Staged holds, by part key, the searches of each part stored or
// about to be stored under a staging prefix and not yet drained by land:
// the next run looks each part up, marks its searches answered if it is
// there, and keeps it while it waits. A search of a part that waits is
// not asked again, whatever the TTL: its answer will be landed. A part
// that is gone was never stored, or land drained it and deleted it; land
// marks the searches of the parts it drains (MarkLanded) before deleting
// them, so the next run forgets a part that is gone without marking it.
type Checkpoint struct {
	Searches map[string]time.Time            `json:"searches"`
	Staged   map[string]map[string]time.Time `json:"staged,omitempty"`
}

// NewCheckpoint returns an empty checkpoint.
func NewCheckpoint() *Checkpoint { return &Checkpoint{Searches: map[string]time.Time{}} }

// Stage records that the part under key is about to be stored with the
// answers of searches.
func (c *Checkpoint) Stage(key string, searches map[string]time.Time) {
	if c.Staged == nil {
		c.Staged = map[string]map[string]time.Time{}
	}
	c.Staged[key] = searches
}

// settle marks answered the searches of each staged part that st holds,
// keeps the parts that still wait to be landed and forgets the others:
// those never stored, those land drained and deleted (MarkLanded marked
// their searches), and those an earlier land left empty once drained.
func (c *Checkpoint) settle(ctx context.Context, st objstore.Store) error {
	for key, searches := range c.Staged {
		info, err := st.Stat(ctx, key)
		switch {
		case err == nil:
			for k, t := range searches {
				c.Mark(k, t)
			}
			if info.Size > 0 {
				continue // waits to be landed
			}
		case !errors.Is(err, objstore.ErrNotExist):
			return fmt.Errorf("looking up staged part %s: %w", st.URI(key), err)
		}
		delete(c.Staged, key)
	}
	return nil
}

// MarkLanded marks answered, in the checkpoint under key of st, the
// searches of the staged parts land has landed, before land deletes
// them (land.Lander.Landed). A run stopped after storing a part and
// before saving the checkpoint that marks its searches leaves them only
// in Staged, and once the part is deleted the next run cannot tell it
// from a part never stored. No checkpoint is nothing to mark. The parts
// stay in Staged: the next run forgets them once they are gone. Land and
// fetch of one checkpoint do not run at once (farepipe-collect runs a
// shard's land after its fetch).
func MarkLanded(ctx context.Context, st objstore.Store, key string, parts []string) error {
	ck, err := loadCheckpoint(ctx, st, key)
	if err != nil {
		return err
	}
	changed := false
	for _, part := range parts {
		for k, t := range ck.Staged[part] {
			if old, ok := ck.Searches[k]; !ok || t.After(old) {
				ck.Mark(k, t)
				changed = true
			}
		}
	}
	if !changed {
		return nil
	}
	return saveCheckpoint(ctx, st, key, ck)
}

// waiting reports whether key's answer is in a staged part.
func (c *Checkpoint) waiting(key string) bool {
	for _, searches := range c.Staged {
		if _, ok := searches[key]; ok {
			return true
		}
	}
	return false
}

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

// Fresh reports whether key was answered within ttl before now, or its
// answer waits in a staged part.
func (c *Checkpoint) Fresh(key string, now time.Time, ttl time.Duration) bool {
	if c == nil {
		return false
	}
	if c.waiting(key) {
		return true
	}
	at, ok := c.Searches[key]
	return ttl > 0 && ok && now.Sub(at) < ttl
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
