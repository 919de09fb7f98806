package main

import (
	"bytes"
	"os"
	"testing"
	"time"

	"github.com/farepipe/farepipe/internal/objstore"
	"github.com/farepipe/farepipe/internal/step"
	"github.com/farepipe/farepipe/internal/step/steptest"
	"github.com/farepipe/farepipe/internal/testenv"
)

const batches = "../../internal/land/testdata"

// minio puts the test MinIO's credentials in the environment and returns
// the flags that reach it and an s3:// prefix of the test's own.
func minio(t *testing.T) (flags []string, prefix string) {
	t.Helper()
	env, s3 := steptest.S3(t)
	return s3, "s3://" + env.Bucket + "/" + testenv.Unique(t, "land")
}

// The rows of README's exit-code table the cases show.
const (
	rowLanded       = "landed"
	rowUsage        = "bad flags, or a local input file that does not exist"
	rowS3Access     = "S3 AccessDenied, bad credentials or NoSuchBucket"
	rowNotBatch     = "a batch that is not JSON envelopes with `fetched_at`"
	rowMissingInput = "a missing input object"
	rowKeyRefused   = "a key the store refuses (400)"
	rowS3Down       = "S3 down"
	rowDrained      = "`--drain`: every batch under the prefix landed and deleted, or none waiting"
	rowSetAside     = "`--drain`: a batch refused for good (as in the rows below) set aside under `quarantine/` with its reason, the others landed; the next drain exits 0"
)

// TestExitCodes lands batches into the real MinIO, or tries to, and checks
// the exit code of each outcome, the one the WorkflowTemplate's retry rule
// acts on.
func TestExitCodes(t *testing.T) {
	s3, prefix := minio(t)
	batch := batches + "/batch.ndjson"
	u := testenv.Unique(t, "")
	missingBucket := "s3://missing-" + u[len(u)-12:] + "/raw"
	steptest.ExitCodes(t, app, []steptest.Case{
		{Name: "landed", Args: append([]string{"--in", batch, "--to", prefix + "/ok"}, s3...), Want: step.ExitOK, Row: rowLanded},
		{Name: "drained", Args: append([]string{"--drain", "--in", staged(t, prefix+"/staging"), "--to", prefix + "/drained"}, s3...), Want: step.ExitOK, Row: rowDrained},
		{Name: "nothing to drain", Args: append([]string{"--drain", "--in", prefix + "/empty/", "--to", prefix + "/drained"}, s3...), Want: step.ExitOK, Row: rowDrained},
		{Name: "no destination", Args: []string{"--in", batch}, Want: step.ExitUsage, Row: rowUsage},
		{Name: "drain a local path", Args: []string{"--drain", "--in", batches, "--to", prefix}, Want: step.ExitUsage, Row: rowUsage},
		{Name: "drain a missing bucket", Args: append([]string{"--drain", "--in", missingBucket + "/staging/", "--to", prefix}, s3...), Want: step.ExitUsage, Row: rowS3Access},
		{Name: "drained, marking the checkpoint", Args: append([]string{"--drain", "--in", staged(t, prefix+"/ck-staging"), "--to", prefix + "/drained",
			"--checkpoint", prefix + "/checkpoint.json"}, s3...), Want: step.ExitOK, Row: rowDrained},
		{Name: "checkpoint without drain", Args: []string{"--in", batch, "--to", prefix, "--checkpoint", prefix + "/checkpoint.json"}, Want: step.ExitUsage, Row: rowUsage},
		{Name: "drain a batch that is not json", Args: append([]string{"--drain", "--in", staged(t, prefix+"/bad-staging", "notjson.ndjson", "batch.ndjson"), "--to", prefix + "/bad"}, s3...),
			Want: step.ExitData, Row: rowSetAside},
		{Name: "drain again after setting aside", Args: append([]string{"--drain", "--in", prefix + "/bad-staging", "--to", prefix + "/bad"}, s3...),
			Want: step.ExitOK, Row: rowDrained},
		{Name: "unknown flag", Args: []string{"--in", batch, "--to", prefix, "--bucket", "x"}, Want: step.ExitUsage, Row: rowUsage},
		{Name: "missing input file", Args: []string{"--in", batches + "/nope.ndjson", "--to", prefix}, Want: step.ExitUsage, Row: rowUsage},
		{Name: "bad s3 timeout", Args: append([]string{"--in", batch, "--to", prefix, "--s3-timeout", "0s"}, s3...), Want: step.ExitUsage, Row: rowUsage},
		{Name: "missing bucket", Args: append([]string{"--in", batch, "--to", missingBucket}, s3...), Want: step.ExitUsage, Row: rowS3Access},
		{Name: "wrong secret key", Args: append([]string{"--in", batch, "--to", prefix + "/denied"}, s3...),
			Env: map[string]string{"AWS_SECRET_ACCESS_KEY": "not-the-secret"}, Want: step.ExitUsage, Row: rowS3Access},
		{Name: "batch not json", Args: append([]string{"--in", batches + "/notjson.ndjson", "--to", prefix + "/bad"}, s3...), Want: step.ExitData, Row: rowNotBatch},
		{Name: "batch without fetched_at", Args: append([]string{"--in", batches + "/nofetched.ndjson", "--to", prefix + "/bad"}, s3...), Want: step.ExitData, Row: rowNotBatch},
		// Another producer's files are no batches: they belong under incoming/, for transform.
		{Name: "plain answer", Args: append([]string{"--in", "../../examples/data/amadeus-answer.json", "--to", prefix + "/bad"}, s3...), Want: step.ExitData, Row: rowNotBatch},
		{Name: "fare rows", Args: append([]string{"--in", "../../examples/data/faresnap.csv", "--to", prefix + "/bad"}, s3...), Want: step.ExitData, Row: rowNotBatch},
		{Name: "missing input object", Args: append([]string{"--in", prefix + "/nope.ndjson", "--to", prefix + "/out"}, s3...), Want: step.ExitData, Row: rowMissingInput},
		// MinIO answers 400 XMinioInvalidObjectName to a key with an empty segment.
		{Name: "key the store refuses", Args: append([]string{"--in", batch, "--to", prefix + "//refused"}, s3...), Want: step.ExitData, Row: rowKeyRefused},
		{Name: "s3 down", Args: []string{"--in", batch, "--to", "s3://lake/raw", "--s3-endpoint", testenv.Refused(t),
			"--s3-max-attempts", "1"}, Want: step.ExitRetryable, Row: rowS3Down},
	})
}

