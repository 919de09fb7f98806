package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/farepipe/farepipe/internal/step"
)

// noS3 is an S3 endpoint nothing listens on: a run that reaches S3 fails
// with exit code 1, so exit codes 2 and 3 prove it stopped before any I/O.
var noS3 = []string{"--s3-endpoint", "http://127.0.0.1:1"}

// TestRefusesOutputAreas checks that objects under curated/, quarantine/
// and dead-letter/ are refused with exit code 3 and an error naming the
// key and why, whether --in or an event names them, and that nothing is
// written for them.
func TestRefusesOutputAreas(t *testing.T) {
	for _, area := range []string{"curated", "quarantine", "dead-letter"} {
		key := area + "/source=synthetic/date=2026-11-22/a.ndjson.gz"
		dir := lake(t, map[string]string{key: goodBatch})
		r := runAt(t, time.Now, "", "--in", "file://"+dir+"/"+key, "--log-level", "error")
		if code := step.ExitCode(r.err); code != step.ExitData || !strings.Contains(errText(r.err), key) ||
			!strings.Contains(errText(r.err), "lies under "+area+"/") {
			t.Errorf("transform --in .../%s: exit %d, error %v; want exit 3 naming the key and %s/", key, code, r.err, area)
		}
		entries, _ := os.ReadDir(dir)
		if len(entries) != 1 {
			t.Errorf("transform --in .../%s wrote %d top-level entries, want only %s/", key, len(entries), area)
		}

		event := `{"Records":[{"eventName":"ObjectCreated:Put","s3":{"bucket":{"name":"farepipe"},"object":{"key":"` + key + `"}}}]}`
		r = runAt(t, time.Now, "", append([]string{"--event", event, "--list", "--log-level", "error"}, noS3...)...)
		if code := step.ExitCode(r.err); code != step.ExitData || !strings.Contains(errText(r.err), "s3://farepipe/"+key) || r.out != "" {
			t.Errorf("transform --event naming %s: exit %d, printed %q, error %v; want exit 3 naming the object and nothing listed",
				key, code, r.out, r.err)
		}
	}
}

// TestPrefixLeavesOutputsOut checks that a prefix listing the whole store
// selects the raw batches only, not the outputs beside them, and that a
// prefix inside an output area is refused.
func TestPrefixLeavesOutputsOut(t *testing.T) {
	dir := lake(t, map[string]string{
		"raw/source=synthetic/date=2026-11-22/a.ndjson.gz":         goodBatch,
		"curated/source=synthetic/date=2026-11-22/a.ndjson.gz":     goodBatch,
		"quarantine/source=synthetic/date=2026-11-22/a.ndjson.gz":  goodBatch,
		"dead-letter/source=synthetic/date=2026-11-22/a.ndjson.gz": goodBatch,
	})
	r := runAt(t, time.Now, "", "--prefix", "file://"+dir+"/", "--list", "--log-level", "error")
	if want := "file://" + dir + "/raw/source=synthetic/date=2026-11-22/a.ndjson.gz\n"; r.err != nil || r.out != want {
		t.Errorf("transform --prefix over raw and outputs: %v, listed %q, want only %q", r.err, r.out, want)
	}
	r = runAt(t, time.Now, "", "--prefix", "file://"+dir+"/curated/", "--list", "--log-level", "error")
	if code := step.ExitCode(r.err); code != step.ExitData {
		t.Errorf("transform --prefix .../curated/: exit %d (%v), want 3", code, r.err)
	}
}

func TestAllowedBuckets(t *testing.T) {
	dir := lake(t, map[string]string{"raw/source=synthetic/date=2026-11-22/a.ndjson.gz": goodBatch})
	cases := []struct {
		name string
		env  string // FAREPIPE_ALLOWED_BUCKETS
		args []string
		want int
		says string // part of the error
	}{
		{"event of another bucket", "",
			[]string{"--event", filepath.Join(eventDir, "multi_record.json"), "--allowed-buckets", "my-fares"},
			step.ExitData, `bucket "other-fares" is not among the allowed buckets (my-fares)`},
		{"event of another bucket, from the environment", "my-fares",
			[]string{"--event", filepath.Join(eventDir, "multi_record.json")},
			step.ExitData, "s3://other-fares/raw/source=synthetic/date=2026-11-21/bbbbbbbbbbbbbbbb.ndjson.gz"},
		{"event of allowed buckets", "",
			[]string{"--event", filepath.Join(eventDir, "multi_record.json"), "--allowed-buckets", "my-fares, other-fares"},
			step.ExitOK, ""},
		{"event, any bucket", "",
			[]string{"--event", filepath.Join(eventDir, "multi_record.json")}, step.ExitOK, ""},
		{"in of another bucket", "",
			[]string{"--in", "s3://other-fares/raw/x.ndjson.gz", "--allowed-buckets", "farepipe"},
			step.ExitData, `bucket "other-fares" is not among the allowed buckets (farepipe)`},
		{"prefix of another bucket", "",
			[]string{"--prefix", "s3://other-fares/raw/", "--allowed-buckets", "farepipe"},
			step.ExitData, `bucket "other-fares"`},
		{"a local file is in no bucket", "",
			[]string{"--prefix", "file://" + dir + "/raw/", "--allowed-buckets", "farepipe"}, step.ExitOK, ""},
		{"bad bucket name", "", []string{"--in", "s3://farepipe/raw/x", "--allowed-buckets", "farepipe,Fares_2"},
			step.ExitUsage, `"Fares_2"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("FAREPIPE_ALLOWED_BUCKETS", tc.env)
			args := append(append(tc.args, "--list", "--log-level", "error"), noS3...)
			if strings.HasPrefix(tc.args[0], "--in") {
				args = append(tc.args, append([]string{"--log-level", "error"}, noS3...)...)
			}
			r := runAt(t, time.Now, "", args...)
			if code := step.ExitCode(r.err); code != tc.want || !strings.Contains(errText(r.err), tc.says) {
				t.Errorf("transform %s: exit %d, error %v; want exit %d and an error saying %q",
					strings.Join(args, " "), code, r.err, tc.want, tc.says)
			}
			if tc.want == step.ExitData && r.out != "" {
				t.Errorf("transform %s printed %q, want nothing", strings.Join(args, " "), r.out)
			}
		})
	}
}

// errText returns the text of err, empty for nil.
func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
