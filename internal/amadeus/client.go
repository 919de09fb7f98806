package amadeus

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"

	"github.com/farepipe/farepipe/internal/provider"
	"github.com/farepipe/farepipe/internal/raw"
)

// ProviderName is the provider name of a Client, as stored in envelopes.
const ProviderName = "amadeus"

// searchPath is the Flight Offers Search v2 endpoint.
const searchPath = "/v2/shopping/flight-offers"

// maxBody bounds a response body; a search of 250 offers is a few MiB.
const maxBody = 64 << 20

// Config configures a Client. Zero values take the documented defaults.
type Config struct {
	// BaseURL is the API root; default "https://test.api.amadeus.com".
	BaseURL string
	// ClientID is the API key of the Amadeus application. Required.
	ClientID string
	// ClientSecret is the API secret of the application. Required. It is
	// sent to the token endpoint only and never logged or put in an error.
	ClientSecret string
	// HTTPClient sends the requests; default a plain http.Client. The
	// client uses copies of it with its own redirect policy: the token
	// request follows no redirect, a search follows one only within the
	// origin of BaseURL (see followNone, followSameOrigin).
	HTTPClient *http.Client
	// RequestsPerSecond limits the request rate; default 5. Negative
	// means no limit.
	RequestsPerSecond float64
	// Budget is the most HTTP requests the client sends in its lifetime,
	// token requests and retries included; 0 means no limit.
	Budget int
	// MaxRetries is how often a failed attempt is repeated; default 4.
	// Negative means never.
	MaxRetries int
	// Timeout bounds one request, body included; default 20s.
	Timeout time.Duration
	// BaseBackoff is the backoff before the first retry, doubled for each
	// further one and fully jittered; default 500ms.
	BaseBackoff time.Duration
	// MaxBackoff caps the backoff; default 30s.
	MaxBackoff time.Duration
	// MaxRetryAfter caps the wait a Retry-After header asks for; default 60s.
	MaxRetryAfter time.Duration
	// Logger receives debug records of retries; nil discards them.
	Logger *slog.Logger
	// Now is the clock for fetched_at and token expiry; default time.Now.
	Now func() time.Time
	// Sleep waits d or until ctx is done, returning ctx.Err() then;
	// default a timer. Tests inject one that records and returns at once.
	Sleep func(ctx context.Context, d time.Duration) error
}

// String describes the configuration with the client secret redacted.
func (c Config) String() string {
	return fmt.Sprintf("amadeus.Config{BaseURL:%s ClientID:%s ClientSecret:[redacted] Budget:%d}", c.BaseURL, c.ClientID, c.Budget)
}

// LogValue keeps the client secret out of structured logs.
func (c Config) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("base_url", c.BaseURL),
		slog.String("client_id", c.ClientID),
		slog.Float64("requests_per_second", c.RequestsPerSecond),
		slog.Int("budget", c.Budget),
	)
}

// Stats counts what a Client did.
type Stats struct {
	Requests     int64 // HTTP requests sent, token requests included
	Retries      int64 // attempts repeated after a failure or a refused token
	TokenFetches int64 // requests sent to the token endpoint
	Throttled    int64 // responses with status 429
}

// Client searches flight offers with Amadeus Flight Offers Search v2. It
// is safe for concurrent use.
type Client struct {
	cfg       Config
	base      string
	http      *http.Client // for searches: redirects within the origin only
	tokenHTTP *http.Client // for the token request: no redirect
	limiter   *rate.Limiter
	log       *slog.Logger
	tokens    *tokenCache

	spent        atomic.Int64 // requests reserved against the budget
	requests     atomic.Int64
	retries      atomic.Int64
	tokenFetches atomic.Int64
	throttled    atomic.Int64
}

var _ provider.Provider = (*Client)(nil)

