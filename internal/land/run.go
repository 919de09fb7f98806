package land

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/farepipe/farepipe/internal/fault"
	"github.com/farepipe/farepipe/internal/objstore"
)

// Config is one land run: one source of batches, one destination.
type Config struct {
	To     objstore.Store // the destination
	Prefix string         // put before every key ("" for none)

	// The source, exactly one of: an object (From and FromKey), every
	// batch under a staging prefix (From and FromPrefix, see
	// Lander.Drain), a stream (Reader), a local file or a directory of
	// batch files (Path). A Reader that is also an io.ReaderAt with a
	// Size method (an *io.SectionReader) is landed without a copy.
	From       objstore.Store
	FromKey    string
	FromPrefix string
	Reader     io.Reader
	Path       string

	Meta    Meta         // source and run of the batches; Part is set for a directory
	TempDir string       // temporary copies ("" means the system default)
	Logger  *slog.Logger // nil discards
	// Landed, with FromPrefix, is told the staged keys drained before
	// they are deleted (Lander.Landed).
	Landed func(ctx context.Context, keys []string) error
}

// Validate reports a configuration error (fault.Config) in cfg: no
// destination, not exactly one source, or a Path that cannot be read.
func (cfg Config) Validate() error {
	n := 0
	for _, set := range []bool{cfg.From != nil || cfg.FromKey != "" || cfg.FromPrefix != "", cfg.Reader != nil, cfg.Path != ""} {
		if set {
			n++
		}
	}
	switch {
	case cfg.To == nil:
		return fault.Configf("land: no destination")
	case n != 1:
		return fault.Configf("land: want one source of batches (an object, a stream or a path), got %d", n)
	case cfg.From == nil && (cfg.FromKey != "" || cfg.FromPrefix != ""):
		return fault.Configf("land: no store of the input objects")
	case cfg.From != nil && (cfg.FromKey == "") == (cfg.FromPrefix == ""):
		return fault.Configf("land: want one key or one prefix of the input objects")
	case cfg.Path != "":
		if _, err := os.Stat(cfg.Path); err != nil {
			return fault.Configf("batch path: %w", err)
		}
	}
	return nil
}

// Summary says where the batches of a run landed, in order.
type Summary struct {
	Results []Result
}

// Skipped returns how many batches had already landed.
func (s Summary) Skipped() int {
	n := 0
	for _, r := range s.Results {
		if r.Skipped {
			n++
		}
	}
	return n
}

// Run lands the batches of cfg's source into cfg.To. A source with no
// batch (an empty directory) is ErrEmpty, except a staging prefix, which
// may have nothing to drain. On an error, the Summary holds the batches
// landed before it (of a staging prefix: all it landed, see Drain).
func Run(ctx context.Context, cfg Config) (Summary, error) {
	var sum Summary
	if err := cfg.Validate(); err != nil {
		return sum, err
	}
	l := &Lander{Prefix: cfg.Prefix, TempDir: cfg.TempDir, Log: cfg.Logger, Landed: cfg.Landed}
	var err error
	switch {
	case cfg.Path != "":
		fi, _ := os.Stat(cfg.Path) // Validate stats it
		if fi != nil && fi.IsDir() {
			sum.Results, err = l.LandDir(ctx, cfg.To, cfg.Path, cfg.Meta)
		} else {
			err = sum.add(l.LandFile(ctx, cfg.To, filepath.Clean(cfg.Path), cfg.Meta))
		}
	case cfg.Reader != nil:
		err = sum.add(l.landStream(ctx, cfg.To, cfg.Reader, cfg.Meta))
	case cfg.FromPrefix != "":
		sum.Results, err = l.Drain(ctx, cfg.To, cfg.From, cfg.FromPrefix, cfg.Meta)
		return sum, err
	default:
		err = sum.add(l.landObject(ctx, cfg.To, cfg.From, cfg.FromKey, cfg.Meta))
	}
	if err == nil && len(sum.Results) == 0 {
		err = fmt.Errorf("%w: no batch found in %s", ErrEmpty, cfg.Path)
	}
	return sum, err
}

func (s *Summary) add(r Result, err error) error {
	if err == nil {
		s.Results = append(s.Results, r)
	}
	return err
}

// landObject lands the object under key of src.
func (l *Lander) landObject(ctx context.Context, dst, src objstore.Store, key string, m Meta) (Result, error) {
	body, _, err := src.Get(ctx, key)
	if err != nil {
		return Result{}, fmt.Errorf("opening %s: %w", src.URI(key), err)
	}
	defer body.Close()
	return l.landStream(ctx, dst, body, m)
}

// landStream lands a batch read from r, spooled to a temporary file first
// so it can be hashed before the upload, unless r can be read at offsets.
func (l *Lander) landStream(ctx context.Context, dst objstore.Store, r io.Reader, m Meta) (Result, error) {
	if ra, ok := r.(interface {
		io.ReaderAt
		Size() int64
	}); ok {
		return l.Land(ctx, dst, ra, ra.Size(), m)
	}
	f, err := os.CreateTemp(l.TempDir, "farepipe-land-*")
	if err != nil {
		return Result{}, fmt.Errorf("creating spool file: %w", err)
	}
	defer os.Remove(f.Name())
	defer f.Close()
	size, err := io.Copy(f, r)
	if err != nil {
		return Result{}, fmt.Errorf("reading batch: %w", err)
	}
	return l.Land(ctx, dst, f, size, m)
}
