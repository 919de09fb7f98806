package transform

import (
	"context"

	"github.com/farepipe/farepipe/internal/fault"
	"github.com/farepipe/farepipe/internal/intake"
	"github.com/farepipe/farepipe/internal/objstore"
)

// Config is one transform run: one raw object into its curated and
// quarantine objects.
type Config struct {
	In    objstore.Store // the store of the raw object
	InKey string         // its key
	// Curated is the store of the observations; nil means In.
	Curated objstore.Store
	// CuratedKey is their key; "" means InKey under curated/ (OutputKey).
	CuratedKey string
	// Quarantine is the store of the rejections; nil means In.
	Quarantine objstore.Store
	// QuarantineKey is their key; "" means InKey under quarantine/.
	QuarantineKey string
	// Buckets, when any, are the only S3 buckets an input may lie in.
	Buckets []string
	// Options say how records are read and judged; Source defaults to
	// the input's URI.
	Options
}

// Validate reports a configuration error (fault.Config) in cfg, before
// any I/O.
func (cfg Config) Validate() error {
	if cfg.In == nil || cfg.InKey == "" {
		return fault.Configf("transform: no input object")
	}
	return nil
}

// Run transforms the raw object of cfg, unless it may not be read as
// raw input (CheckInput: a data error), and stores its observations
// and, when anything was rejected, its rejections. When they were stored
// (ObjectResult.Curated is set) the error, if any, is the outcome, a
// data error (fault.Data): the object is in no format transform reads,
// or no record of it could be processed. An object without any record is
// no error; its curated object is empty.
func Run(ctx context.Context, cfg Config) (Summary, error) {
	if err := cfg.Validate(); err != nil {
		return Summary{}, err
	}
	inURI := cfg.In.URI(cfg.InKey)
	if u, err := objstore.ParseURI(inURI); err == nil {
		if err := CheckInput(u, cfg.Buckets); err != nil {
			return Summary{}, err
		}
	}
	cur, curKey := cfg.Curated, cfg.CuratedKey
	if cur == nil {
		cur = cfg.In
	}
	if curKey == "" {
		curKey = OutputKey(cfg.InKey, AreaRaw, AreaCurated)
	}
	qua, quaKey := cfg.Quarantine, cfg.QuarantineKey
	if qua == nil {
		qua = cfg.In
	}
	if quaKey == "" {
		quaKey = OutputKey(cfg.InKey, AreaRaw, AreaQuarantine)
	}
	res, err := object(ctx, cfg.In, cfg.InKey, cur, curKey, qua, quaKey, cfg.Options)
	switch {
	case err != nil:
		return res, err
	case res.Format == intake.Unknown:
		return res, fault.Dataf("%s is in no format transform reads (envelopes, Amadeus answers, fare rows with a mapping), see %s",
			inURI, res.Quarantine)
	case res.Empty():
		return res, fault.Dataf("no record of %s could be processed: %d rejected, see %s", inURI, res.Rejected(), res.Quarantine)
	}
	return res, nil
}
