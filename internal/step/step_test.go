package step

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/farepipe/farepipe/internal/esindex"
	"github.com/farepipe/farepipe/internal/fault"
	"github.com/farepipe/farepipe/internal/land"
	"github.com/farepipe/farepipe/internal/objstore"
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
		{"data", fault.New(fault.Data, plain), ExitData},
		{"retryable", fault.New(fault.Retryable, plain), ExitRetryable},
		{"wrapped data", fmt.Errorf("transforming: %w", fault.New(fault.Data, plain)), ExitData},
		{"timeout", fmt.Errorf("getting s3://b/k: %w", os.ErrDeadlineExceeded), ExitRetryable},
		{"cancelled", context.Canceled, ExitRetryable},
		{"s3 access", fmt.Errorf("putting s3://b/k: %w", objstore.ErrAccess), ExitUsage},
		{"permission", fmt.Errorf("opening %s: %w", "/x", fs.ErrPermission), ExitUsage},
		{"s3 rejected", fmt.Errorf("putting s3://b/k: %w", objstore.ErrRejected), ExitData},
		{"missing object", fmt.Errorf("getting s3://b/k: %w", objstore.ErrNotExist), ExitData},
		{"invalid batch", fmt.Errorf("landing: %w", land.ErrInvalid), ExitData},
		{"conflict", fmt.Errorf("landing: %w", land.ErrConflict), ExitData},
		{"es 503", fmt.Errorf("bulk: %w", &esindex.StatusError{Status: 503}), ExitRetryable},
		{"es 429", &esindex.StatusError{Status: 429}, ExitRetryable},
		{"es 400", fmt.Errorf("putting template: %w", &esindex.StatusError{Status: 400}), ExitData},
		{"mark wins", fault.New(fault.Retryable, fmt.Errorf("x: %w", objstore.ErrRejected)), ExitRetryable},
		{"config before data", errors.Join(objstore.ErrNotExist, objstore.ErrAccess), ExitUsage},
		{"joined: retryable wins", errors.Join(fault.New(fault.Data, plain), plain), ExitRetryable},
		{"joined: retryable wins, wrapped", fmt.Errorf("2 objects: %w", errors.Join(plain, Usage(plain))), ExitRetryable},
		{"joined: usage before data", errors.Join(fault.New(fault.Data, plain), Usage(plain), land.ErrEmpty), ExitUsage},
		{"joined: all data", errors.Join(fault.New(fault.Data, plain), objstore.ErrNotExist), ExitData},
		{"joined under a class", fault.New(fault.Data, errors.Join(plain, fault.New(fault.Retryable, plain))), ExitData},
	}
	for _, tt := range tests {
		if got := ExitCode(tt.err); got != tt.want {
			t.Errorf("%s: ExitCode(%v) = %d, want %d", tt.name, tt.err, got, tt.want)
		}
	}
	if Usage(nil) != nil || fault.New(fault.Data, nil) != nil {
		t.Error("marking a nil error made it non-nil")
	}
	if !errors.Is(fault.New(fault.Data, plain), plain) {
		t.Error("a marked error no longer wraps its cause")
	}
}

// TestExitCodeOfJoinedErrors checks, on generated joins of errors of
// every class, that the exit code of a run that tried several things does
// not depend on their order and is retryable when any part is, else usage
// when any is, else data.
func TestExitCodeOfJoinedErrors(t *testing.T) {
	leaves := []error{
		errors.New("connection reset"), fault.New(fault.Retryable, errors.New("429")),
		Usage(errors.New("--x")), objstore.ErrAccess,
		fault.New(fault.Data, errors.New("bad line")), objstore.ErrNotExist, land.ErrInvalid,
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		parts := make([]error, 1+rng.IntN(5))
		want := ExitOK
		for i := range parts {
			parts[i] = leaves[rng.IntN(len(leaves))]
			if rng.IntN(2) == 0 {
				parts[i] = fmt.Errorf("object %d: %w", i, parts[i])
			}
			switch c := ExitCode(parts[i]); {
			case want == ExitRetryable:
			case c == ExitRetryable, want == ExitOK, c == ExitUsage:
				want = c
			}
		}
		got := ExitCode(fmt.Errorf("run: %w", errors.Join(parts...)))
		rng.Shuffle(len(parts), func(i, j int) { parts[i], parts[j] = parts[j], parts[i] })
		if shuffled := ExitCode(errors.Join(parts...)); got != want || shuffled != want {
			t.Fatalf("ExitCode(join of %v) = %d, shuffled %d; want %d", parts, got, shuffled, want)
		}
	}
}

func TestOutputs(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	o := Outputs{Dir: dir}
	if err := o.SetAll(map[string]string{"curated": "s3://b/k", "empty": ""}); err != nil {
		t.Fatal(err)
	}
	if err := o.Set("observations", "42"); err != nil {
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
