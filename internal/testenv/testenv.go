package testenv

import (
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"strings"
	"testing"
)

// Environment variables read by this package, as printed by
// `hack/services.sh env`.
const (
	EnvS3Endpoint = "FAREPIPE_S3_ENDPOINT"
	EnvBucket     = "FAREPIPE_BUCKET"
	EnvESURL      = "FAREPIPE_ES_URL"
	EnvAccessKey  = "AWS_ACCESS_KEY_ID"
	EnvSecretKey  = "AWS_SECRET_ACCESS_KEY"
	EnvRegion     = "AWS_REGION"
)

const howToStart = `this test needs the real backing services: run "make test", ` +
	`or start them with: eval "$(hack/services.sh up)"`

// S3Env is where an integration test finds the S3 service.
type S3Env struct {
	// Endpoint is the service's base URL, such as http://127.0.0.1:19000.
	// Clients must use path-style addressing with it.
	Endpoint string
	// Bucket exists already; tests share it, so each keeps to its own key
	// prefix (see Unique).
	Bucket string
	// AccessKey and SecretKey are static credentials for the service.
	AccessKey string
	SecretKey string
	// Region is the signing region, us-east-1 for MinIO.
	Region string
}

// S3 returns the S3 service of the test environment. It fails the test if
// the environment does not name one.
func S3(t testing.TB) S3Env {
	t.Helper()
	v := lookup(t, EnvS3Endpoint, EnvBucket, EnvAccessKey, EnvSecretKey, EnvRegion)
	checkURL(t, EnvS3Endpoint, v[0])
	return S3Env{Endpoint: v[0], Bucket: v[1], AccessKey: v[2], SecretKey: v[3], Region: v[4]}
}

// ES returns the base URL of the test environment's Elasticsearch node, such
// as http://127.0.0.1:19200. It fails the test if the environment does not
// name one.
func ES(t testing.TB) string {
	t.Helper()
	u := lookup(t, EnvESURL)[0]
	checkURL(t, EnvESURL, u)
	return u
}

// Unique returns a name that no other test or test run uses: prefix, the end
// of the test's name and a random suffix, in lower-case letters, digits and
// hyphens, such as "fares-testindexbulk-retries-1f0c9a3e7b2d". It suits
// Elasticsearch index names and S3 key prefixes, and is at most 74 bytes long.
func Unique(t testing.TB, prefix string) string {
	t.Helper()
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatalf("testenv: reading random bytes: %v", err)
	}
	parts := []string{sanitize(prefix, 20, false), sanitize(t.Name(), 40, true), hex.EncodeToString(b[:])}
	var kept []string
	for _, p := range parts {
		if p != "" {
			kept = append(kept, p)
		}
	}
	return strings.Join(kept, "-")
}

// lookup returns the values of the named variables, failing the test once
// with every missing name if any is unset. Under -short (make unit, which
// promises no services) a test that needs the services is skipped instead.
func lookup(t testing.TB, names ...string) []string {
	t.Helper()
	if testing.Short() {
		t.Skip("testenv: needs the real services; run without -short (make test)")
	}
	vals := make([]string, len(names))
	var missing []string
	for i, n := range names {
		vals[i] = os.Getenv(n)
		if vals[i] == "" {
			missing = append(missing, n)
		}
	}
	if len(missing) > 0 {
		t.Fatalf("testenv: %s not set; %s", strings.Join(missing, ", "), howToStart)
	}
	return vals
}

func checkURL(t testing.TB, name, raw string) {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		t.Fatalf("testenv: %s=%q is not an http(s) URL; %s", name, raw, howToStart)
	}
}

// sanitize lower-cases s, turns every run of other characters than a-z and
// 0-9 into one hyphen and keeps at most limit bytes, the first ones or, with
// tail, the last ones (where subtest names are), without hyphens at either end.
func sanitize(s string, limit int, tail bool) string {
	var b strings.Builder
	hyphen := false
	for _, r := range strings.ToLower(s) {
		if ('a' <= r && r <= 'z') || ('0' <= r && r <= '9') {
			b.WriteRune(r)
			hyphen = false
		} else if !hyphen && b.Len() > 0 {
			b.WriteByte('-')
			hyphen = true
		}
	}
	out := b.String()
	if len(out) > limit {
		if tail {
			out = out[len(out)-limit:]
		} else {
			out = out[:limit]
		}
	}
	return strings.Trim(out, "-")
}
