package amadeus

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/farepipe/farepipe/internal/provider"
)

func TestTokenFetchedOnceAndReused(t *testing.T) {
	h := newHarness(t, nil)
	for i := range 3 {
		if _, err := h.client.Search(t.Context(), syd); err != nil {
			t.Fatalf("search %d: %v", i, err)
		}
	}
	if token, search := h.fake.hits(); token != 1 || search != 3 {
		t.Errorf("server saw %d token and %d search requests, want 1 and 3", token, search)
	}
	if got := h.client.Stats().TokenFetches; got != 1 {
		t.Errorf("Stats().TokenFetches = %d, want 1", got)
	}
}

func TestTokenSharedByConcurrentSearches(t *testing.T) {
	h := newHarness(t, nil)
	h.fake.tokenDelay = 20 * time.Millisecond // all searches arrive while the token is fetched
	var wg sync.WaitGroup
	errs := make(chan error, 10)
	for range 10 {
		wg.Go(func() {
			if _, err := h.client.Search(t.Context(), syd); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("Search: %v", err)
	}
	if token, search := h.fake.hits(); token != 1 || search != 10 {
		t.Errorf("server saw %d token and %d search requests, want 1 and 10", token, search)
	}
}

func TestTokenRenewedBeforeExpiry(t *testing.T) {
	// testdata/token.json says expires_in 1799; the cache drops a token 30s early.
	tests := []struct {
		name       string
		advance    time.Duration
		wantTokens int
	}{
		{"fresh token reused", time.Minute, 1},
		{"just inside the margin reused", 1768 * time.Second, 1},
		{"at the margin renewed", 1769 * time.Second, 2},
		{"expired renewed", time.Hour, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, nil)
			if _, err := h.client.Search(t.Context(), syd); err != nil {
				t.Fatalf("first search: %v", err)
			}
			h.clock.Advance(tt.advance)
			if _, err := h.client.Search(t.Context(), syd); err != nil {
				t.Fatalf("second search: %v", err)
			}
			if token, _ := h.fake.hits(); token != tt.wantTokens {
				t.Errorf("after %v: token requests = %d, want %d", tt.advance, token, tt.wantTokens)
			}
		})
	}
}

func TestTokenRefreshedAfterUnauthorized(t *testing.T) {
	h := newHarness(t, nil)
	if _, err := h.client.Search(t.Context(), syd); err != nil {
		t.Fatalf("first search: %v", err)
	}
	h.fake.revokeAll() // the server drops tok-1 long before its expiry
	env, err := h.client.Search(t.Context(), syd)
	if err != nil {
		t.Fatalf("search after revocation: %v", err)
	}
	if env.Status != http.StatusOK {
		t.Errorf("Status = %d, want 200", env.Status)
	}
	if token, search := h.fake.hits(); token != 2 || search != 3 {
		t.Errorf("server saw %d token and %d search requests, want 2 and 3 (401, then retry)", token, search)
	}
	if s := h.sleeps.All(); len(s) != 0 {
		t.Errorf("sleeps = %v, want none: a refused token is retried at once", s)
	}
	if got, want := h.client.Stats(), (Stats{Requests: 5, Retries: 1, TokenFetches: 2}); got != want {
		t.Errorf("Stats() = %+v, want %+v", got, want)
	}
}

func TestTokenRefusedTwiceIsFinal(t *testing.T) {
	h := newHarness(t, nil)
	h.fake.onSearch = func(w http.ResponseWriter, r *http.Request, hit int) {
		respond(t, w, http.StatusUnauthorized, "error_401.json")
	}
	_, err := h.client.Search(t.Context(), syd)
	if err == nil || provider.IsRetryable(err) {
		t.Fatalf("Search error = %v, want a final error", err)
	}
	if !strings.Contains(err.Error(), "401") {
		t.Errorf("Search error = %q, want it to name status 401", err)
	}
	for _, tok := range []string{"tok-1", "tok-2"} {
		if strings.Contains(err.Error(), tok) {
			t.Errorf("Search error = %q holds access token %q", err, tok)
		}
	}
	if token, search := h.fake.hits(); token != 2 || search != 2 {
		t.Errorf("server saw %d token and %d search requests, want 2 and 2", token, search)
	}
}

