package objstore

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/farepipe/farepipe/internal/testenv"
)

func TestIsRetryableClassifiesPlainErrors(t *testing.T) {
	cases := []struct {
		name string
		err  error
		want bool
	}{
		{"nil", nil, false},
		{"cancelled", fmt.Errorf("putting x: %w", context.Canceled), false},
		{"deadline", fmt.Errorf("putting x: %w", context.DeadlineExceeded), true},
		{"cut stream", fmt.Errorf("reading x: %w", io.ErrUnexpectedEOF), true},
		{"not exist", fmt.Errorf("statting x: %w", ErrNotExist), false},
		{"rejected key", checkKey(""), false},
		{"anything else", errors.New("bad key"), false},
	}
	for _, tc := range cases {
		if got := IsRetryable(tc.err); got != tc.want {
			t.Errorf("%s: IsRetryable(%v) = %v, want %v", tc.name, tc.err, got, tc.want)
		}
	}
}

// TestIsRetryableClassifiesS3Answers sends real requests through the SDK to
// a loopback server that answers with S3 error documents, since a healthy
// MinIO does not throttle or fail on demand.
func TestIsRetryableClassifiesS3Answers(t *testing.T) {
	cases := []struct {
		name      string
		status    int
		code      string
		retryable bool
		class     error // ErrNotExist, ErrAccess, ErrRejected or nil
	}{
		{"throttled", 503, "SlowDown", true, nil},
		{"internal error", 500, "InternalError", true, nil},
		{"bad gateway without code", 502, "", true, nil},
		{"too many requests", 429, "TooManyRequests", true, nil},
		{"request timeout", 400, "RequestTimeout", true, nil},
		{"access denied", 403, "AccessDenied", false, ErrAccess},
		{"bad signature", 403, "SignatureDoesNotMatch", false, ErrAccess},
		{"unknown access key", 403, "InvalidAccessKeyId", false, ErrAccess},
		{"forbidden without code", 403, "", false, ErrAccess},
		{"no such bucket", 404, "NoSuchBucket", false, ErrAccess},
		{"no such key", 404, "NoSuchKey", false, ErrNotExist},
		{"invalid argument", 400, "InvalidArgument", false, ErrRejected},
		{"key too long", 400, "KeyTooLongError", false, ErrRejected},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				io.Copy(io.Discard, r.Body)
				w.Header().Set("Content-Type", "application/xml")
				w.WriteHeader(tc.status)
				if tc.code != "" {
					fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?><Error><Code>%s</Code><Message>m</Message><RequestId>r</RequestId></Error>`, tc.code)
				}
			}))
			defer srv.Close()
			s := loopbackS3(t, srv.URL)

			_, _, err := s.Get(t.Context(), "k")
			if err == nil {
				t.Fatal("Get = nil, want error")
			}
			if got := IsRetryable(err); got != tc.retryable {
				t.Errorf("IsRetryable(Get error %v) = %v, want %v", err, got, tc.retryable)
			}
			for _, class := range []error{ErrNotExist, ErrAccess, ErrRejected} {
				if got, want := errors.Is(err, class), class == tc.class; got != want {
					t.Errorf("errors.Is(Get error %v, %v) = %v, want %v", err, class, got, want)
				}
			}
			err = s.Put(t.Context(), "k", strings.NewReader("x"), 1, nil)
			if got := IsRetryable(err); err == nil || got != tc.retryable {
				t.Errorf("IsRetryable(Put error %v) = %v, want %v", err, got, tc.retryable)
			}
			if tc.class != nil && tc.class != ErrNotExist && !errors.Is(err, tc.class) {
				t.Errorf("errors.Is(Put error %v, %v) = false, want true", err, tc.class)
			}
		})
	}
}

func TestIsRetryableConnectionRefused(t *testing.T) {
	s := loopbackS3(t, testenv.Refused(t))
	_, err := s.Stat(t.Context(), "k")
	if err == nil || !IsRetryable(err) || errors.Is(err, ErrNotExist) {
		t.Errorf("Stat against a closed port = %v, want a retryable error", err)
	}
}

// loopbackS3 returns an S3 store on endpoint with dummy credentials and a
// single attempt per request.
func loopbackS3(t *testing.T, endpoint string) *S3 {
	t.Helper()
	t.Setenv("AWS_ACCESS_KEY_ID", "test-key")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "test-secret")
	s, err := NewS3(t.Context(), S3Config{Endpoint: endpoint, Region: "us-east-1", PathStyle: true, Bucket: "lake", MaxAttempts: 1})
	if err != nil {
		t.Fatal(err)
	}
	return s
}
