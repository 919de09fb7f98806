package amadeus

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/farepipe/farepipe/internal/provider"
	"github.com/farepipe/farepipe/internal/raw"
)

const (
	testClientID = "test-client-id"
	testSecret   = "s3cr3t-Xq9vT4kLm2"
)

// syd is the search the fixtures answer.
var syd = raw.Search{Origin: "SYD", Destination: "BKK", Departure: "2027-01-05", Adults: 1}

func fixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// fakeAmadeus is an httptest server on loopback that answers like the
// Amadeus test environment: it issues tokens from testdata/token.json,
// refuses unknown tokens with 401 and serves searches through onSearch.
type fakeAmadeus struct {
	t   *testing.T
	srv *httptest.Server

	mu         sync.Mutex
	tokenHits  int
	searchHits int
	valid      map[string]bool
	queries    []url.Values

	// onToken, if set, answers token requests instead of the default.
	onToken func(w http.ResponseWriter, r *http.Request, hit int)
	// onSearch answers an authorized search; hit counts from 1. Nil serves
	// testdata/offers_syd_bkk.json.
	onSearch func(w http.ResponseWriter, r *http.Request, hit int)
	// tokenDelay slows token responses to widen races.
	tokenDelay time.Duration
}

func newFake(t *testing.T) *fakeAmadeus {
	f := &fakeAmadeus{t: t, valid: map[string]bool{}}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/security/oauth2/token", f.token)
	mux.HandleFunc("GET /v2/shopping/flight-offers", f.search)
	f.srv = httptest.NewServer(mux)
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeAmadeus) token(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	f.tokenHits++
	hit := f.tokenHits
	f.mu.Unlock()
	time.Sleep(f.tokenDelay)
	if f.onToken != nil {
		f.onToken(w, r, hit)
		return
	}
	if ct := r.Header.Get("Content-Type"); ct != "application/x-www-form-urlencoded" {
		f.t.Errorf("token request Content-Type = %q, want application/x-www-form-urlencoded", ct)
	}
	if err := r.ParseForm(); err != nil {
		f.t.Errorf("parsing token form: %v", err)
	}
	if r.PostForm.Get("grant_type") != "client_credentials" || r.PostForm.Get("client_id") != testClientID || r.PostForm.Get("client_secret") != testSecret {
		w.WriteHeader(http.StatusUnauthorized)
		fmt.Fprint(w, `{"error":"invalid_client","error_description":"Client credentials are invalid","code":38187,"title":"Invalid parameters"}`)
		return
	}
	if len(r.URL.Query()) != 0 {
		f.t.Errorf("token request query = %q, want credentials in the body only", r.URL.RawQuery)
	}
	var body map[string]any
	if err := json.Unmarshal(fixture(f.t, "token.json"), &body); err != nil {
		f.t.Fatal(err)
	}
	tok := fmt.Sprintf("tok-%d", hit)
	body["access_token"] = tok
	f.mu.Lock()
	f.valid[tok] = true
	f.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(body)
}

func (f *fakeAmadeus) search(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	f.searchHits++
	hit := f.searchHits
	f.queries = append(f.queries, r.URL.Query())
	ok := f.valid[strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")]
	f.mu.Unlock()
	w.Header().Set("Content-Type", "application/vnd.amadeus+json")
	if !ok {
		w.WriteHeader(http.StatusUnauthorized)
		w.Write(fixture(f.t, "error_401.json"))
		return
	}
	if f.onSearch != nil {
		f.onSearch(w, r, hit)
		return
	}
	w.Write(fixture(f.t, "offers_syd_bkk.json"))
}

// revokeAll makes every token issued so far invalid.
func (f *fakeAmadeus) revokeAll() {
	f.mu.Lock()
	defer f.mu.Unlock()
	clear(f.valid)
}

func (f *fakeAmadeus) hits() (token, search int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.tokenHits, f.searchHits
}

func (f *fakeAmadeus) seenQueries() []url.Values {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]url.Values(nil), f.queries...)
}

// respond writes a status and a testdata file.
func respond(t *testing.T, w http.ResponseWriter, status int, name string) {
	w.WriteHeader(status)
	w.Write(fixture(t, name))
}

