package ui

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/farepipe/farepipe/internal/api"
	"github.com/farepipe/farepipe/internal/fare"
	"github.com/farepipe/farepipe/internal/fetch"
	"github.com/farepipe/farepipe/internal/ndjson"
	"github.com/farepipe/farepipe/internal/plan"
	"github.com/farepipe/farepipe/internal/query"
	"github.com/farepipe/farepipe/internal/query/querytest"
	"github.com/farepipe/farepipe/internal/synthetic"
	"github.com/farepipe/farepipe/internal/transform"
)

// collect runs the pipeline's fetch and transform steps in process, as
// farepipe run does: the synthetic provider answers every search of p as
// of the instant at (RFC 3339), and the curated observations come back.
func collect(t *testing.T, p plan.Plan, at string) []fare.Observation {
	t.Helper()
	ctx := context.Background()
	when, err := time.Parse(time.RFC3339, at)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Validate(); err != nil {
		t.Fatalf("plan: %v", err)
	}
	var batch, curated, quarantine bytes.Buffer
	fs, err := fetch.Run(ctx, fetch.Config{Provider: synthetic.New(synthetic.Config{Seed: 1, ObservedAt: when}),
		Searches: p.Searches(), Writer: &batch})
	if err != nil {
		t.Fatalf("fetch: %v", err)
	}
	if fs.Fetched != fs.Planned {
		t.Fatalf("fetch answered %d of %d searches: %+v", fs.Fetched, fs.Planned, fs)
	}
	ts, err := transform.StreamEnvelopes(ctx, &batch, &curated, &quarantine, transform.Options{})
	if err != nil {
		t.Fatalf("transform: %v", err)
	}
	if ts.Rejected() > 0 {
		t.Fatalf("transform rejected %d records: %s", ts.Rejected(), ts)
	}
	r, err := ndjson.NewReader(&curated)
	if err != nil {
		t.Fatal(err)
	}
	var obs []fare.Observation
	for {
		line, _, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("reading curated observations: %v", err)
		}
		var o fare.Observation
		if err := json.Unmarshal(line, &o); err != nil {
			t.Fatalf("decoding a curated observation: %v", err)
		}
		obs = append(obs, o)
	}
	if len(obs) != ts.Observations {
		t.Fatalf("read %d curated observations, transform wrote %d", len(obs), ts.Observations)
	}
	return obs
}

// serveUI serves the API of env's indices with the page mounted, on a
// loopback port, until the test ends.
func serveUI(t *testing.T, env *querytest.Env) *httptest.Server {
	t.Helper()
	h, err := api.New(api.Options{Backend: &query.Client{ES: env.ES, Prefix: env.Prefix}, UI: Handler()})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

// getJSON decodes the JSON answer of a GET of url into out and returns
// the status code.
func getJSON(t *testing.T, url string, out any) int {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if err := json.NewDecoder(res.Body).Decode(out); err != nil {
		t.Fatalf("GET %s: decoding: %v", url, err)
	}
	return res.StatusCode
}

// artifacts returns the directory the browser test saves screenshots in:
// $FAREPIPE_ARTIFACTS/ui when set, otherwise a new temporary directory
// that outlives the test, so the pictures can be looked at afterwards.
func artifacts(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("FAREPIPE_ARTIFACTS")
	var err error
	if dir != "" {
		dir = filepath.Join(dir, "ui")
		err = os.MkdirAll(dir, 0o755)
	} else {
		dir, err = os.MkdirTemp("", "farepipe-ui-")
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshots in %s", dir)
	return dir
}

// grouped is how the page writes an amount: integer digits grouped by
// thousands with commas.
func grouped(total string) string {
	whole, frac, hasFrac := strings.Cut(total, ".")
	var b strings.Builder
	for i, r := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if hasFrac {
		b.WriteString("." + frac)
	}
	return b.String()
}
