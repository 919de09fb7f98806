package fetch

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"io"
	"maps"
	"strconv"
	"strings"
	"time"

	"github.com/farepipe/farepipe/internal/ndjson"
	"github.com/farepipe/farepipe/internal/objstore"
)

// PartSuffix ends the key of every part Run stores under Config.OutPrefix.
const PartSuffix = ".ndjson.gz"

// partDigits is how many hex digits of its SHA-256 name a part.
const partDigits = 16

// PartKey returns the key of a part under prefix from the hex SHA-256 of
// its bytes: the same answers always make the same key, and different
// answers never share one, so a part is never overwritten by another.
func PartKey(prefix, sha256hex string) string {
	if len(sha256hex) > partDigits {
		sha256hex = sha256hex[:partDigits]
	}
	return prefix + "part-" + sha256hex + PartSuffix
}

// StagePrefix returns prefix ending with one slash, as Run stores parts under it.
func StagePrefix(prefix string) string { return strings.TrimSuffix(prefix, "/") + "/" }

// output takes the envelopes of a run in plan order and keeps them: in
// one batch (Writer or OutKey), or in parts under OutPrefix. It marks a
// search answered in the checkpoint only once the object holding its
// answer is stored, and saves the checkpoint after every part.
type output struct {
	cfg Config
	ck  *Checkpoint

	part  *part                // being written; nil between parts
	marks map[string]time.Time // the answered searches of part
	bytes int64                // uncompressed bytes of all parts
	keys  []string             // parts stored
}

// part is one batch being written: gzip NDJSON into a spool (or the
// Writer), hashed as it goes.
type part struct {
	spool *objstore.Spool
	sha   hash.Hash
	w     *ndjson.Writer
}

func newOutput(cfg Config, ck *Checkpoint) *output {
	return &output{cfg: cfg, ck: ck, marks: map[string]time.Time{}}
}

// open starts a part.
func (o *output) open() error {
	if o.cfg.Out == nil {
		o.part = &part{w: ndjson.NewWriter(o.cfg.Writer)}
		return nil
	}
	spool, err := objstore.NewSpool("batch")
	if err != nil {
		return err
	}
	p := &part{spool: spool, sha: sha256.New()}
	p.w = ndjson.NewWriter(io.MultiWriter(spool, p.sha))
	o.part = p
	return nil
}

// write adds an envelope; answered marks key as answered at t once the
// envelope is stored. With parts, a full part is stored at once.
func (o *output) write(ctx context.Context, line []byte, key string, answered bool, t time.Time) error {
	if o.part == nil {
		if err := o.open(); err != nil {
			return err
		}
	}
	if err := o.part.w.WriteLine(line); err != nil {
		return err
	}
	if answered {
		o.marks[key] = t
	}
	if o.cfg.OutPrefix != "" && o.cfg.PartSearches > 0 && o.part.w.Lines() >= o.cfg.PartSearches {
		return o.flush(ctx)
	}
	return nil
}

// flush stores the part being written, if any, then marks its searches
// answered. Under OutPrefix the checkpoint is saved first with the part
// as staged, so a run stopped between the two steps still knows, on its
// next start, which searches the part holds (see Checkpoint.Staged).
func (o *output) flush(ctx context.Context) error {
	p := o.part
	if p == nil {
		return nil
	}
	o.part = nil
	if p.spool != nil {
		defer p.spool.Close()
	}
	if err := p.w.Close(); err != nil {
		return fmt.Errorf("closing batch: %w", err)
	}
	o.bytes += p.w.Bytes()
	marks := o.marks
	o.marks = map[string]time.Time{}
	if o.cfg.Out != nil {
		key := o.cfg.OutKey
		if o.cfg.OutPrefix != "" {
			key = PartKey(StagePrefix(o.cfg.OutPrefix), hex.EncodeToString(p.sha.Sum(nil)))
			if o.cfg.CheckpointStore != nil {
				o.ck.Stage(key, marks)
				if err := o.save(ctx); err != nil {
					return err
				}
			}
		}
		meta := maps.Clone(o.cfg.Meta)
		if meta == nil {
			meta = map[string]string{}
		}
		meta["source"], meta["records"] = o.cfg.Provider.Name(), strconv.Itoa(p.w.Lines())
		if err := p.spool.PutTo(ctx, o.cfg.Out, key, meta); err != nil {
			return err
		}
		o.keys = append(o.keys, key)
	}
	for k, t := range marks {
		o.ck.Mark(k, t)
	}
	return nil
}

// close stores what is left and saves the checkpoint. A batch (not
// parts) is stored even when empty, as the one object the run names.
func (o *output) close(ctx context.Context) error {
	if o.part == nil && o.cfg.OutPrefix == "" {
		if err := o.open(); err != nil {
			return err
		}
	}
	if err := o.flush(ctx); err != nil {
		return err
	}
	return o.save(ctx)
}

// discard drops the part being written, if any, keeping what was stored.
func (o *output) discard() {
	if o.part != nil && o.part.spool != nil {
		o.part.spool.Close()
	}
	o.part = nil
}

func (o *output) save(ctx context.Context) error {
	if o.cfg.CheckpointStore == nil {
		return nil
	}
	return saveCheckpoint(ctx, o.cfg.CheckpointStore, o.cfg.CheckpointKey, o.ck)
}
