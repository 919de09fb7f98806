package objstore

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/farepipe/farepipe/internal/testenv"
)

const testTimeout = 200 * time.Millisecond

// timedS3 returns an S3 store on endpoint with dummy credentials, one attempt
// per request and a short timeout.
func timedS3(t *testing.T, endpoint string) *S3 {
	t.Helper()
	t.Setenv("AWS_ACCESS_KEY_ID", "test-key")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "test-secret")
	s, err := NewS3(t.Context(), S3Config{Endpoint: endpoint, Region: "us-east-1", PathStyle: true,
		Bucket: "lake", MaxAttempts: 1, Timeout: testTimeout, PartSize: 5 << 20})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// within runs op and fails the test unless it returns a retryable error
// within a few timeouts. The context ends the operation after a minute in
// any case, so a store without timeouts fails the test instead of hanging.
func within(t *testing.T, name string, op func(ctx context.Context) error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	start := time.Now()
	err := op(ctx)
	took := time.Since(start)
	if limit := 10 * testTimeout; took > limit {
		t.Errorf("%s against a frozen store took %v, want at most %v (timeout %v)", name, took, limit, testTimeout)
	}
	if err == nil || !IsRetryable(err) {
		t.Errorf("%s against a frozen store = %v, want a retryable error", name, err)
	}
}

// TestS3FrozenStoreTimesOut checks that every kind of request gives up on a
// store that takes connections and never answers.
func TestS3FrozenStoreTimesOut(t *testing.T) {
	s := timedS3(t, testenv.Frozen(t))
	big := bytes.Repeat([]byte("x"), 11<<20) // multipart, and more than the socket buffers hold
	within(t, "Stat", func(ctx context.Context) error { _, err := s.Stat(ctx, "k"); return err })
	within(t, "Get", func(ctx context.Context) error {
		rc, _, err := s.Get(ctx, "k")
		if err == nil {
			rc.Close()
		}
		return err
	})
	within(t, "Put", func(ctx context.Context) error { return s.Put(ctx, "k", strings.NewReader("x"), 1, nil) })
	within(t, "multipart Put", func(ctx context.Context) error {
		return s.Put(ctx, "k", onlyReader{bytes.NewReader(big)}, int64(len(big)), nil)
	})
	within(t, "List", func(ctx context.Context) error {
		for _, err := range s.List(ctx, "") {
			return err
		}
		return nil
	})
}

// TestS3GetReadsSlowBodyToTheEnd checks that the timeout bounds silence, not
// the transfer: a body that takes several timeouts to arrive but never
// pauses for one is read whole, and one that stops is cut within the timeout.
func TestS3GetReadsSlowBodyToTheEnd(t *testing.T) {
	const chunks = 12 // one every timeout/4: 3 timeouts in all
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", strconv.Itoa(chunks))
		w.WriteHeader(http.StatusOK)
		for i := range chunks {
			if r.URL.Path == "/lake/stalls" && i == chunks/2 {
				<-r.Context().Done() // the client gave up
				return
			}
			w.Write([]byte("x"))
			w.(http.Flusher).Flush()
			time.Sleep(testTimeout / 4)
		}
	}))
	defer srv.Close()
	s := timedS3(t, srv.URL)

	rc, _, err := s.Get(t.Context(), "slow")
	if err != nil {
		t.Fatalf("Get = %v", err)
	}
	start := time.Now()
	b, err := io.ReadAll(rc)
	rc.Close()
	if err != nil || len(b) != chunks {
		t.Errorf("reading a body that keeps coming for %v = %d bytes, %v; want %d bytes (timeout %v)",
			time.Since(start), len(b), err, chunks, testTimeout)
	}

	rc, _, err = s.Get(t.Context(), "stalls")
	if err != nil {
		t.Fatalf("Get = %v", err)
	}
	defer rc.Close()
	start = time.Now()
	_, err = io.ReadAll(rc)
	if took := time.Since(start); err == nil || took > 3*chunks*testTimeout/4 {
		t.Errorf("reading a body that stops = %v after %v, want an error within the timeout %v", err, took, testTimeout)
	}
	if err != nil && !IsRetryable(err) && !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("reading a body that stops = %v, want a retryable error", err)
	}
}
