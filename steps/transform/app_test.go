package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/farepipe/farepipe/internal/step"
)

const eventDir = "../../internal/s3event/testdata"

// runApp runs transform with args and stdin and returns its exit code and
// standard output.
func runApp(t *testing.T, stdin string, args ...string) (int, string) {
	t.Helper()
	r := runAt(t, time.Now, stdin, args...)
	return step.ExitCode(r.err), r.out
}

// result is what one run of transform did.
type result struct {
	err error
	out string // standard output
	log string // standard error: the JSON log
}

// runAt runs transform with now as its clock.
func runAt(t *testing.T, now func() time.Time, stdin string, args ...string) result {
	t.Helper()
	a := newApp(now)
	var out, log bytes.Buffer
	a.Writer = &out
	a.ErrWriter = &log
	a.Reader = strings.NewReader(stdin)
	err := a.RunContext(context.Background(), append([]string{"transform"}, args...))
	return result{err: err, out: out.String(), log: log.String()}
}

func TestEventList(t *testing.T) {
	outDir := t.TempDir()
	code, out := runApp(t, "", "--event", filepath.Join(eventDir, "multi_record.json"), "--list",
		"--output-dir", outDir, "--log-level", "error")
	if code != 0 {
		t.Fatalf("transform --event multi_record.json --list: exit %d\n%s", code, out)
	}
	wantOut := "s3://my-fares/raw/source=synthetic/date=2026-11-21/aaaaaaaaaaaaaaaa.ndjson.gz\n" +
		"s3://other-fares/raw/source=synthetic/date=2026-11-21/bbbbbbbbbbbbbbbb.ndjson.gz\n"
	if out != wantOut {
		t.Errorf("transform --event multi_record.json --list printed %q, want %q", out, wantOut)
	}
	got, err := os.ReadFile(filepath.Join(outDir, "objects"))
	if err != nil {
		t.Fatal(err)
	}
	want := `[{"bucket":"my-fares","key":"raw/source=synthetic/date=2026-11-21/aaaaaaaaaaaaaaaa.ndjson.gz"},` +
		`{"bucket":"other-fares","key":"raw/source=synthetic/date=2026-11-21/bbbbbbbbbbbbbbbb.ndjson.gz"}]`
	if string(got) != want {
		t.Errorf("objects output = %s, want %s", got, want)
	}
}

func TestEventSources(t *testing.T) {
	body, err := os.ReadFile(filepath.Join(eventDir, "argo_webhook.json"))
	if err != nil {
		t.Fatal(err)
	}
	want := "s3://farepipe/tenant a/raw/source=amadeus/date=2026-11-21/88b56090a5b030f7.ndjson.gz\n"
	cases := []struct {
		name, stdin, event string
	}{
		{"stdin", string(body), "-"},
		{"inline json", "", string(body)},
		{"env-style value with leading space", "", " " + string(body)},
	}
	for _, tc := range cases {
		code, out := runApp(t, tc.stdin, "--event", tc.event, "--list", "--log-level", "error")
		if code != 0 || out != want {
			t.Errorf("%s: exit %d, printed %q, want exit 0 and %q", tc.name, code, out, want)
		}
	}
}

// TestEventNothingToDo checks that a notification creating nothing ends
// the step successfully without touching any store, even without --list.
func TestEventNothingToDo(t *testing.T) {
	for _, file := range []string{"s3_test_event.json", "argo_sqs_test_event.json"} {
		outDir := t.TempDir()
		code, out := runApp(t, "", "--event", filepath.Join(eventDir, file), "--output-dir", outDir,
			"--s3-endpoint", "http://127.0.0.1:1", "--log-level", "error")
		if code != 0 || out != "" {
			t.Errorf("transform --event %s: exit %d, printed %q, want exit 0 and nothing", file, code, out)
		}
		for name, want := range map[string]string{"objects": "[]", "curated": "", "observations": "0"} {
			got, err := os.ReadFile(filepath.Join(outDir, name))
			if err != nil || string(got) != want {
				t.Errorf("transform --event %s: output %s = %q (%v), want %q", file, name, got, err, want)
			}
		}
	}
}

func TestEventExitCodes(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "bad.json")
	if err := os.WriteFile(bad, []byte(`{"kind":"Workflow"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	good := filepath.Join(eventDir, "minio_webhook.json")
	cases := []struct {
		name string
		args []string
		want int
	}{
		{"unrecognised notification", []string{"--event", bad}, step.ExitData},
		{"not json", []string{"--event", "{not json"}, step.ExitData},
		{"missing file", []string{"--event", filepath.Join(t.TempDir(), "nope.json")}, step.ExitUsage},
		{"in and event", []string{"--in", "file:///x", "--event", good}, step.ExitUsage},
		{"event and prefix", []string{"--prefix", "file:///x/", "--event", good}, step.ExitUsage},
		{"from without prefix", []string{"--event", good, "--from", "2026-11-21"}, step.ExitUsage},
		{"bad from", []string{"--prefix", "file:///x/", "--from", "21.11.2026"}, step.ExitUsage},
		{"to before from", []string{"--prefix", "file:///x/", "--from", "2026-11-21", "--to", "2026-11-20"}, step.ExitUsage},
		{"bad prefix", []string{"--prefix", "ftp://x/"}, step.ExitUsage},
		{"neither", nil, step.ExitUsage},
		{"list without event", []string{"--in", "file:///x", "--list"}, step.ExitUsage},
		{"curated with event", []string{"--event", good, "--curated", "s3://b/c"}, step.ExitUsage},
	}
	for _, tc := range cases {
		args := append(tc.args, "--log-level", "error")
		if code, out := runApp(t, "", args...); code != tc.want {
			t.Errorf("%s: transform %s: exit %d, want %d\n%s", tc.name, strings.Join(args, " "), code, tc.want, out)
		}
	}
}
