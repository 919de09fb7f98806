package land

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/farepipe/farepipe/internal/ndjson"
)

// ErrInvalid reports a batch that is not a complete gzip NDJSON stream of
// envelopes, each with a fetched_at time. Landing it again will not help.
var ErrInvalid = errors.New("invalid batch")

// ErrEmpty reports a batch without a single envelope: there is nothing to
// land and no fetched date to partition it by.
var ErrEmpty = errors.New("empty batch")

// summary is what one pass over a batch learns.
type summary struct {
	sha256    string    // hex SHA-256 of the stored bytes
	records   int       // envelopes
	fetchedAt time.Time // earliest fetched_at, UTC
	provider  string    // the envelopes' provider, "" if they differ
}

// scan reads a gzip NDJSON batch once, hashing its bytes while decoding its
// envelopes. Memory is bounded by the longest line.
func scan(ctx context.Context, r io.Reader) (summary, error) {
	h := sha256.New()
	tee := io.TeeReader(r, h)
	nr, err := ndjson.NewReader(tee)
	if err != nil {
		return summary{}, fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	var s summary
	mixed := false
	for {
		rec, line, err := nr.Next()
		if err == io.EOF {
			break
		}
		var lineErr *ndjson.LineError
		switch {
		case errors.As(err, &lineErr), errors.Is(err, ndjson.ErrTruncated):
			return summary{}, fmt.Errorf("%w: %v", ErrInvalid, err)
		case err != nil:
			return summary{}, err
		}
		if s.records%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return summary{}, err
			}
		}
		var env struct {
			Provider  string    `json:"provider"`
			FetchedAt time.Time `json:"fetched_at"`
		}
		if err := json.Unmarshal(rec, &env); err != nil {
			return summary{}, fmt.Errorf("%w: line %d: %v", ErrInvalid, line, err)
		}
		if env.FetchedAt.IsZero() {
			return summary{}, fmt.Errorf("%w: line %d: no fetched_at", ErrInvalid, line)
		}
		if s.records == 0 || env.FetchedAt.Before(s.fetchedAt) {
			s.fetchedAt = env.FetchedAt.UTC()
		}
		if s.records == 0 {
			s.provider = env.Provider
		} else if env.Provider != s.provider {
			mixed = true
		}
		s.records++
	}
	// Hash whatever the decoder did not need to read.
	if _, err := io.Copy(io.Discard, tee); err != nil {
		return summary{}, err
	}
	if s.records == 0 {
		return summary{}, ErrEmpty
	}
	if mixed {
		s.provider = ""
	}
	s.sha256 = hex.EncodeToString(h.Sum(nil))
	return s, nil
}
