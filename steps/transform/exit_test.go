package main

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/farepipe/farepipe/internal/objstore"
	"github.com/farepipe/farepipe/internal/step"
	"github.com/farepipe/farepipe/internal/step/steptest"
	"github.com/farepipe/farepipe/internal/testenv"
)

// The rows of README's exit-code table the cases show.
const (
	rowTransformed  = "transformed"
	rowUsage        = "bad flags"
	rowS3Access     = "S3 AccessDenied, bad credentials or NoSuchBucket"
	rowS3Down       = "S3 down"
	rowPoison       = "a poison object: nothing in it could be processed"
	rowMissingInput = "a missing input object, or one under `curated/`, `quarantine/` or `dead-letter/`"
)

// TestExitCodes transforms raw objects in the real MinIO, or tries to, and
// checks the exit code of each outcome, the one the WorkflowTemplate's
// retry rule acts on.
func TestExitCodes(t *testing.T) {
	env, s3 := steptest.S3(t)
	store, err := objstore.NewS3(t.Context(), objstore.S3Config{Endpoint: env.Endpoint, Region: env.Region,
		PathStyle: true, Bucket: env.Bucket})
	if err != nil {
		t.Fatal(err)
	}
	prefix := testenv.Unique(t, "transform") + "/raw/source=synthetic/date=2026-11-21/"
	put := func(name, file string) string {
		body, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		if err := store.Put(t.Context(), prefix+name, strings.NewReader(string(body)), int64(len(body)), nil); err != nil {
			t.Fatal(err)
		}
		return store.URI(prefix + name)
	}
	good := put("good.ndjson", "../../internal/land/testdata/batch.ndjson")
	poison := put("poison.ndjson", "../../internal/land/testdata/notjson.ndjson")
	u := testenv.Unique(t, "")
	missingBucket := "s3://missing-" + u[len(u)-12:] + "/raw/source=synthetic/date=2026-11-21/x.ndjson"
	in := func(uri string, args ...string) []string {
		return append(append([]string{"--in", uri}, s3...), args...)
	}

	steptest.ExitCodes(t, func() *cli.App { return newApp(time.Now) }, []steptest.Case{
		{Name: "transformed", Args: in(good), Want: step.ExitOK, Row: rowTransformed},

		{Name: "no input", Args: s3, Want: step.ExitUsage, Row: rowUsage},
		{Name: "unknown flag", Args: in(good, "--bucket", "x"), Want: step.ExitUsage, Row: rowUsage},
		{Name: "bad s3 timeout", Args: in(good, "--s3-timeout", "0s"), Want: step.ExitUsage, Row: rowUsage},
		{Name: "missing bucket", Args: in(missingBucket), Want: step.ExitUsage, Row: rowS3Access},
		{Name: "wrong secret key", Args: in(good), Env: map[string]string{"AWS_SECRET_ACCESS_KEY": "not-the-secret"},
			Want: step.ExitUsage, Row: rowS3Access},

		{Name: "s3 down", Args: []string{"--in", good, "--s3-endpoint", testenv.Refused(t), "--s3-max-attempts", "1"},
			Want: step.ExitRetryable, Row: rowS3Down},

		{Name: "poison object", Args: in(poison), Want: step.ExitData, Row: rowPoison},
		{Name: "missing input object", Args: in(store.URI(prefix + "nope.ndjson")), Want: step.ExitData, Row: rowMissingInput},
		{Name: "output area as input", Args: in(store.URI(strings.Replace(prefix, "/raw/", "/curated/", 1) + "good.ndjson")),
			Want: step.ExitData, Row: rowMissingInput},
	})
}

// TestConfigReference checks the flags of transform against README's
// configuration reference.
func TestConfigReference(t *testing.T) { steptest.Reference(t, "transform", newApp(time.Now).Flags) }
