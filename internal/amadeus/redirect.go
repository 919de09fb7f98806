package amadeus

import (
	"fmt"
	"net/http"
	"strings"
)

// maxRedirects is how many redirects within its origin a search follows,
// as many as net/http's default policy.
const maxRedirects = 10

// withRedirects returns a copy of hc that decides redirects with check,
// leaving hc, which the caller may share, as it is.
func withRedirects(hc *http.Client, check func(*http.Request, []*http.Request) error) *http.Client {
	c := *hc
	c.CheckRedirect = check
	return &c
}

// followNone is the redirect policy of the token request. Its body holds
// the client secret, and a 307 or 308 would send that body again to
// whatever the Location names, so no redirect is followed, not even one to
// the same host. The 3xx answer comes back as it is; fetchToken turns it
// into an error.
func followNone(*http.Request, []*http.Request) error {
	return http.ErrUseLastResponse
}

// followSameOrigin is the redirect policy of searches, which carry the
// bearer token: a redirect is followed only to the scheme, host and port
// of the first request. net/http drops the Authorization header only for
// another domain, so a subdomain or a downgrade to http would still get
// the token. A refused redirect comes back as its 3xx answer.
func followSameOrigin(req *http.Request, via []*http.Request) error {
	first := via[0].URL
	if req.URL.Scheme != first.Scheme || !strings.EqualFold(req.URL.Host, first.Host) {
		return http.ErrUseLastResponse
	}
	if len(via) >= maxRedirects {
		return fmt.Errorf("stopped after %d redirects", maxRedirects)
	}
	return nil
}

// redirectOrigin is the scheme and host a 3xx answer points to, "" when
// it names none. The rest of the Location (path, query) is left out: a
// server may have put anything there.
func redirectOrigin(resp *http.Response) string {
	u, err := resp.Location()
	if err != nil {
		return ""
	}
	return u.Scheme + "://" + u.Host
}

// redirectError describes a 3xx answer that was not followed, naming
// where it pointed redacted of known (see redact).
func redirectError(res *response, known ...string) error {
	if res.location == "" {
		return fmt.Errorf("status %d: redirect without a location not followed", res.status)
	}
	return fmt.Errorf("status %d: redirect to %s not followed: credentials go to the configured origin only", res.status, redact(res.location, known...))
}

// isRedirect reports whether status asks for a redirect.
func isRedirect(status int) bool { return status >= 300 && status < 400 }
