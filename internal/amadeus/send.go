package amadeus

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/farepipe/farepipe/internal/provider"
)

// This file holds how one request is sent: the budget, the rate limit, the
// per-request timeout, and the backoff and Retry-After waits between
// attempts.
// response is one HTTP response, read in full.
type response struct {
	status     int
	body       []byte
	retryAfter time.Duration
	location   string    // scheme and host of a redirect not followed
	at         time.Time // when the body was read, UTC
}

// transientError is a failed attempt worth repeating.
type transientError struct {
	err        error
	retryAfter time.Duration // what the server asked for, 0 if nothing
}

func (e *transientError) Error() string { return e.err.Error() }
func (e *transientError) Unwrap() error { return e.err }

// unauthorizedError is a search refused with status 401. The token it
// holds is a credential and stays out of the message.
type unauthorizedError struct{ token string }

func (e *unauthorizedError) Error() string { return "status 401: access token refused" }

// Is makes a search refused with a fresh token a provider.ErrAccess.
func (e *unauthorizedError) Is(target error) bool { return target == provider.ErrAccess }

// send spends one request of the budget, waits for the rate limiter and
// sends the request built by build with hc under the per-request timeout.
func (c *Client) send(ctx context.Context, hc *http.Client, build func(context.Context) (*http.Request, error)) (*response, error) {
	if err := c.reserve(); err != nil {
		return nil, err
	}
	if err := c.limiter.Wait(ctx); err != nil {
		c.release()
		return nil, fmt.Errorf("waiting for the rate limiter: %w", err)
	}
	rctx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()
	req, err := build(rctx)
	if err != nil {
		c.release()
		return nil, fmt.Errorf("building request: %w", err)
	}
	c.requests.Add(1)
	resp, err := hc.Do(req)
	if err != nil {
		return nil, c.attemptFailed(ctx, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody+1))
	if err != nil {
		return nil, c.attemptFailed(ctx, fmt.Errorf("reading response: %w", err))
	}
	if len(body) > maxBody {
		return nil, fmt.Errorf("response body exceeds %d bytes", maxBody)
	}
	if resp.StatusCode == http.StatusTooManyRequests {
		c.throttled.Add(1)
	}
	now := c.cfg.Now()
	res := &response{
		status:     resp.StatusCode,
		body:       body,
		retryAfter: parseRetryAfter(resp.Header.Get("Retry-After"), now),
		at:         now.UTC(),
	}
	if isRedirect(res.status) {
		res.location = redirectOrigin(resp)
	}
	return res, nil
}

// attemptFailed classifies a transport error: the caller's context ending
// is final, anything else (a refused connection, a per-request timeout, a
// cut body) is transient.
func (c *Client) attemptFailed(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if errors.Is(err, context.DeadlineExceeded) {
		err = fmt.Errorf("request timed out after %s: %w", c.cfg.Timeout, err)
	}
	return &transientError{err: err}
}

// reserve takes one request from the budget, or reports it spent.
func (c *Client) reserve() error {
	if c.cfg.Budget == 0 {
		return nil
	}
	for {
		n := c.spent.Load()
		if n >= int64(c.cfg.Budget) {
			return c.budgetError()
		}
		if c.spent.CompareAndSwap(n, n+1) {
			return nil
		}
	}
}

func (c *Client) budgetError() error {
	return fmt.Errorf("%w: all %d requests sent", provider.ErrBudget, c.cfg.Budget)
}

// spentAll reports whether no request of the budget is left, so that a
// retry that could not be sent is not waited for.
func (c *Client) spentAll() bool {
	return c.cfg.Budget != 0 && c.spent.Load() >= int64(c.cfg.Budget)
}

// release returns a reserved request that was never sent.
func (c *Client) release() {
	if c.cfg.Budget != 0 {
		c.spent.Add(-1)
	}
}

// backoff is the wait before retry number retry (0 for the first): a
// uniform random duration up to BaseBackoff·2^retry, capped at MaxBackoff.
func (c *Client) backoff(retry int) time.Duration {
	d := c.cfg.BaseBackoff
	for i := 0; i < retry && d < c.cfg.MaxBackoff; i++ {
		d *= 2
	}
	d = min(d, c.cfg.MaxBackoff)
	return rand.N(d + 1)
}

// parseRetryAfter reads a Retry-After header, in seconds or as an HTTP
// date; 0 when absent or unreadable.
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if secs, err := strconv.Atoi(v); err == nil {
		if secs <= 0 {
			return 0
		}
		return time.Duration(min(secs, 86400)) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0)
	}
	return 0
}

// statusError describes a failed search response, with the title of the
// first error the API reports in its body when there is one, redacted
// (see redact) of known and of anything else that looks like a credential.
func statusError(status int, body []byte, known ...string) error {
	var er ErrorResponse
	if json.Unmarshal(body, &er) == nil && len(er.Errors) > 0 && er.Errors[0].Title != "" {
		return fmt.Errorf("status %d: %s (code %d)", status, redact(er.Errors[0].Title, known...), er.Errors[0].Code)
	}
	return fmt.Errorf("status %d", status)
}

// sleep waits d or until ctx is done.
func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