// testClock is a settable clock.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// sleeps records the waits a client asks for and returns at once.
type sleeps struct {
	mu sync.Mutex
	ds []time.Duration
}

func (s *sleeps) Sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	s.ds = append(s.ds, d)
	s.mu.Unlock()
	return ctx.Err()
}

func (s *sleeps) All() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Duration(nil), s.ds...)
}

type harness struct {
	fake   *fakeAmadeus
	client *Client
	clock  *testClock
	sleeps *sleeps
	logs   *bytes.Buffer
}

// t0 is the test clock's start, in a non-UTC zone to prove FetchedAt is UTC.
var t0 = time.Date(2026, 11, 22, 17, 30, 0, 0, time.FixedZone("KST", 9*3600))

// newHarness starts a fake server and a client on it with fast backoff,
// no rate limit, a fixed clock, recorded sleeps and debug logs captured.
func newHarness(t *testing.T, edit func(*Config)) *harness {
	t.Helper()
	h := &harness{fake: newFake(t), clock: &testClock{now: t0}, sleeps: &sleeps{}, logs: &bytes.Buffer{}}
	cfg := Config{
		BaseURL:           h.fake.srv.URL,
		ClientID:          testClientID,
		ClientSecret:      testSecret,
		RequestsPerSecond: -1,
		MaxRetries:        3,
		Timeout:           2 * time.Second,
		BaseBackoff:       time.Millisecond,
		MaxBackoff:        4 * time.Millisecond,
		Logger:            slog.New(slog.NewJSONHandler(h.logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Now:               h.clock.Now,
		Sleep:             h.sleeps.Sleep,
	}
	if edit != nil {
		edit(&cfg)
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	h.client = c
	return h
}

func TestSearchReturnsEnvelope(t *testing.T) {
	h := newHarness(t, nil)
	env, err := h.client.Search(t.Context(), syd)
	if err != nil {
		t.Fatalf("Search: %v", err)
	}
	if h.client.Name() != "amadeus" || env.Provider != "amadeus" {
		t.Errorf("Name() = %q, envelope provider = %q, want amadeus", h.client.Name(), env.Provider)
	}
	if env.Search != syd {
		t.Errorf("envelope search = %+v, want %+v", env.Search, syd)
	}
	if !env.FetchedAt.Equal(t0) || env.FetchedAt.Location() != time.UTC {
		t.Errorf("FetchedAt = %v, want %v in UTC", env.FetchedAt, t0.UTC())
	}
	if env.Status != http.StatusOK {
		t.Errorf("Status = %d, want 200", env.Status)
	}
	if want := fixture(t, "offers_syd_bkk.json"); !bytes.Equal(env.Body, want) {
		t.Errorf("Body differs from the response: got %d bytes, want %d", len(env.Body), len(want))
	}
	var res OffersResponse
	if err := json.Unmarshal(env.Body, &res); err != nil || len(res.Data) != 3 {
		t.Errorf("decoding body: %d offers, err %v; want 3 offers", len(res.Data), err)
	}
	if got, want := h.client.Stats(), (Stats{Requests: 2, TokenFetches: 1}); got != want {
		t.Errorf("Stats() = %+v, want %+v", got, want)
	}
}

func TestSearchQuery(t *testing.T) {
	tests := []struct {
		name string
		in   raw.Search
		want url.Values
	}{
		{
			name: "one way defaults to one adult",
			in:   raw.Search{Origin: "SYD", Destination: "BKK", Departure: "2027-01-05"},
			want: url.Values{
				"originLocationCode":      {"SYD"},
				"destinationLocationCode": {"BKK"},
				"departureDate":           {"2027-01-05"},
				"adults":                  {"1"},
			},
		},
		{
			name: "round trip with every option",
			in: raw.Search{Origin: "ICN", Destination: "NRT", Departure: "2027-01-05", Return: "2027-01-12",
				Adults: 2, Cabin: "PREMIUM_ECONOMY", NonStop: true, Currency: "KRW", Max: 50},
			want: url.Values{
				"originLocationCode":      {"ICN"},
				"destinationLocationCode": {"NRT"},
				"departureDate":           {"2027-01-05"},
				"returnDate":              {"2027-01-12"},
				"adults":                  {"2"},
				"travelClass":             {"PREMIUM_ECONOMY"},
				"nonStop":                 {"true"},
				"currencyCode":            {"KRW"},
				"max":                     {"50"},
			},
		},
		{
			name: "stops allowed sends no nonStop",
			in:   raw.Search{Origin: "JFK", Destination: "LHR", Departure: "2027-03-01", Adults: 1, Cabin: "BUSINESS", NonStop: false},
			want: url.Values{
				"originLocationCode":      {"JFK"},
				"destinationLocationCode": {"LHR"},
				"departureDate":           {"2027-03-01"},
				"adults":                  {"1"},
				"travelClass":             {"BUSINESS"},
			},
		},
		{
			name: "values are escaped, not spliced",
			in:   raw.Search{Origin: "SY D&max=1", Destination: "BKK", Departure: "2027-01-05"},
			want: url.Values{
				"originLocationCode":      {"SY D&max=1"},
				"destinationLocationCode": {"BKK"},
				"departureDate":           {"2027-01-05"},
				"adults":                  {"1"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, nil)
			if _, err := h.client.Search(t.Context(), tt.in); err != nil {
				t.Fatalf("Search: %v", err)
			}
			queries := h.fake.seenQueries()
			if len(queries) != 1 {
				t.Fatalf("server saw %d searches, want 1", len(queries))
			}
			if got := queries[0]; !reflect.DeepEqual(got, tt.want) {
				t.Errorf("query of %+v = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}

func TestSearchRetriesServerErrorThenSucceeds(t *testing.T) {
	h := newHarness(t, nil)
	h.fake.onSearch = func(w http.ResponseWriter, r *http.Request, hit int) {
		if hit == 1 {
			respond(t, w, http.StatusInternalServerError, "error_500.json")
			return
		}
		w.Write(fixture(t, "offers_syd_bkk.json"))
	}
	env, err := h.client.Search(t.Context(), syd)
	if err != nil {
		t.Fatalf("Search: %v", err)
	}
	if env.Status != http.StatusOK {
		t.Errorf("Status = %d, want 200", env.Status)
	}
	if _, search := h.fake.hits(); search != 2 {
		t.Errorf("search attempts = %d, want 2", search)
	}
	if s := h.sleeps.All(); len(s) != 1 || s[0] < 0 || s[0] > time.Millisecond {
		t.Errorf("sleeps = %v, want one backoff in [0, 1ms]", s)
	}
	if got, want := h.client.Stats(), (Stats{Requests: 3, Retries: 1, TokenFetches: 1}); got != want {
		t.Errorf("Stats() = %+v, want %+v", got, want)
	}
}

func TestSearchServerErrorForeverIsRetryable(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.MaxRetries = 3 })
	h.fake.onSearch = func(w http.ResponseWriter, r *http.Request, hit int) {
		respond(t, w, http.StatusInternalServerError, "error_500.json")
	}
	_, err := h.client.Search(t.Context(), syd)
	if !provider.IsRetryable(err) {
		t.Fatalf("Search error = %v, want a retryable error", err)
	}
	if errors.Is(err, provider.ErrBudget) {
		t.Errorf("Search error = %v, must not be a budget error", err)
	}
	if !strings.Contains(err.Error(), "SYSTEM ERROR HAS OCCURRED") {
		t.Errorf("Search error = %q, want the API's error title", err)
	}
	if _, search := h.fake.hits(); search != 4 {
		t.Errorf("search attempts = %d, want MaxRetries+1 = 4", search)
	}
	s := h.sleeps.All()
	if len(s) != 3 {
		t.Fatalf("sleeps = %v, want 3", s)
	}
	for i, d := range s {
		if limit := min(time.Millisecond<<i, 4*time.Millisecond); d < 0 || d > limit {
			t.Errorf("sleep %d = %v, want in [0, %v]", i, d, limit)
		}
	}
}

func TestSearchHonoursRetryAfter(t *testing.T) {
	tests := []struct {
		name       string
		status     int
		retryAfter string
		want       time.Duration
	}{
		{"429 seconds", http.StatusTooManyRequests, "1", time.Second},
		{"429 http date", http.StatusTooManyRequests, t0.Add(3 * time.Second).UTC().Format(http.TimeFormat), 3 * time.Second},
		{"429 capped", http.StatusTooManyRequests, "3600", 60 * time.Second},
		{"503 seconds", http.StatusServiceUnavailable, "2", 2 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, func(c *Config) { c.MaxRetryAfter = 60 * time.Second })
			h.fake.onSearch = func(w http.ResponseWriter, r *http.Request, hit int) {
				if hit == 1 {
					w.Header().Set("Retry-After", tt.retryAfter)
					respond(t, w, tt.status, "error_429.json")
					return
				}
				w.Write(fixture(t, "offers_syd_bkk.json"))
			}
			env, err := h.client.Search(t.Context(), syd)
			if err != nil || env.Status != http.StatusOK {
				t.Fatalf("Search = status %d, err %v; want 200", env.Status, err)
			}
			if s := h.sleeps.All(); len(s) != 1 || s[0] != tt.want {
				t.Errorf("Retry-After %q: sleeps = %v, want [%v]", tt.retryAfter, s, tt.want)
			}
			if _, search := h.fake.hits(); search != 2 {
				t.Errorf("search attempts = %d, want 2", search)
			}
		})
	}
}

func TestSearchCountsThrottled(t *testing.T) {
	h := newHarness(t, nil)
	h.fake.onSearch = func(w http.ResponseWriter, r *http.Request, hit int) {
		if hit <= 2 {
			w.Header().Set("Retry-After", "1")
			respond(t, w, http.StatusTooManyRequests, "error_429.json")
			return
		}
		w.Write(fixture(t, "offers_syd_bkk.json"))
	}
	if _, err := h.client.Search(t.Context(), syd); err != nil {
		t.Fatalf("Search: %v", err)
	}
	if got, want := h.client.Stats(), (Stats{Requests: 4, Retries: 2, TokenFetches: 1, Throttled: 2}); got != want {
		t.Errorf("Stats() = %+v, want %+v", got, want)
	}
}

func TestSearchBadRequestIsEnvelope(t *testing.T) {
	h := newHarness(t, nil)
	h.fake.onSearch = func(w http.ResponseWriter, r *http.Request, hit int) {
		respond(t, w, http.StatusBadRequest, "error_400_invalid_date.json")
	}
	env, err := h.client.Search(t.Context(), syd)
	if err != nil {
		t.Fatalf("Search: %v, want a 400 envelope", err)
	}
	if env.Status != http.StatusBadRequest || !bytes.Equal(env.Body, fixture(t, "error_400_invalid_date.json")) {
		t.Errorf("envelope = status %d body %s, want status 400 with the error body", env.Status, env.Body)
	}
	if _, search := h.fake.hits(); search != 1 {
		t.Errorf("search attempts = %d, want 1 (no retry)", search)
	}
	if s := h.sleeps.All(); len(s) != 0 {
		t.Errorf("sleeps = %v, want none", s)
	}
}

func TestSearchRetriesBrokenBodies(t *testing.T) {
	full := func(t *testing.T) []byte { return fixture(t, "offers_syd_bkk.json") }
	tests := []struct {
		name  string
		first func(t *testing.T, w http.ResponseWriter)
	}{
		{"truncated json", func(t *testing.T, w http.ResponseWriter) {
			b := full(t)
			w.Write(b[:len(b)/2])
		}},
		{"connection cut mid body", func(t *testing.T, w http.ResponseWriter) {
			b := full(t)
			w.Header().Set("Content-Length", fmt.Sprint(len(b)))
			w.Write(b[:len(b)/2])
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, nil)
			h.fake.onSearch = func(w http.ResponseWriter, r *http.Request, hit int) {
				if hit == 1 {
					tt.first(t, w)
					return
				}
				w.Write(full(t))
			}
			env, err := h.client.Search(t.Context(), syd)
			if err != nil {
				t.Fatalf("Search: %v", err)
			}
			if !json.Valid(env.Body) {
				t.Errorf("envelope body is not valid json")
			}
			if _, search := h.fake.hits(); search != 2 {
				t.Errorf("search attempts = %d, want 2", search)
			}
		})
	}
}

func TestSearchRetriesRequestTimeout(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.Timeout = 50 * time.Millisecond })
	h.fake.onSearch = func(w http.ResponseWriter, r *http.Request, hit int) {
		if hit == 1 {
			select {
			case <-r.Context().Done():
			case <-time.After(5 * time.Second):
			}
			return
		}
		w.Write(fixture(t, "offers_syd_bkk.json"))
	}
	start := time.Now()
	if _, err := h.client.Search(t.Context(), syd); err != nil {
		t.Fatalf("Search: %v", err)
	}
	if _, search := h.fake.hits(); search != 2 {
		t.Errorf("search attempts = %d, want 2", search)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("Search took %v, want the 50ms timeout to cut the first attempt", d)
	}
}

func TestSearchBudget(t *testing.T) {
	tests := []struct {
		name       string
		searches   int
		failing    bool
		wantOK     int
		wantSleeps int
	}{
		// token + 2 search attempts; no wait for a third that cannot be sent.
		{name: "retries stop at the budget", searches: 1, failing: true, wantOK: 0, wantSleeps: 1},
		// token + 2 searches succeed, the third search is refused.
		{name: "searches stop at the budget", searches: 3, wantOK: 2, wantSleeps: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, func(c *Config) { c.Budget = 3 })
			if tt.failing {
				h.fake.onSearch = func(w http.ResponseWriter, r *http.Request, hit int) {
					respond(t, w, http.StatusInternalServerError, "error_500.json")
				}
			}
			var ok int
			var err error
			for range tt.searches {
				if _, err = h.client.Search(t.Context(), syd); err != nil {
					break
				}
				ok++
			}
			if !errors.Is(err, provider.ErrBudget) {
				t.Fatalf("Search error = %v, want ErrBudget", err)
			}
			if provider.IsRetryable(err) {
				t.Errorf("Search error = %v, a spent budget must not be retryable", err)
			}
			if ok != tt.wantOK {
				t.Errorf("successful searches = %d, want %d", ok, tt.wantOK)
			}
			token, search := h.fake.hits()
			if token+search != 3 {
				t.Errorf("server saw %d token + %d search requests, want 3 in all", token, search)
			}
			if s := h.sleeps.All(); len(s) != tt.wantSleeps {
				t.Errorf("sleeps = %v, want %d", s, tt.wantSleeps)
			}
			if got := h.client.Stats().Requests; got != 3 {
				t.Errorf("Stats().Requests = %d, want 3", got)
			}
		})
	}
}

