package amadeus

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/farepipe/farepipe/internal/provider"
)

// tokenPath is where Amadeus issues OAuth2 access tokens.
const tokenPath = "/v1/security/oauth2/token"

// tokenMargin is how long before its announced expiry a cached token is
// dropped, so that a token never expires while a search is in flight.
const tokenMargin = 30 * time.Second

// tokenResponse is the part of the token endpoint's answer the client reads.
type tokenResponse struct {
	TokenType   string `json:"token_type"`
	AccessToken string `json:"access_token"`
	ExpiresIn   int    `json:"expires_in"`
}

// tokenCache holds the current access token. One refresh runs at a time;
// callers that find the cache empty while a refresh is under way wait for
// it (or for their context) instead of fetching a token of their own. A
// refusal (see refusedError) is kept for the rest of the run: every later
// caller gets it at once, and the endpoint is not asked again.
type tokenCache struct {
	lock    chan struct{} // a mutex whose wait respects a context
	token   string
	expires time.Time
	refused error
}

// refusedError is a token request no retry in this run can mend: the
// endpoint refused the credentials (a 4xx answer other than 429) or
// answered with a redirect, which is not followed.
type refusedError struct{ err error }

func (e *refusedError) Error() string { return e.err.Error() }
func (e *refusedError) Unwrap() error { return e.err }

// Is makes a refused token request a provider.ErrAccess.
func (e *refusedError) Is(target error) bool { return target == provider.ErrAccess }

func newTokenCache() *tokenCache {
	return &tokenCache{lock: make(chan struct{}, 1)}
}

// get returns a valid access token, calling fetch when there is none.
func (t *tokenCache) get(ctx context.Context, now func() time.Time, fetch func(context.Context) (string, time.Duration, error)) (string, error) {
	select {
	case t.lock <- struct{}{}:
	case <-ctx.Done():
		return "", ctx.Err()
	}
	defer func() { <-t.lock }()

	if t.refused != nil {
		return "", t.refused
	}
	if t.token != "" && now().Before(t.expires.Add(-tokenMargin)) {
		return t.token, nil
	}
	t.token = ""
	tok, ttl, err := fetch(ctx)
	if err != nil {
		var refused *refusedError
		if errors.As(err, &refused) {
			t.refused = err
		}
		return "", err
	}
	t.token, t.expires = tok, now().Add(ttl)
	return tok, nil
}

// invalidate drops tok from the cache, unless a newer token replaced it
// already: of several searches refused with the same token, only the first
// causes a refresh.
func (t *tokenCache) invalidate(ctx context.Context, tok string) {
	select {
	case t.lock <- struct{}{}:
	case <-ctx.Done():
		return
	}
	defer func() { <-t.lock }()
	if t.token == tok {
		t.token = ""
	}
}

// fetchToken asks the token endpoint for a new access token. The request
// follows no redirect, to the same host or another: the client secret in
// its body goes to BaseURL's token endpoint and nowhere else, and a 3xx
// answer is an error naming where it pointed. Neither the client secret
// nor the endpoint's response body ever enter an error: a misbehaving
// endpoint may echo what it was sent.
func (c *Client) fetchToken(ctx context.Context) (string, time.Duration, error) {
	form := url.Values{}
	form.Set("grant_type", "client_credentials")
	form.Set("client_id", c.cfg.ClientID)
	form.Set("client_secret", c.cfg.ClientSecret)

	c.tokenFetches.Add(1)
	res, err := c.send(ctx, c.tokenHTTP, func(ctx context.Context) (*http.Request, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.base+tokenPath, strings.NewReader(form.Encode()))
		if err != nil {
			return nil, err
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Accept", "application/json")
		return req, nil
	})
	if err != nil {
		return "", 0, fmt.Errorf("fetching access token: %w", err)
	}

	switch {
	case isRedirect(res.status):
		return "", 0, &refusedError{fmt.Errorf("fetching access token: %w", redirectError(res, c.credentials("")...))}
	case res.status == http.StatusTooManyRequests || res.status >= 500:
		return "", 0, &transientError{
			err:        fmt.Errorf("fetching access token: status %d", res.status),
			retryAfter: res.retryAfter,
		}
	case res.status != http.StatusOK:
		// 400 or 401 here means the credentials are wrong: no retry helps,
		// in this search or a later one.
		return "", 0, &refusedError{fmt.Errorf("fetching access token: status %d (check the client id and secret)", res.status)}
	}

	var tr tokenResponse
	if err := json.Unmarshal(res.body, &tr); err != nil {
		// The decoder's message may quote the body: it is dropped.
		return "", 0, &transientError{err: errors.New("fetching access token: response is not valid json")}
	}
	if tr.AccessToken == "" {
		return "", 0, errors.New("fetching access token: response has no access_token")
	}
	if tr.TokenType != "" && !strings.EqualFold(tr.TokenType, "Bearer") {
		return "", 0, errors.New("fetching access token: token type is not Bearer")
	}
	return tr.AccessToken, time.Duration(tr.ExpiresIn) * time.Second, nil
}