// TestTokenErrorsHideSecret runs token endpoints that echo the client
// secret back in every way they can; the secret must reach neither the
// error nor the logs.
func TestTokenErrorsHideSecret(t *testing.T) {
	echo := `{"error":"invalid_client","error_description":"client_secret ` + testSecret + ` is invalid"}`
	tests := []struct {
		name          string
		status        int
		body          string
		wantRetryable bool
		wantTokenHits int
	}{
		{"401 echoing the secret", http.StatusUnauthorized, echo, false, 1},
		{"400 echoing the secret", http.StatusBadRequest, echo, false, 1},
		{"500 echoing the secret", http.StatusInternalServerError, echo, true, 4},
		{"200 with a cut body holding the secret", http.StatusOK, `{"access_token":"` + testSecret, true, 4},
		{"200 with the secret as token type", http.StatusOK, `{"token_type":"` + testSecret + `","access_token":"x","expires_in":1799}`, false, 1},
		{"200 without an access token", http.StatusOK, `{"token_type":"Bearer","client_secret":"` + testSecret + `"}`, false, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, nil)
			h.fake.onToken = func(w http.ResponseWriter, r *http.Request, hit int) {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(tt.status)
				fmt.Fprint(w, tt.body)
			}
			_, err := h.client.Search(t.Context(), syd)
			if err == nil {
				t.Fatal("Search succeeded, want an error")
			}
			for _, text := range []string{err.Error(), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", errors.Unwrap(err))} {
				if strings.Contains(text, testSecret) {
					t.Errorf("error %q holds the client secret", text)
				}
			}
			if strings.Contains(h.logs.String(), testSecret) {
				t.Errorf("logs hold the client secret:\n%s", h.logs)
			}
			if !strings.Contains(err.Error(), "access token") {
				t.Errorf("Search error = %q, want it to say the access token failed", err)
			}
			if got := provider.IsRetryable(err); got != tt.wantRetryable {
				t.Errorf("IsRetryable(%v) = %v, want %v", err, got, tt.wantRetryable)
			}
			if token, search := h.fake.hits(); token != tt.wantTokenHits || search != 0 {
				t.Errorf("server saw %d token and %d search requests, want %d and 0", token, search, tt.wantTokenHits)
			}
		})
	}
}

func TestTokenRequestTimeoutHidesSecret(t *testing.T) {
	h := newHarness(t, func(c *Config) {
		c.Timeout = 20 * time.Millisecond
		c.MaxRetries = -1
	})
	h.fake.onToken = func(w http.ResponseWriter, r *http.Request, hit int) {
		// The server notices a hang-up only once the body is read.
		io.Copy(io.Discard, r.Body)
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	}
	_, err := h.client.Search(t.Context(), syd)
	if !provider.IsRetryable(err) {
		t.Fatalf("Search error = %v, want a retryable timeout", err)
	}
	if strings.Contains(err.Error(), testSecret) || strings.Contains(h.logs.String(), testSecret) {
		t.Errorf("error %q or logs hold the client secret", err)
	}
	if token, _ := h.fake.hits(); token != 1 {
		t.Errorf("token requests = %d, want 1 with MaxRetries -1", token)
	}
}

// TestTokenRefusalCachedForTheRun runs searches against a token endpoint
// that always fails. Wrong credentials are asked about once per run; a
// transient failure is retried by every search as before.
func TestTokenRefusalCachedForTheRun(t *testing.T) {
	const searches = 5
	tests := []struct {
		name          string
		status        int
		wantRetryable bool
		wantTokenHits int
	}{
		{"401 invalid_client", http.StatusUnauthorized, false, 1},
		{"400 invalid_request", http.StatusBadRequest, false, 1},
		{"503 retried by each search", http.StatusServiceUnavailable, true, searches * 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, func(c *Config) { c.MaxRetries = 3 })
			h.fake.onToken = func(w http.ResponseWriter, r *http.Request, hit int) {
				w.WriteHeader(tt.status)
				fmt.Fprint(w, `{"error":"invalid_client","error_description":"Client credentials are invalid"}`)
			}
			var first error
			for i := range searches {
				_, err := h.client.Search(t.Context(), syd)
				if err == nil {
					t.Fatalf("search %d succeeded, want an error", i)
				}
				if got := provider.IsRetryable(err); got != tt.wantRetryable {
					t.Errorf("search %d: IsRetryable(%v) = %v, want %v", i, err, got, tt.wantRetryable)
				}
				if first == nil {
					first = err
				} else if err.Error() != first.Error() {
					t.Errorf("search %d error = %q, want the first one, %q", i, err, first)
				}
			}
			if token, search := h.fake.hits(); token != tt.wantTokenHits || search != 0 {
				t.Errorf("server saw %d token and %d search requests over %d searches, want %d and 0",
					token, search, searches, tt.wantTokenHits)
			}
			if got := h.client.Stats().TokenFetches; got != int64(tt.wantTokenHits) {
				t.Errorf("Stats().TokenFetches = %d, want %d", got, tt.wantTokenHits)
			}
		})
	}
}