func TestSearchCancelStopsWait(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.Sleep = nil }) // the real timer
	h.fake.onSearch = func(w http.ResponseWriter, r *http.Request, hit int) {
		w.Header().Set("Retry-After", "30")
		respond(t, w, http.StatusTooManyRequests, "error_429.json")
	}
	ctx, cancel := context.WithCancel(t.Context())
	time.AfterFunc(50*time.Millisecond, cancel)
	start := time.Now()
	_, err := h.client.Search(ctx, syd)
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("Search returned after %v, want promptly after cancel", d)
	}
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Search error = %v, want context.Canceled", err)
	}
	if _, search := h.fake.hits(); search != 1 {
		t.Errorf("search attempts = %d, want 1", search)
	}
}

func TestSearchCancelStopsRequest(t *testing.T) {
	h := newHarness(t, nil)
	h.fake.onSearch = func(w http.ResponseWriter, r *http.Request, hit int) {
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	}
	ctx, cancel := context.WithCancel(t.Context())
	time.AfterFunc(50*time.Millisecond, cancel)
	start := time.Now()
	_, err := h.client.Search(ctx, syd)
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("Search returned after %v, want promptly after cancel", d)
	}
	if !errors.Is(err, context.Canceled) || provider.IsRetryable(err) {
		t.Errorf("Search error = %v, want context.Canceled, not retryable", err)
	}
	if s := h.sleeps.All(); len(s) != 0 {
		t.Errorf("sleeps = %v, want none after the caller cancelled", s)
	}
}

