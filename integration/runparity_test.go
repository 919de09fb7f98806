package integration

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/elastic/go-elasticsearch/v8/esapi"

	"github.com/farepipe/farepipe/internal/esindex"
)

// farepipe run and the four step binaries, given the same searches, write
// the same raw, curated, quarantine and dead-letter objects byte for byte,
// and end with the same exit code. The searches include departures in the
// past (the provider answers 400: quarantined) and the node cannot take
// the observations (a change-log index whose mapping refuses them: dead
// letters, every record rejected, exit 3).
func TestRunWritesWhatTheStepsWrite(t *testing.T) {
	e := newEnv(t)
	observedAt := time.Date(2026, 11, 21, 6, 0, 0, 0, time.UTC)
	search := []string{"--routes", "ICN-NRT", "--from", "2026-11-20", "--days", "3",
		"--observed-at", observedAt.Format(time.RFC3339)}
	dir := t.TempDir()
	store := "file://" + dir

	e.breakChangeLog(observedAt)
	batch := "file://" + filepath.Join(t.TempDir(), "batch.ndjson.gz")
	e.must("fetch", append(search, "--out", batch)...)
	landed := e.must("land", "--in", batch, "--to", store).outputs["uris"]
	tr := e.must("transform", "--in", strings.TrimSpace(landed))
	if tr.outputs["quarantine"] == "" {
		t.Fatalf("transform quarantined nothing; the searches were to include departures in the past: %v", tr.outputs)
	}
	ix := e.run("index", "--in", tr.outputs["curated"])
	steps := files(t, dir)

	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	if err := esindex.DeletePrefix(context.Background(), e.es, e.prefix); err != nil {
		t.Fatal(err)
	}
	e.breakChangeLog(observedAt)
	run := e.run("farepipe", append([]string{"run", "--dir", dir}, search...)...)
	ran := files(t, dir)

	if ix.code != 3 || run.code != ix.code {
		t.Errorf("index exit %d, farepipe run exit %d; want both 3 (every record rejected)\nindex: %s\nrun: %s",
			ix.code, run.code, ix.stderr, run.stderr)
	}
	var areas []string
	for name := range steps {
		areas = append(areas, strings.SplitN(name, "/", 2)[0])
	}
	slices.Sort(areas)
	if want := []string{"curated", "dead-letter", "quarantine", "raw"}; !slices.Equal(slices.Compact(areas), want) {
		t.Errorf("the steps wrote %v, want an object in each of %v", keys(steps), want)
	}
	for name, b := range steps {
		if got, ok := ran[name]; !ok {
			t.Errorf("farepipe run wrote no %s", name)
		} else if !bytes.Equal(got, b) {
			t.Errorf("farepipe run wrote %s of %d bytes unlike the steps' %d bytes", name, len(got), len(b))
		}
	}
	for name := range ran {
		if _, ok := steps[name]; !ok {
			t.Errorf("farepipe run wrote %s, the steps did not", name)
		}
	}
}

// breakChangeLog creates the change-log index of the month of at with
// non_stop mapped as a date, which no observation's boolean fits.
func (e *env) breakChangeLog(at time.Time) {
	e.t.Helper()
	name := esindex.ObservationsIndex(e.prefix, at)
	res, err := esapi.IndicesCreateRequest{Index: name,
		Body: strings.NewReader(`{"mappings":{"properties":{"non_stop":{"type":"date"}}}}`)}.Do(context.Background(), e.es)
	if err != nil {
		e.t.Fatal(err)
	}
	res.Body.Close()
	if res.IsError() {
		e.t.Fatalf("creating %s: %s", name, res.String())
	}
}

// files returns the content of every file under dir by its slash path.
func files(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(dir, path)
		out[filepath.ToSlash(rel)] = b
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func keys(m map[string][]byte) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}
