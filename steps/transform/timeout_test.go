package main

import (
	"testing"
	"time"

	"github.com/farepipe/farepipe/internal/step"
	"github.com/farepipe/farepipe/internal/testenv"
)

// TestFrozenStore checks that transform gives up on an S3 endpoint that
// takes connections and never answers within its timeout, with exit code 1.
func TestFrozenStore(t *testing.T) {
	t.Setenv("AWS_ACCESS_KEY_ID", "test-key")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "test-secret")
	// From the environment, as in a pod; a step that knows no timeout hangs.
	t.Setenv("FAREPIPE_S3_TIMEOUT", "200ms")
	t.Setenv("FAREPIPE_S3_MAX_ATTEMPTS", "1")
	args := []string{"--in", "s3://lake/raw/source=synthetic/date=2026-11-21/0000000000000000.ndjson.gz",
		"--s3-endpoint", testenv.Frozen(t), "--log-level", "error"}
	done := make(chan result, 1)
	start := time.Now()
	go func() { done <- runAt(t, time.Now, "", args...) }()
	select {
	case r := <-done:
		took := time.Since(start)
		if code := step.ExitCode(r.err); code != step.ExitRetryable || took > 5*time.Second {
			t.Errorf("transform against a frozen store: exit %d after %v (%v), want exit 1 within a few timeouts of 200ms",
				code, took, r.err)
		}
	case <-time.After(time.Minute):
		t.Fatal("transform against a frozen store still runs after a minute")
	}
}
