package main

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/farepipe/farepipe/internal/step"
)

// clock is the time of the runs below.
var clock = time.Date(2026, 11, 21, 7, 0, 0, 0, time.UTC)

func fixedClock() time.Time { return clock }

// envelope returns a raw line of the Flight Offers Search example answer
// (one observation) fetched at at.
func envelope(t *testing.T, at string) string {
	t.Helper()
	body, err := os.ReadFile("../../internal/transform/testdata/syd-bkk.json")
	if err != nil {
		t.Fatal(err)
	}
	var compact bytes.Buffer
	if err := json.Compact(&compact, body); err != nil {
		t.Fatal(err)
	}
	return `{"provider":"amadeus","request":{"origin":"SYD","destination":"BKK","departure_date":"2021-11-01","adults":1},` +
		`"fetched_at":"` + at + `","status":200,"body":` + compact.String() + "}\n"
}

// readLines returns the lines of a gzip NDJSON file.
func readLines(t *testing.T, p string) []string {
	t.Helper()
	f, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
}

func readOutput(t *testing.T, dir, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestPoisonedRecordQuarantined checks that a record fetched far in the
// future is quarantined with a reason naming its instant and the bound,
// that the good records of the same object still become observations, and
// that --max-clock-skew moves the bound.
func TestPoisonedRecordQuarantined(t *testing.T) {
	const key = "raw/source=amadeus/date=2026-11-21/a.ndjson"
	dir := t.TempDir()
	writeObject(t, dir, key, envelope(t, "2026-11-21T06:00:00Z")+
		envelope(t, "9999-12-31T23:59:59Z")+
		envelope(t, "2026-11-21T07:30:00Z")+ // 30 minutes ahead of the clock
		envelope(t, "2026-11-21T06:30:00+09:00"))
	cases := []struct {
		name       string
		args       []string
		env        string // FAREPIPE_MAX_CLOCK_SKEW
		wantObs    string
		wantReason map[string][]string // by the record's fetched_at
	}{
		{"default skew", nil, "", "2", map[string][]string{
			"9999-12-31T23:59:59Z": {`fetched_at "9999-12-31T23:59:59Z"`, "after 2026-11-21T07:10:00Z", "clock 2026-11-21T07:00:00Z plus 10m0s"},
			"2026-11-21T07:30:00Z": {`fetched_at "2026-11-21T07:30:00Z"`, "after 2026-11-21T07:10:00Z"},
		}},
		{"skew of an hour", []string{"--max-clock-skew", "1h"}, "", "3", map[string][]string{
			"9999-12-31T23:59:59Z": {"after 2026-11-21T08:00:00Z", "plus 1h0m0s"},
		}},
		{"skew from the environment", nil, "45m", "3", map[string][]string{
			"9999-12-31T23:59:59Z": {"after 2026-11-21T07:45:00Z"},
		}},
		{"floor after the first record", []string{"--min-observed-at", "2026-11-21T05:00:00Z"}, "", "1", map[string][]string{
			"9999-12-31T23:59:59Z":      {"after"},
			"2026-11-21T07:30:00Z":      {"after"},
			"2026-11-21T06:30:00+09:00": {`fetched_at "2026-11-20T21:30:00Z"`, "before 2026-11-21T05:00:00Z"},
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("FAREPIPE_MAX_CLOCK_SKEW", tc.env)
			out := t.TempDir()
			args := append([]string{"--in", "file://" + dir + "/" + key, "--output-dir", out, "--log-level", "error"}, tc.args...)
			r := runAt(t, fixedClock, "", args...)
			if r.err != nil {
				t.Fatalf("transform %s: %v", strings.Join(args, " "), r.err)
			}
			if got := readOutput(t, out, "observations"); got != tc.wantObs {
				t.Errorf("observations = %s, want %s", got, tc.wantObs)
			}
			if got := fmt.Sprint(len(readLines(t, filepath.Join(dir, "curated/source=amadeus/date=2026-11-21/a.ndjson")))); got != tc.wantObs {
				t.Errorf("curated object holds %s observations, want %s", got, tc.wantObs)
			}
			got := map[string]string{}
			for _, line := range readLines(t, filepath.Join(dir, "quarantine/source=amadeus/date=2026-11-21/a.ndjson")) {
				var rj struct {
					Reason string `json:"reason"`
					Record struct {
						FetchedAt string `json:"fetched_at"`
					} `json:"record"`
				}
				if err := json.Unmarshal([]byte(line), &rj); err != nil {
					t.Fatalf("quarantine line %s: %v", line, err)
				}
				got[rj.Record.FetchedAt] = rj.Reason
			}
			if len(got) != len(tc.wantReason) {
				t.Errorf("quarantined %d records (%v), want %d", len(got), got, len(tc.wantReason))
			}
			for at, wants := range tc.wantReason {
				for _, w := range wants {
					if !strings.Contains(got[at], w) {
						t.Errorf("record fetched at %s quarantined with %q, want it to mention %q", at, got[at], w)
					}
				}
			}
		})
	}
}

func TestTimeBoundsFlagsCheckedFirst(t *testing.T) {
	cases := [][]string{
		{"--max-clock-skew", "0"},
		{"--max-clock-skew", "-5m"},
		{"--max-clock-skew", "ten minutes"},
		{"--min-observed-at", "2000-01-01"},
		{"--min-observed-at", "2026-11-21T07:00:00Z"}, // the clock itself: everything would be quarantined
	}
	for _, flags := range cases {
		args := append(append([]string{"--in", "s3://farepipe/raw/x.ndjson.gz", "--log-level", "error"}, noS3...), flags...)
		r := runAt(t, fixedClock, "", args...)
		if code := step.ExitCode(r.err); code != step.ExitUsage || !strings.Contains(errText(r.err), flags[0]) {
			t.Errorf("transform %s: exit %d (%v), want exit 2 naming %s", strings.Join(flags, " "), code, r.err, flags[0])
		}
	}
}

// TestEmptyObject checks that a 0-byte object ends successfully with a
// warning naming it and counts as empty in the output parameters, alone
// and among other objects.
func TestEmptyObject(t *testing.T) {
	const key = "raw/source=amadeus/date=2026-11-21/empty.ndjson.gz"
	dir := t.TempDir()
	writeObject(t, dir, key, "")
	writeObject(t, dir, "raw/source=amadeus/date=2026-11-21/full.ndjson", envelope(t, "2026-11-21T06:00:00Z"))

	for _, args := range [][]string{
		{"--in", "file://" + dir + "/" + key},
		{"--prefix", "file://" + dir + "/raw/"},
	} {
		out := t.TempDir()
		r := runAt(t, fixedClock, "", append(args, "--output-dir", out)...)
		if r.err != nil {
			t.Fatalf("transform %s: %v\n%s", args[0], r.err, r.log)
		}
		if got := readOutput(t, out, "empty"); got != "1" {
			t.Errorf("transform %s: output empty = %q, want 1", args[0], got)
		}
		var warned bool
		for _, line := range strings.Split(strings.TrimSpace(r.log), "\n") {
			var rec map[string]any
			if err := json.Unmarshal([]byte(line), &rec); err != nil {
				t.Fatalf("log line %q: %v", line, err)
			}
			if rec["level"] == "WARN" && strings.HasSuffix(rec["in"].(string), key) && rec["size"] == 0.0 {
				warned = strings.Contains(rec["msg"].(string), "empty object")
			}
		}
		if !warned {
			t.Errorf("transform %s: no warning about the empty object in the log:\n%s", args[0], r.log)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "curated/source=amadeus/date=2026-11-21/empty.ndjson.gz")); err != nil {
		t.Errorf("no curated object for the empty object: %v", err)
	}
}
