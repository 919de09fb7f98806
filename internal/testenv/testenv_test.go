package testenv

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
)

var nameRE = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

func TestUnique(t *testing.T) {
	tests := []struct {
		name, prefix, wantStart string
	}{
		{"plain", "fares", "fares-testunique-plain-"},
		{"mixed case and symbols", "Fare Pipe_X/", "fare-pipe-x-testunique-mixed-case-and-symbols-"},
		{"empty prefix", "", "testunique-empty-prefix-"},
		{"prefix of symbols only", "--__", "testunique-prefix-of-symbols-only-"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := Unique(t, tc.prefix)
			if !nameRE.MatchString(got) {
				t.Errorf("Unique(%q) = %q, want only a-z, 0-9 and single inner hyphens", tc.prefix, got)
			}
			if !strings.HasPrefix(got, tc.wantStart) {
				t.Errorf("Unique(%q) = %q, want prefix %q", tc.prefix, got, tc.wantStart)
			}
			if len(got) > 74 {
				t.Errorf("Unique(%q) is %d bytes long, want at most 74", tc.prefix, len(got))
			}
		})
	}
}

func TestUniqueKeepsTheEndOfLongNames(t *testing.T) {
	t.Run("a very long subtest name that goes on and on past the limit", func(t *testing.T) {
		got := Unique(t, "a prefix that is longer than twenty bytes")
		want := "a-prefix-that-is-lon-name-that-goes-on-and-on-past-the-limit-"
		if !strings.HasPrefix(got, want) || len(got) > 74 {
			t.Errorf("Unique = %q (%d bytes), want prefix %q and at most 74 bytes", got, len(got), want)
		}
	})
}

func TestUniqueDiffersEveryCall(t *testing.T) {
	seen := make(map[string]bool)
	for i := 0; i < 1000; i++ {
		got := Unique(t, "x")
		if seen[got] {
			t.Fatalf("Unique returned %q twice", got)
		}
		seen[got] = true
	}
}

// fatalTB records Fatalf instead of ending the test.
type fatalTB struct {
	testing.TB
	msg string
}

type fatalled struct{}

func (f *fatalTB) Helper() {}

func (f *fatalTB) Fatalf(format string, args ...any) {
	f.msg = fmt.Sprintf(format, args...)
	panic(fatalled{})
}

// run calls fn with a fatalTB and returns the message it failed with, if any.
func run(t *testing.T, fn func(testing.TB)) (msg string) {
	f := &fatalTB{TB: t}
	defer func() {
		if r := recover(); r != nil {
			if _, ok := r.(fatalled); !ok {
				panic(r)
			}
			msg = f.msg
		}
	}()
	fn(f)
	return ""
}

func TestS3AndESFailWithoutServices(t *testing.T) {
	for _, name := range []string{EnvS3Endpoint, EnvBucket, EnvESURL, EnvAccessKey, EnvSecretKey, EnvRegion} {
		t.Setenv(name, "")
	}
	msg := run(t, func(tb testing.TB) { S3(tb) })
	for _, want := range []string{EnvS3Endpoint, EnvAccessKey, "hack/services.sh up", "make test"} {
		if !strings.Contains(msg, want) {
			t.Errorf("S3 without env failed with %q, want it to mention %q", msg, want)
		}
	}
	msg = run(t, func(tb testing.TB) { ES(tb) })
	if !strings.Contains(msg, EnvESURL) || !strings.Contains(msg, "hack/services.sh up") {
		t.Errorf("ES without env failed with %q, want it to name %s and hack/services.sh up", msg, EnvESURL)
	}
}

func TestS3AndESReadEnv(t *testing.T) {
	t.Setenv(EnvS3Endpoint, "http://127.0.0.1:19000")
	t.Setenv(EnvBucket, "farepipe")
	t.Setenv(EnvAccessKey, "key")
	t.Setenv(EnvSecretKey, "secret")
	t.Setenv(EnvRegion, "us-east-1")
	t.Setenv(EnvESURL, "http://127.0.0.1:19200")

	want := S3Env{Endpoint: "http://127.0.0.1:19000", Bucket: "farepipe", AccessKey: "key", SecretKey: "secret", Region: "us-east-1"}
	if got := S3(t); got != want {
		t.Errorf("S3() = %+v, want %+v", got, want)
	}
	if got := ES(t); got != "http://127.0.0.1:19200" {
		t.Errorf("ES() = %q, want %q", got, "http://127.0.0.1:19200")
	}
}

func TestESRejectsNonURL(t *testing.T) {
	t.Setenv(EnvESURL, "127.0.0.1:19200")
	if msg := run(t, func(tb testing.TB) { ES(tb) }); !strings.Contains(msg, "not an http(s) URL") {
		t.Errorf("ES with %q failed with %q, want a message about the URL", "127.0.0.1:19200", msg)
	}
}
