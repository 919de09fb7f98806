package amadeus

import (
	"net/http"
	"strings"
	"testing"
)

func TestRedact(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		known []string // nil: the test client's token, secret and id
		want  string
	}{
		{name: "plain title kept", in: "SYSTEM ERROR HAS OCCURRED", want: "SYSTEM ERROR HAS OCCURRED"},
		{name: "detail with a date kept", in: "Date/Time is in the past: 2021-11-01T00:00:00", want: "Date/Time is in the past: 2021-11-01T00:00:00"},
		{name: "long word without digits kept", in: "internationalization of test.api.amadeus.com", want: "internationalization of test.api.amadeus.com"},
		{name: "known access token", in: "token tok-1 expired", want: "token [redacted] expired"},
		{name: "known secret and id", in: "client " + testClientID + " secret " + testSecret, want: "client [redacted] secret [redacted]"},
		{name: "empty known values skipped", in: "INVALID DATE", known: []string{"", ""}, want: "INVALID DATE"},
		{name: "bearer header echoed", in: "got Authorization: Bearer zz9, refused", want: "got Authorization: Bearer [redacted], refused"},
		{name: "basic header echoed", in: "basic dXNlcjpwYXNz", want: "basic [redacted]"},
		{name: "form field", in: "body client_secret=hunter2&grant_type=client_credentials", want: "body client_secret=[redacted]&grant_type=client_credentials"},
		{name: "json field", in: `{"access_token": "abc", "expires_in": 1799}`, want: `{"access_token": "[redacted]", "expires_in": 1799}`},
		{name: "api key field", in: "apikey: q1w2e3", want: "apikey: [redacted]"},
		{name: "opaque token alone", in: "session AnHhL8b5Gr3pC2e8DJGlGxAvWzW6 unknown", want: "session [redacted] unknown"},
		{name: "jwt alone", in: "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl is bad", want: "[redacted] is bad"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			known := tt.known
			if known == nil {
				known = []string{"tok-1", testSecret, testClientID}
			}
			if got := redact(tt.in, known...); got != tt.want {
				t.Errorf("redact(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// TestSearchErrorHidesCredentials runs a provider that echoes the request's
// bearer token and the client secret in its error title and detail; they
// must reach neither the search error nor the logs of its retries.
func TestSearchErrorHidesCredentials(t *testing.T) {
	tests := []struct {
		name   string
		status int
	}{
		{"500 retried", http.StatusInternalServerError},
		{"429 retried", http.StatusTooManyRequests},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, nil)
			h.fake.onSearch = func(w http.ResponseWriter, r *http.Request, hit int) {
				auth := r.Header.Get("Authorization")
				tok := strings.TrimPrefix(auth, "Bearer ")
				w.WriteHeader(tt.status)
				w.Write([]byte(`{"errors":[{"status":` + itoa(tt.status) + `,"code":141,` +
					`"title":"SYSTEM ERROR for ` + auth + ` token ` + tok + ` secret ` + testSecret + `",` +
					`"detail":"` + tok + `"}]}`))
			}
			_, err := h.client.Search(t.Context(), syd)
			if err == nil {
				t.Fatal("Search succeeded, want an error")
			}
			logs := h.logs.String()
			if !strings.Contains(logs, "retrying") {
				t.Fatalf("logs hold no retry record, the test proves nothing:\n%s", logs)
			}
			for _, s := range []string{"tok-1", testSecret} {
				if strings.Contains(err.Error(), s) {
					t.Errorf("Search error = %q holds %q", err, s)
				}
				if strings.Contains(logs, s) {
					t.Errorf("logs hold %q:\n%s", s, logs)
				}
			}
			if !strings.Contains(err.Error(), "SYSTEM ERROR for Bearer [redacted]") {
				t.Errorf("Search error = %q, want the title with the credentials redacted", err)
			}
		})
	}
}

// TestObservationsRedactProviderError checks the error of a failed
// response as transform reports it: the provider's title and detail are
// kept, the credentials in them are not.
func TestConvertRedactsProviderError(t *testing.T) {
	const jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl"
	body := `{"errors":[{"status":401,"code":38191,"title":"Invalid access token Bearer ` + jwt + `",` +
		`"detail":"client_secret=hunter2 refused"}]}`
	rec, err := Decode(envelopeLine(t, 401, []byte(body)))
	if err != nil {
		t.Fatalf("Decode: %v", err)
	}
	_, err = rec.Convert()
	if err == nil {
		t.Fatal("Convert of a 401 answer succeeded, want an error")
	}
	msg := err.Error()
	for _, s := range []string{jwt, "hunter2"} {
		if strings.Contains(msg, s) {
			t.Errorf("Convert error = %q holds %q", msg, s)
		}
	}
	if want := "provider answered HTTP 401: 38191 Invalid access token Bearer [redacted] client_secret=[redacted] refused"; msg != want {
		t.Errorf("Convert error = %q, want %q", msg, want)
	}
}
