package integration

import (
	"errors"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func runBin(t *testing.T, name string, args ...string) (int, string) {
	t.Helper()
	out, err := exec.Command(filepath.Join(bin, name), args...).CombinedOutput()
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		return exit.ExitCode(), string(out)
	case err != nil:
		t.Fatalf("running %s: %v", name, err)
	}
	return 0, string(out)
}

// TestEveryBinaryAnswersVersionAndHelp checks the contract every binary
// keeps with its users.
func TestEveryBinaryAnswersVersionAndHelp(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"fetch", "land", "transform", "index", "farepipe"} {
		if code, out := runBin(t, name, "--version"); code != 0 || !strings.Contains(out, name+" version ") {
			t.Errorf("%s --version: exit %d, %q", name, code, out)
		}
		if code, out := runBin(t, name, "--help"); code != 0 || !strings.Contains(out, "USAGE:") {
			t.Errorf("%s --help: exit %d, %q", name, code, out)
		}
	}
}

// TestUsageErrorsExitWith2 checks that bad invocations exit 2, before any
// I/O, with a message naming what was wrong.
func TestUsageErrorsExitWith2(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"fetch", []string{"--routes", "ICN-N1T", "--out", "file:///tmp/x"}, "N1T"},
		{"fetch", []string{"--out", "file:///tmp/x"}, "--routes"},
		{"fetch", []string{"--routes", "ICN-NRT", "--provider", "nope"}, "--provider"},
		{"fetch", []string{"--routes", "ICN-NRT", "--observed-at", "yesterday"}, "--observed-at"},
		{"fetch", []string{"--routes", "ICN-NRT", "--provider", "amadeus"}, "FAREPIPE_AMADEUS_CLIENT_ID"},
		{"fetch", []string{"--no-such-flag"}, "no-such-flag"},
		{"land", []string{"--in", "/does/not/exist", "--to", "file:///tmp/x"}, "--in"},
		{"land", []string{"--in", "-"}, "to"},
		{"transform", []string{"--in", "ftp://x/y"}, "unsupported scheme"},
		{"index", []string{"--in", "file:///x", "--index-prefix", "Bad Prefix"}, "--index-prefix"},
		{"index", []string{"--in", "file:///x", "--es-url", "localhost:9200"}, "--es-url"},
		{"transform", []string{"--in", "file:///x", "--log-level", "loud"}, "--log-level"},
		{"farepipe", []string{"calendar", "--origin", "ICN", "--destination", "NRT", "--from", "2027-02-01", "--to", "2027-01-01"}, "before from"},
	}
	for _, tt := range tests {
		code, out := runBin(t, tt.name, tt.args...)
		if code != 2 || !strings.Contains(out, tt.want) {
			t.Errorf("%s %s: exit %d, want 2 with %q in:\n%s", tt.name, strings.Join(tt.args, " "), code, tt.want, out)
		}
	}
}
