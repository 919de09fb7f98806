package index

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/elastic/go-elasticsearch/v8/esapi"

	"github.com/farepipe/farepipe/internal/esindex"
	"github.com/farepipe/farepipe/internal/fare"
	"github.com/farepipe/farepipe/internal/fault"
	"github.com/farepipe/farepipe/internal/objstore"
	"github.com/farepipe/farepipe/internal/transform"
)

// Defaults of the settings of Config.
const (
	DefaultChunkSize  = 5000
	DefaultMaxRetries = 5
)

// Config is one index run.
type Config struct {
	ES    esapi.Transport // the Elasticsearch client
	In    objstore.Store  // the store of the curated object
	InKey string          // its key
	// DeadLetter is the store of the dead-letter object; nil means In.
	DeadLetter objstore.Store
	// DeadLetterKey is its key; "" means InKey under dead-letter/ instead
	// of curated/.
	DeadLetterKey string
	Prefix        string          // index name prefix
	ChunkSize     int             // observations folded per round, at least 1; bounds memory
	MaxRetries    int             // retries of a bulk item answered 429 or 5xx, at least 0
	Refresh       bool            // refresh the indices at the end so the data is searchable at once
	Times         fare.TimeBounds // instants an observation may carry; the zero value takes fare's defaults
	Logger        *slog.Logger    // nil discards
}

// Validate reports a configuration error (fault.Config) in cfg, before
// any I/O.
func (cfg Config) Validate() error {
	switch {
	case cfg.ES == nil:
		return fault.Configf("index: no Elasticsearch client")
	case cfg.In == nil || cfg.InKey == "":
		return fault.Configf("index: no input object")
	case cfg.Prefix == "":
		return fault.Configf("index: no index prefix")
	case cfg.ChunkSize < 1:
		return fault.Configf("chunk size %d: want at least 1", cfg.ChunkSize)
	case cfg.MaxRetries < 0:
		return fault.Configf("max retries %d: want at least 0", cfg.MaxRetries)
	}
	return nil
}

// Summary is what an index run did.
type Summary struct {
	esindex.Summary
	// In is the URI of the object indexed; empty when the run stopped
	// before the end of the object.
	In string
	// DeadLetter is the URI of the dead-letter object; empty when no
	// record was rejected.
	DeadLetter string
}

// Run indexes the object of cfg and stores its dead letters. When the
// object was indexed to the end (Summary.In is set) but not every record
// was, the error is the outcome:
//
//   - a record not accounted for in exactly one outcome: a bug, retryable;
//   - an observation failed or a write failed: fault.Retryable (running
//     again finishes them);
//   - every record rejected: fault.Data.
func Run(ctx context.Context, cfg Config) (Summary, error) {
	var sum Summary
	if err := cfg.Validate(); err != nil {
		return sum, err
	}
	dlStore, dlKey := cfg.DeadLetter, cfg.DeadLetterKey
	if dlStore == nil {
		dlStore = cfg.In
	}
	if dlKey == "" {
		dlKey = transform.OutputKey(cfg.InKey, transform.AreaCurated, transform.AreaDeadLetter)
	}
	dl, err := newDeadLetters()
	if err != nil {
		return sum, err
	}
	defer dl.Discard()
	retries := cfg.MaxRetries
	if retries == 0 {
		retries = -1 // none: esindex takes 0 for its default
	}
	ix, err := esindex.New(cfg.ES, esindex.Config{
		Prefix: cfg.Prefix, ChunkSize: cfg.ChunkSize, MaxRetries: retries,
		Refresh: cfg.Refresh, Logger: cfg.Logger, DeadLetter: dl.Add, Times: cfg.Times,
	})
	if err != nil {
		return sum, err
	}
	inURI := cfg.In.URI(cfg.InKey)
	body, _, err := cfg.In.Get(ctx, cfg.InKey)
	if err != nil {
		return sum, fmt.Errorf("opening %s: %w", inURI, err)
	}
	defer body.Close()
	if sum.Summary, err = ix.Index(ctx, body); err != nil {
		return sum, err
	}
	if dl.Count() > 0 {
		if sum.DeadLetter, err = dl.Store(ctx, dlStore, dlKey, inURI); err != nil {
			return sum, err
		}
	}
	sum.In = inURI
	return sum, outcome(sum.Summary, sum.DeadLetter)
}
