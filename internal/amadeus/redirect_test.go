package amadeus

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// elsewhere is a second loopback server, another origin than the fake
// Amadeus: it records every request that reaches it.
type elsewhere struct {
	srv *httptest.Server

	mu   sync.Mutex
	seen []string // method, Authorization header and body of each request
}

func newElsewhere(t *testing.T) *elsewhere {
	e := &elsewhere{}
	e.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		e.mu.Lock()
		e.seen = append(e.seen, r.Method+" "+r.Header.Get("Authorization")+" "+string(body))
		e.mu.Unlock()
		w.Write([]byte(`{"access_token":"stolen","token_type":"Bearer","expires_in":1799}`))
	}))
	t.Cleanup(e.srv.Close)
	return e
}

func (e *elsewhere) requests() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]string(nil), e.seen...)
}

func TestTokenRequestFollowsNoRedirect(t *testing.T) {
	tests := []struct {
		name   string
		status int
		other  bool // redirect to the second server, else to the same one
	}{
		{"307 to another host", http.StatusTemporaryRedirect, true},
		{"308 to another host", http.StatusPermanentRedirect, true},
		{"302 to another host", http.StatusFound, true},
		{"307 to the same host", http.StatusTemporaryRedirect, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, nil)
			other := newElsewhere(t)
			target := h.fake.srv.URL + tokenPath + "?again"
			if tt.other {
				target = other.srv.URL + tokenPath
			}
			h.fake.onToken = func(w http.ResponseWriter, r *http.Request, hit int) {
				http.Redirect(w, r, target, tt.status)
			}
			var err error
			for i := range 2 {
				if _, err = h.client.Search(t.Context(), syd); err == nil {
					t.Fatalf("search %d succeeded, want a refused redirect", i)
				}
			}
			if seen := other.requests(); len(seen) != 0 {
				t.Errorf("the redirect target received %d requests, want none: %q", len(seen), seen)
			}
			if token, search := h.fake.hits(); token != 1 || search != 0 {
				t.Errorf("server saw %d token and %d search requests over 2 searches, want 1 and 0 (the refusal is kept)", token, search)
			}
			msg := err.Error()
			if !strings.Contains(msg, "fetching access token") || !strings.Contains(msg, "redirect") || !strings.Contains(msg, "not followed") {
				t.Errorf("Search error = %q, want it to say the token request's redirect was not followed", msg)
			}
			if strings.Contains(msg, testSecret) || strings.Contains(h.logs.String(), testSecret) {
				t.Errorf("error %q or logs hold the client secret", msg)
			}
		})
	}
}

func TestSearchFollowsRedirectsWithinItsOrigin(t *testing.T) {
	tests := []struct {
		name      string
		other     bool // redirect to the second server, else to the same one
		wantOK    bool
		wantHits  int
		wantOther int
	}{
		{name: "307 to another host is refused", other: true, wantHits: 1},
		{name: "307 to the same origin is followed", other: false, wantOK: true, wantHits: 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, nil)
			other := newElsewhere(t)
			h.fake.onSearch = func(w http.ResponseWriter, r *http.Request, hit int) {
				if hit > 1 {
					w.Write(fixture(t, "offers_syd_bkk.json"))
					return
				}
				target := r.URL.RequestURI()
				if tt.other {
					target = other.srv.URL + target
				}
				http.Redirect(w, r, target, http.StatusTemporaryRedirect)
			}
			env, err := h.client.Search(t.Context(), syd)
			if tt.wantOK != (err == nil) {
				t.Fatalf("Search = status %d, err %v; want success %v", env.Status, err, tt.wantOK)
			}
			if seen := other.requests(); len(seen) != 0 {
				t.Errorf("the redirect target received %d requests, want none: %q", len(seen), seen)
			}
			if _, search := h.fake.hits(); search != tt.wantHits {
				t.Errorf("search requests = %d, want %d", search, tt.wantHits)
			}
			if err == nil {
				return
			}
			msg := err.Error()
			if !strings.Contains(msg, "redirect to "+other.srv.URL+" not followed") {
				t.Errorf("Search error = %q, want it to name the refused redirect", msg)
			}
			if strings.Contains(msg, "tok-1") {
				t.Errorf("Search error = %q holds the access token", msg)
			}
		})
	}
}
