package main

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/farepipe/farepipe/internal/step"
)

// lake lays out raw objects below a temporary directory and returns it.
func lake(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for key, src := range files {
		body, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		writeObject(t, dir, key, string(body))
	}
	return dir
}

// writeObject writes body as the object key below dir.
func writeObject(t *testing.T, dir, key, body string) {
	t.Helper()
	p := filepath.Join(dir, filepath.FromSlash(key))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
}

const (
	goodBatch = "../../internal/land/testdata/batch.ndjson.gz"
	badBatch  = "../../internal/land/testdata/notjson.ndjson"
)

func TestPrefixListsDatePartitions(t *testing.T) {
	dir := lake(t, map[string]string{
		"raw/source=synthetic/date=2026-11-20/a.ndjson.gz": goodBatch,
		"raw/source=synthetic/date=2026-11-21/b.ndjson.gz": goodBatch,
		"raw/source=synthetic/date=2026-11-21/notes.txt":   goodBatch,
		"raw/source=synthetic/date=2026-11-22/c.ndjson":    goodBatch,
		"raw/source=synthetic/date=2026-11-23/d.ndjson.gz": goodBatch,
		"raw/source=synthetic/undated/e.ndjson.gz":         goodBatch,
	})
	cases := []struct {
		from, to string
		want     []string
	}{
		{"", "", []string{"date=2026-11-20/a.ndjson.gz", "date=2026-11-21/b.ndjson.gz", "date=2026-11-22/c.ndjson",
			"date=2026-11-23/d.ndjson.gz", "undated/e.ndjson.gz"}},
		{"2026-11-21", "2026-11-22", []string{"date=2026-11-21/b.ndjson.gz", "date=2026-11-22/c.ndjson"}},
		{"2026-11-22", "", []string{"date=2026-11-22/c.ndjson", "date=2026-11-23/d.ndjson.gz"}},
		{"", "2026-11-20", []string{"date=2026-11-20/a.ndjson.gz"}},
		{"2026-12-01", "", nil},
	}
	for _, tc := range cases {
		args := []string{"--prefix", "file://" + dir + "/raw/", "--list", "--log-level", "error"}
		if tc.from != "" {
			args = append(args, "--from", tc.from)
		}
		if tc.to != "" {
			args = append(args, "--to", tc.to)
		}
		code, out := runApp(t, "", args...)
		if code != 0 {
			t.Fatalf("transform %s: exit %d\n%s", strings.Join(args, " "), code, out)
		}
		var got []string
		for _, line := range strings.Fields(out) {
			got = append(got, strings.TrimPrefix(line, "file://"+dir+"/raw/source=synthetic/"))
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("transform --prefix --from %q --to %q listed %q, want %q", tc.from, tc.to, got, tc.want)
		}
	}
}

// TestPrefixTransformsEveryObject checks that without --list every object
// is transformed into its own curated object, that one bad object does not
// stop the others, and that the exit code then says data error.
func TestPrefixTransformsEveryObject(t *testing.T) {
	dir := lake(t, map[string]string{
		"raw/source=synthetic/date=2026-11-21/a.ndjson.gz": goodBatch,
		"raw/source=synthetic/date=2026-11-21/b.ndjson":    badBatch,
		"raw/source=synthetic/date=2026-11-22/c.ndjson.gz": goodBatch,
	})
	outDir := t.TempDir()
	code, out := runApp(t, "", "--prefix", "file://"+dir+"/raw/", "--output-dir", outDir, "--log-level", "error")
	if code != step.ExitData {
		t.Errorf("transform --prefix with one unreadable object: exit %d, want %d\n%s", code, step.ExitData, out)
	}
	for _, key := range []string{
		"curated/source=synthetic/date=2026-11-21/a.ndjson.gz",
		"curated/source=synthetic/date=2026-11-22/c.ndjson.gz",
		"quarantine/source=synthetic/date=2026-11-21/b.ndjson",
	} {
		if _, err := os.Stat(filepath.Join(dir, key)); err != nil {
			t.Errorf("transform --prefix: %s not written: %v", key, err)
		}
	}
	curated, err := os.ReadFile(filepath.Join(outDir, "curated"))
	if err != nil {
		t.Fatal(err)
	}
	if n := len(strings.Split(string(curated), "\n")); n != 3 {
		t.Errorf("curated output lists %d objects, want 3:\n%s", n, curated)
	}
	lines, err := os.ReadFile(filepath.Join(outDir, "lines"))
	if err != nil || string(lines) != "8" {
		t.Errorf("lines output = %q (%v), want 8, the lines of all three objects", lines, err)
	}
}
