package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/farepipe/farepipe/internal/step"
)

// TestBringYourOwnCrawler runs transform over objects of outside
// producers under incoming/: fare rows need --mapping, an object of no
// known format exits 3 with one quarantine entry, and a mapping that does
// not load is a usage error.
func TestBringYourOwnCrawler(t *testing.T) {
	dir := lake(t, map[string]string{
		"incoming/faresnap/fares.csv":                          "../../examples/data/faresnap.csv",
		"incoming/acme/2026-11-21T06:00:00Z/answer.json":       "../../examples/data/amadeus-answer.json",
		"incoming/flightbot/2026-11-21T06:00:00Z/fares.ndjson": "../../examples/data/flightbot.ndjson",
		"incoming/acme/notes.json":                             "../../examples/mappings/faresnap.yaml",
	})
	mappings := "../../examples/mappings"
	tests := []struct {
		name    string
		key     string
		args    []string
		code    int
		curated string // key of the curated object
		obs     string // observations output
	}{
		{"csv rows", "incoming/faresnap/fares.csv", []string{"--mapping", mappings}, 0, "curated/incoming/faresnap/fares.csv.ndjson.gz", "5"},
		{"ndjson rows", "incoming/flightbot/2026-11-21T06:00:00Z/fares.ndjson", []string{"--mapping", mappings}, 0, "curated/incoming/flightbot/2026-11-21T06:00:00Z/fares.ndjson", "5"},
		{"answer", "incoming/acme/2026-11-21T06:00:00Z/answer.json", nil, 0, "curated/incoming/acme/2026-11-21T06:00:00Z/answer.json.ndjson.gz", "2"},
		{"csv rows without mapping", "incoming/faresnap/fares.csv", nil, step.ExitData, "curated/incoming/faresnap/fares.csv.ndjson.gz", "0"},
		{"not a format", "incoming/acme/notes.json", []string{"--mapping", mappings}, step.ExitData, "curated/incoming/acme/notes.json.ndjson.gz", "0"},
		{"mapping missing", "incoming/faresnap/fares.csv", []string{"--mapping", "nope.yaml"}, step.ExitUsage, "", ""},
		{"bad observed-at", "incoming/faresnap/fares.csv", []string{"--observed-at", "yesterday"}, step.ExitUsage, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := t.TempDir()
			args := append([]string{"--in", "file://" + dir + "/" + tt.key, "--output-dir", out, "--log-level", "error"}, tt.args...)
			code, stdout := runApp(t, "", args...)
			if code != tt.code {
				t.Fatalf("transform %s: exit %d, want %d\n%s", strings.Join(args, " "), code, tt.code, stdout)
			}
			if tt.curated == "" {
				return
			}
			if _, err := os.Stat(filepath.Join(dir, filepath.FromSlash(tt.curated))); err != nil {
				t.Errorf("curated object %s: %v", tt.curated, err)
			}
			if obs, _ := os.ReadFile(filepath.Join(out, "observations")); string(obs) != tt.obs {
				t.Errorf("observations output %q, want %q", obs, tt.obs)
			}
			if tt.code == step.ExitData {
				if rej, _ := os.ReadFile(filepath.Join(out, "rejected")); string(rej) != "1" {
					t.Errorf("rejected output %q, want 1: one quarantine entry for the whole object", rej)
				}
			}
		})
	}
}

// TestPrefixListsIncomingObjects checks that --prefix selects other
// producers' objects by their names (.json, .ndjson, .csv, each also .gz)
// and leaves out the rest and farepipe's outputs.
func TestPrefixListsIncomingObjects(t *testing.T) {
	dir := t.TempDir()
	for _, key := range []string{
		"incoming/acme/a.json", "incoming/acme/b.json.gz", "incoming/acme/c.ndjson", "incoming/acme/d.ndjson.gz",
		"incoming/faresnap/e.csv", "incoming/faresnap/f.csv.gz", "incoming/faresnap/notes.txt", "incoming/faresnap/g.csv.zip",
		"incoming/curated/h.json",
	} {
		writeObject(t, dir, key, "x")
	}
	code, out := runApp(t, "", "--prefix", "file://"+dir+"/incoming/", "--list", "--log-level", "error")
	if code != 0 {
		t.Fatalf("transform --prefix --list: exit %d\n%s", code, out)
	}
	var got []string
	for _, line := range strings.Fields(out) {
		got = append(got, strings.TrimPrefix(line, "file://"+dir+"/incoming/"))
	}
	want := []string{"acme/a.json", "acme/b.json.gz", "acme/c.ndjson", "acme/d.ndjson.gz", "faresnap/e.csv", "faresnap/f.csv.gz"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("transform --prefix incoming/ listed %q, want %q", got, want)
	}
}

// TestPrefixDatesIncomingObjectsByTheirKey checks that --from and --to
// select objects without a date partition by the instant their key names,
// as the nightly sweep of incoming/ needs.
func TestPrefixDatesIncomingObjectsByTheirKey(t *testing.T) {
	dir := t.TempDir()
	for _, key := range []string{
		"incoming/acme/2026-11-20T23:00:00Z/a.json", "incoming/acme/2026-11-21T06:00:00Z/b.json",
		"incoming/acme/2026-11-22T15:00:00+09:00/c.json", "incoming/acme/20261122T010000Z.csv", "incoming/acme/undated.json",
	} {
		writeObject(t, dir, key, "x")
	}
	code, out := runApp(t, "", "--prefix", "file://"+dir+"/incoming/", "--from", "2026-11-21", "--to", "2026-11-21", "--list", "--log-level", "error")
	if code != 0 {
		t.Fatalf("transform --prefix --from --to: exit %d\n%s", code, out)
	}
	var got []string
	for _, line := range strings.Fields(out) {
		got = append(got, strings.TrimPrefix(line, "file://"+dir+"/incoming/acme/"))
	}
	// 2026-11-22T15:00:00+09:00 is 06:00 UTC on the 22nd.
	if want := "2026-11-21T06:00:00Z/b.json"; strings.Join(got, " ") != want {
		t.Errorf("listed %q, want %q", got, want)
	}
}
