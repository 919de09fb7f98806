package step

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

func TestExitCode(t *testing.T) {
	plain := errors.New("connection reset")
	tests := []struct {
		name string
		err  error
		want int
	}{
		{"nil", nil, ExitOK},
		{"unmarked", plain, ExitRetryable},
		{"usage", Usage(plain), ExitUsage},
		{"usagef", Usagef("--x %q: bad", "y"), ExitUsage},
		{"data", Data(plain), ExitData},
		{"retryable", Retryable(plain), ExitRetryable},
		{"wrapped data", fmt.Errorf("transforming: %w", Data(plain)), ExitData},
	}
	for _, tt := range tests {
		if got := ExitCode(tt.err); got != tt.want {
			t.Errorf("%s: ExitCode(%v) = %d, want %d", tt.name, tt.err, got, tt.want)
		}
	}
	if Usage(nil) != nil || Data(nil) != nil {
		t.Error("marking a nil error made it non-nil")
	}
	if !errors.Is(Data(plain), plain) {
		t.Error("a marked error no longer wraps its cause")
	}
}

func TestOutputs(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	o := Outputs{Dir: dir}
	if err := o.SetAll(map[string]string{"curated": "s3://b/k", "empty": ""}); err != nil {
		t.Fatal(err)
	}
	if err := o.SetInt("observations", 42); err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]string{"curated": "s3://b/k", "empty": "", "observations": "42"} {
		got, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil || string(got) != want {
			t.Errorf("output %s = %q (%v), want %q", name, got, err, want)
		}
	}
	if err := (Outputs{}).Set("x", "y"); err != nil {
		t.Errorf("Set without a directory = %v, want nil", err)
	}
}