// New validates cfg, fills in defaults and returns a Client.
func New(cfg Config) (*Client, error) {
	if cfg.ClientID == "" {
		return nil, errors.New("configuring amadeus: client id is required")
	}
	if cfg.ClientSecret == "" {
		return nil, errors.New("configuring amadeus: client secret is required")
	}
	if cfg.BaseURL == "" {
		cfg.BaseURL = "https://test.api.amadeus.com"
	}
	u, err := url.Parse(cfg.BaseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" {
		return nil, fmt.Errorf("configuring amadeus: base url %q is not an http(s) url without query", cfg.BaseURL)
	}
	if u.User != nil {
		return nil, errors.New("configuring amadeus: base url must not hold credentials")
	}
	if cfg.Budget < 0 {
		return nil, fmt.Errorf("configuring amadeus: budget %d is negative", cfg.Budget)
	}
	if cfg.Timeout < 0 || cfg.BaseBackoff < 0 || cfg.MaxBackoff < 0 || cfg.MaxRetryAfter < 0 {
		return nil, errors.New("configuring amadeus: durations must not be negative")
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{}
	}
	limit := rate.Inf
	switch {
	case cfg.RequestsPerSecond == 0:
		cfg.RequestsPerSecond = 5
		limit = rate.Limit(cfg.RequestsPerSecond)
	case cfg.RequestsPerSecond > 0:
		limit = rate.Limit(cfg.RequestsPerSecond)
	}
	switch {
	case cfg.MaxRetries == 0:
		cfg.MaxRetries = 4
	case cfg.MaxRetries < 0:
		cfg.MaxRetries = 0
	}
	cfg.Timeout = orDefault(cfg.Timeout, 20*time.Second)
	cfg.BaseBackoff = orDefault(cfg.BaseBackoff, 500*time.Millisecond)
	cfg.MaxBackoff = orDefault(cfg.MaxBackoff, 30*time.Second)
	cfg.MaxRetryAfter = orDefault(cfg.MaxRetryAfter, 60*time.Second)
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Sleep == nil {
		cfg.Sleep = sleep
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Client{
		cfg:       cfg,
		base:      strings.TrimRight(cfg.BaseURL, "/"),
		http:      withRedirects(cfg.HTTPClient, followSameOrigin),
		tokenHTTP: withRedirects(cfg.HTTPClient, followNone),
		limiter:   rate.NewLimiter(limit, 1),
		log:       log.With("provider", ProviderName),
		tokens:    newTokenCache(),
	}, nil
}

func orDefault(d, def time.Duration) time.Duration {
	if d == 0 {
		return def
	}
	return d
}

// Name returns "amadeus".
func (c *Client) Name() string { return ProviderName }

// Stats returns the counts so far.
func (c *Client) Stats() Stats {
	return Stats{
		Requests:     c.requests.Load(),
		Retries:      c.retries.Load(),
		TokenFetches: c.tokenFetches.Load(),
		Throttled:    c.throttled.Load(),
	}
}

// Search runs one flight-offers search. A 2xx response, and a 4xx response
// that is the API's final answer to this search (400 for an invalid date),
// come back as an envelope. Network errors, timeouts, 429 and 5xx are
// retried with backoff; when the retries are spent the error is
// provider.Retryable. A spent budget gives an error wrapping
// provider.ErrBudget.
func (c *Client) Search(ctx context.Context, s raw.Search) (raw.Envelope, error) {
	if s.Origin == "" || s.Destination == "" || s.Departure == "" {
		return raw.Envelope{}, fmt.Errorf("searching %q: origin, destination and departure date are required", s.Key())
	}
	target := c.base + searchPath + "?" + searchQuery(s).Encode()
	refreshed := false
	var lastErr error
	for attempt, retry := 1, 0; ; attempt++ {
		env, err := c.searchOnce(ctx, target, s)
		if err == nil {
			return env, nil
		}
		var unauth *unauthorizedError
		var trans *transientError
		switch {
		case errors.Is(err, provider.ErrBudget) && lastErr != nil:
			return raw.Envelope{}, fmt.Errorf("searching %s: %w (last failure: %v)", s.Key(), err, lastErr)
		case errors.As(err, &unauth) && !refreshed:
			// The token may have been revoked early: one fresh token, one retry.
			refreshed = true
			lastErr = err
			c.tokens.invalidate(ctx, unauth.token)
			c.retries.Add(1)
			c.log.Debug("retrying with a new access token", "search", s.Key(), "attempt", attempt)
			continue
		case errors.As(err, &trans):
		default:
			return raw.Envelope{}, fmt.Errorf("searching %s: %w", s.Key(), err)
		}
		lastErr = err
		if retry >= c.cfg.MaxRetries {
			return raw.Envelope{}, provider.Retryable(fmt.Errorf("searching %s: giving up after %d attempts: %w", s.Key(), attempt, err))
		}
		if c.spentAll() {
			return raw.Envelope{}, fmt.Errorf("searching %s: %w (last failure: %v)", s.Key(), c.budgetError(), lastErr)
		}
		wait := c.backoff(retry)
		if trans.retryAfter > 0 {
			wait = min(trans.retryAfter, c.cfg.MaxRetryAfter)
		}
		c.log.Debug("retrying", "search", s.Key(), "attempt", attempt, "wait", wait, "err", err)
		if err := c.cfg.Sleep(ctx, wait); err != nil {
			return raw.Envelope{}, fmt.Errorf("searching %s: waiting to retry after %v: %w", s.Key(), lastErr, err)
		}
		c.retries.Add(1)
		retry++
	}
}

// searchOnce makes one search attempt, fetching a token first if needed.
func (c *Client) searchOnce(ctx context.Context, target string, s raw.Search) (raw.Envelope, error) {
	tok, err := c.tokens.get(ctx, c.cfg.Now, c.fetchToken)
	if err != nil {
		return raw.Envelope{}, err
	}
	res, err := c.send(ctx, c.http, func(ctx context.Context) (*http.Request, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
		if err != nil {
			return nil, err
		}
		req.Header.Set("Authorization", "Bearer "+tok)
		req.Header.Set("Accept", "application/vnd.amadeus+json, application/json")
		return req, nil
	})
	if err != nil {
		return raw.Envelope{}, err
	}
	switch {
	case res.status == http.StatusUnauthorized:
		return raw.Envelope{}, &unauthorizedError{token: tok}
	case res.status == http.StatusTooManyRequests || res.status >= 500:
		return raw.Envelope{}, &transientError{err: statusError(res.status, res.body, c.credentials(tok)...), retryAfter: res.retryAfter}
	case isRedirect(res.status):
		return raw.Envelope{}, redirectError(res, c.credentials(tok)...)
	case res.status < 200:
		return raw.Envelope{}, fmt.Errorf("unexpected status %d", res.status)
	case !json.Valid(res.body):
		if res.status < 300 {
			return raw.Envelope{}, &transientError{err: fmt.Errorf("status %d with a body of %d bytes that is not valid json (truncated?)", res.status, len(res.body))}
		}
		return raw.Envelope{}, fmt.Errorf("status %d with a body that is not json", res.status)
	}
	return raw.Envelope{
		Provider:  ProviderName,
		Search:    s,
		FetchedAt: res.at,
		Status:    res.status,
		Body:      res.body,
	}, nil
}

// searchQuery is the query string of a search. Only parameters the search
// sets are sent, except adults, which the API requires.
func searchQuery(s raw.Search) url.Values {
	q := url.Values{}
	q.Set("originLocationCode", s.Origin)
	q.Set("destinationLocationCode", s.Destination)
	q.Set("departureDate", s.Departure)
	if s.Return != "" {
		q.Set("returnDate", s.Return)
	}
	q.Set("adults", strconv.Itoa(max(s.Adults, 1)))
	if s.Cabin != "" {
		q.Set("travelClass", s.Cabin)
	}
	if s.NonStop {
		q.Set("nonStop", "true")
	}
	if s.Currency != "" {
		q.Set("currencyCode", s.Currency)
	}
	if s.Max > 0 {
		q.Set("max", strconv.Itoa(s.Max))
	}
	return q
}