func TestSearchRateLimit(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.RequestsPerSecond = 50 })
	start := time.Now()
	for range 4 {
		if _, err := h.client.Search(t.Context(), syd); err != nil {
			t.Fatalf("Search: %v", err)
		}
	}
	// 5 requests (1 token, 4 searches) at 50/s with burst 1 need 4 gaps of 20ms.
	if d := time.Since(start); d < 75*time.Millisecond {
		t.Errorf("5 requests at 50/s took %v, want at least 80ms", d)
	}
}

func TestSearchRejectsIncompleteSearch(t *testing.T) {
	h := newHarness(t, nil)
	_, err := h.client.Search(t.Context(), raw.Search{Origin: "SYD", Departure: "2027-01-05"})
	if err == nil || !strings.Contains(err.Error(), "required") {
		t.Errorf("Search without destination = %v, want a required-field error", err)
	}
	if token, search := h.fake.hits(); token+search != 0 {
		t.Errorf("server saw %d requests, want none", token+search)
	}
}

func TestNew(t *testing.T) {
	tests := []struct {
		name    string
		cfg     Config
		wantErr string
	}{
		{"no client id", Config{ClientSecret: testSecret}, "client id is required"},
		{"no client secret", Config{ClientID: testClientID}, "client secret is required"},
		{"relative base url", Config{ClientID: testClientID, ClientSecret: testSecret, BaseURL: "test.api.amadeus.com"}, "base url"},
		{"credentials in base url", Config{ClientID: testClientID, ClientSecret: testSecret, BaseURL: "https://id:" + testSecret + "@test.api.amadeus.com"}, "must not hold credentials"},
		{"negative budget", Config{ClientID: testClientID, ClientSecret: testSecret, Budget: -1}, "budget"},
		{"negative timeout", Config{ClientID: testClientID, ClientSecret: testSecret, Timeout: -time.Second}, "negative"},
		{"defaults", Config{ClientID: testClientID, ClientSecret: testSecret}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := New(tt.cfg)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("New(%s) = %v, want no error", tt.cfg, err)
				}
				got := c.cfg
				if got.BaseURL != "https://test.api.amadeus.com" || got.RequestsPerSecond != 5 || got.MaxRetries != 4 ||
					got.Timeout != 20*time.Second || got.BaseBackoff != 500*time.Millisecond || got.MaxRetryAfter != 60*time.Second {
					t.Errorf("New(%s) defaults = %+v", tt.cfg, got)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("New(%s) error = %v, want it to contain %q", tt.cfg, err, tt.wantErr)
			}
			if err != nil && strings.Contains(err.Error(), testSecret) {
				t.Errorf("New(%s) error %q holds the client secret", tt.cfg, err)
			}
		})
	}
}

func TestConfigRedactsSecret(t *testing.T) {
	cfg := Config{ClientID: testClientID, ClientSecret: testSecret}
	var logs bytes.Buffer
	slog.New(slog.NewJSONHandler(&logs, nil)).Info("config", "amadeus", cfg)
	//lint:ignore S1025 each formatting verb is what is tested
	for _, s := range []string{fmt.Sprint(cfg), fmt.Sprintf("%v", cfg), fmt.Sprintf("%s", cfg), logs.String()} {
		if strings.Contains(s, testSecret) {
			t.Errorf("config rendered as %q holds the client secret", s)
		}
		if !strings.Contains(s, testClientID) {
			t.Errorf("config rendered as %q lacks the client id", s)
		}
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 11, 22, 8, 0, 0, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Duration
	}{
		{"", 0},
		{"1", time.Second},
		{" 120 ", 2 * time.Minute},
		{"0", 0},
		{"-5", 0},
		{"soon", 0},
		{now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second},
		{now.Add(-time.Minute).Format(http.TimeFormat), 0},
		{"99999999999", 24 * time.Hour},
	}
	for _, tt := range tests {
		if got := parseRetryAfter(tt.in, now); got != tt.want {
			t.Errorf("parseRetryAfter(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}
