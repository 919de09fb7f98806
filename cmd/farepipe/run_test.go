package main

import (
	"bytes"
	"io"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"

	"github.com/elastic/go-elasticsearch/v8"
	"github.com/urfave/cli/v2"

	"github.com/farepipe/farepipe/internal/ndjson"
	"github.com/farepipe/farepipe/internal/objstore"
	"github.com/farepipe/farepipe/internal/step"
	"github.com/farepipe/farepipe/internal/step/steptest"
	"github.com/farepipe/farepipe/internal/testenv"
	"github.com/farepipe/farepipe/internal/transform"
)

// The rows of README's exit-code table the cases show.
const (
	rowDone       = "done"
	rowUsage      = "bad flags or plan"
	rowESDown     = "Elasticsearch down"
	rowAllInvalid = "no search answered, none failed, every one rejected as invalid"
)

// searches are the flags of two synthetic searches observed in the past.
var searches = []string{"--routes", "ICN-NRT", "--from", "2027-01-05", "--days", "2",
	"--observed-at", "2026-11-21T06:00:00Z"}

// runArgs returns the arguments of farepipe run with searches, then args.
func runArgs(args ...string) []string {
	return append(append([]string{"run"}, searches...), args...)
}

// TestRunExitCodes runs the whole pipeline into a directory and the real
// Elasticsearch node, or tries to, and checks that farepipe run exits as
// the step binaries do.
func TestRunExitCodes(t *testing.T) {
	es := steptest.ES(t)
	newApp := func() *cli.App { return testApp(io.Discard) }
	steptest.StepExitCodes(t, "farepipe run", newApp, []steptest.Case{
		{Name: "done", Args: runArgs(append([]string{"--dir", t.TempDir()}, es...)...), Want: step.ExitOK, Row: rowDone},
		{Name: "no searches", Args: []string{"run", "--dir", t.TempDir()}, Want: step.ExitUsage, Row: rowUsage},
		{Name: "unknown provider", Args: runArgs("--dir", t.TempDir(), "--provider", "kayak"), Want: step.ExitUsage, Row: rowUsage},
		{Name: "elasticsearch down", Args: runArgs("--dir", t.TempDir(), "--es-url", testenv.Refused(t)),
			Want: step.ExitRetryable, Row: rowESDown},
		// The synthetic market has no exchange rate for the Icelandic króna.
		{Name: "every search invalid", Args: runArgs(append([]string{"--dir", t.TempDir(), "--currency", "ISK"}, es...)...),
			Want: step.ExitData, Row: rowAllInvalid},
	})
}

// TestRunStoresDeadLetters indexes curated objects as farepipe run does,
// with records Elasticsearch can never take among them, and checks that
// they are stored where the index step stores them, one line each, and
// that the run ends as the index step's would.
func TestRunStoresDeadLetters(t *testing.T) {
	flags := steptest.ES(t)
	url, prefix := flags[1], flags[3] // --es-url URL --index-prefix PREFIX
	es, err := elasticsearch.NewClient(elasticsearch.Config{Addresses: []string{url}})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if code, out := runApp(t, runArgs("--dir", dir, "--es-url", url, "--index-prefix", prefix, "--log-level", "error")...); code != 0 {
		t.Fatalf("farepipe run: exit %d\n%s", code, out)
	}
	good := firstLine(t, dir)
	store := objstore.NewDir(dir)
	const bad = "not json"
	const future = `{"observed_at":"2999-01-01T00:00:00Z"}`

	tests := []struct {
		name  string
		lines []string
		want  int // exit code
	}{
		{"some rejected", []string{good, bad, future}, step.ExitOK},
		{"every one rejected", []string{bad, future}, step.ExitData},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			key := "curated/source=synthetic/date=2026-11-21/" + strings.ReplaceAll(tc.name, " ", "-") + ".ndjson.gz"
			put(t, store, key, tc.lines)
			var out bytes.Buffer
			err := indexObject(t.Context(), &out, nil, es, prefix, store, key)
			if code := step.ExitCode(err); code != tc.want {
				t.Fatalf("indexing %s: exit %d (%v), want %d\n%s", key, code, err, tc.want, out.String())
			}
			dlKey := transform.OutputKey(key, transform.AreaCurated, transform.AreaDeadLetter)
			if dlKey != "dead-letter/source=synthetic/date=2026-11-21/"+strings.ReplaceAll(tc.name, " ", "-")+".ndjson.gz" {
				t.Fatalf("dead-letter key of %s = %s", key, dlKey)
			}
			got := readLines(t, store, dlKey)
			if len(got) != 2 || !strings.Contains(got[0], `"line":`) || !strings.Contains(got[1], "2999-01-01") {
				t.Errorf("dead letters of %s: %q, want the two rejected lines with their line numbers", key, got)
			}
			if !strings.Contains(out.String(), "dead letters: "+store.URI(dlKey)) {
				t.Errorf("indexing %s printed\n%s\nwant it to name %s", key, out.String(), store.URI(dlKey))
			}
		})
	}
}

// firstLine returns the first observation of the curated object farepipe
// run wrote under dir.
func firstLine(t *testing.T, dir string) string {
	t.Helper()
	var keys []string
	filepath.WalkDir(filepath.Join(dir, "curated"), func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(path, ".ndjson.gz") {
			rel, _ := filepath.Rel(dir, path)
			keys = append(keys, filepath.ToSlash(rel))
		}
		return nil
	})
	if len(keys) != 1 {
		t.Fatalf("curated objects under %s: %q, want one", dir, keys)
	}
	lines := readLines(t, objstore.NewDir(dir), keys[0])
	if len(lines) == 0 {
		t.Fatalf("%s has no observation", keys[0])
	}
	return lines[0]
}

// put writes lines as a gzip NDJSON object.
func put(t *testing.T, st objstore.Store, key string, lines []string) {
	t.Helper()
	var buf bytes.Buffer
	w := ndjson.NewWriter(&buf)
	for _, l := range lines {
		if err := w.WriteLine([]byte(l)); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := st.Put(t.Context(), key, &buf, int64(buf.Len()), nil); err != nil {
		t.Fatal(err)
	}
}

// readLines reads the lines of a gzip NDJSON object.
func readLines(t *testing.T, st objstore.Store, key string) []string {
	t.Helper()
	body, _, err := st.Get(t.Context(), key)
	if err != nil {
		t.Fatalf("reading %s: %v", st.URI(key), err)
	}
	defer body.Close()
	r, err := ndjson.NewReader(body)
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for {
		line, _, err := r.Next()
		if err == io.EOF {
			return lines
		}
		if err != nil {
			t.Fatalf("reading %s: %v", st.URI(key), err)
		}
		lines = append(lines, string(line))
	}
}