// staged puts the batches of testdata (batch.ndjson if none is named)
// under the S3 prefix uri, as fetch --stage would, and returns uri.
func staged(t *testing.T, uri string, names ...string) string {
	t.Helper()
	if len(names) == 0 {
		names = []string{"batch.ndjson"}
	}
	st, key, err := objstore.Open(t.Context(), uri, objstore.S3Config{Endpoint: testenv.S3(t).Endpoint, Region: testenv.S3(t).Region, PathStyle: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range names {
		data, err := os.ReadFile(batches + "/" + name)
		if err != nil {
			t.Fatal(err)
		}
		if err := st.Put(t.Context(), key+"/"+name, bytes.NewReader(data), int64(len(data)), nil); err != nil {
			t.Fatal(err)
		}
	}
	return uri
}

// TestFrozenStore checks that land gives up on an S3 endpoint that takes
// connections and never answers within its timeout, with exit code 1.
func TestFrozenStore(t *testing.T) {
	t.Setenv("AWS_ACCESS_KEY_ID", "test-key")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "test-secret")
	// From the environment, as in a pod; a step that knows no timeout hangs.
	t.Setenv("FAREPIPE_S3_TIMEOUT", "200ms")
	t.Setenv("FAREPIPE_S3_MAX_ATTEMPTS", "1")
	args := []string{"--in", batches + "/batch.ndjson", "--to", "s3://lake/raw", "--s3-endpoint", testenv.Frozen(t)}
	r := steptest.Run(t, app(), args...)
	if r.Code != step.ExitRetryable || r.Took > 5*time.Second {
		t.Errorf("land against a frozen store: exit %d after %v, want exit 1 within a few timeouts of 200ms\n%s", r.Code, r.Took, r.Out)
	}
}

// TestConfigReference checks the flags of land against README's
// configuration reference.
func TestConfigReference(t *testing.T) { steptest.Reference(t, "land", app().Flags) }
