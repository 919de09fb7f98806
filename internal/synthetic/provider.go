package synthetic

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/farepipe/farepipe/internal/amadeus"
	"github.com/farepipe/farepipe/internal/provider"
	"github.com/farepipe/farepipe/internal/raw"
)

// Name is the provider name stored in envelopes and series keys.
const Name = "synthetic"

// DefaultDrift is the day-to-day price movement used when Config.Drift is
// zero: up to 5% either way.
const DefaultDrift = 50

// maxLeadDays is how far ahead a departure may be searched, as in the
// Amadeus API.
const maxLeadDays = 365

// Config configures a synthetic provider.
type Config struct {
	// Seed selects the synthetic market: providers with the same seed give
	// the same answers.
	Seed int64
	// ObservedAt is the time the prices are computed for and stamped on
	// every envelope as fetched_at.
	ObservedAt time.Time
	// Clock supplies the observation time of each search when ObservedAt is
	// zero. With both unset, Search fails.
	Clock func() time.Time
	// Drift is the largest day-to-day price movement in per mille of the
	// fare: zero means DefaultDrift, a negative value turns drift off.
	Drift int
}

// Provider answers searches with synthetic offers. It is safe for
// concurrent use.
type Provider struct {
	cfg Config
}

var _ provider.Provider = (*Provider)(nil)

// New returns a synthetic provider.
func New(cfg Config) *Provider {
	if cfg.Drift == 0 {
		cfg.Drift = DefaultDrift
	}
	return &Provider{cfg: cfg}
}

// Name returns "synthetic".
func (p *Provider) Name() string { return Name }

// Search answers s as Amadeus Flight Offers Search v2 would: status 200 and
// 4 to 12 offers, or status 400 with an Amadeus error body for a departure
// in the past or more than a year ahead. An invalid search (bad airport
// code or date, return before departure, unknown cabin or currency) is a
// permanent error.
func (p *Provider) Search(ctx context.Context, s raw.Search) (raw.Envelope, error) {
	if err := ctx.Err(); err != nil {
		return raw.Envelope{}, fmt.Errorf("searching %s: %w", s.Key(), err)
	}
	at := p.cfg.ObservedAt
	if at.IsZero() && p.cfg.Clock != nil {
		at = p.cfg.Clock()
	}
	if at.IsZero() {
		return raw.Envelope{}, fmt.Errorf("searching %s: synthetic provider has no observation time (set ObservedAt or Clock)", s.Key())
	}
	at = at.UTC().Truncate(time.Millisecond)
	req, err := newRequest(s, at)
	if err != nil {
		return raw.Envelope{}, fmt.Errorf("checking synthetic search %s: %w", s.Key(), err)
	}
	status, v := 200, any(nil)
	if issue := req.dateIssue(); issue != nil {
		status, v = 400, amadeus.ErrorResponse{Errors: []amadeus.Issue{*issue}}
	} else {
		v = generate(p.cfg, req)
	}
	body, err := json.Marshal(v)
	if err != nil {
		return raw.Envelope{}, fmt.Errorf("encoding synthetic response for %s: %w", s.Key(), err)
	}
	return raw.Envelope{Provider: Name, Search: s, FetchedAt: at, Status: status, Body: body}, nil
}
