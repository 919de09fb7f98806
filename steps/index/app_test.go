package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/farepipe/farepipe/internal/objstore"
	"github.com/farepipe/farepipe/internal/raw"
	"github.com/farepipe/farepipe/internal/step"
	"github.com/farepipe/farepipe/internal/step/steptest"
	"github.com/farepipe/farepipe/internal/synthetic"
	"github.com/farepipe/farepipe/internal/testenv"
	"github.com/farepipe/farepipe/internal/transform"
)

// The rows of README's exit-code table the cases show.
const (
	rowIndexed      = "indexed"
	rowAllRejected  = "every record rejected (dead-lettered)"
	rowFailed       = "an observation failed or a write failed (429, 5xx after retries)"
	rowUsage        = "bad flags"
	rowMissingInput = "a missing input object"
	rowS3Access     = "S3 AccessDenied, bad credentials or NoSuchBucket"
	rowESDown       = "Elasticsearch down"
	rowESAccess     = "Elasticsearch 401 or 403"
)

// TestExitCodes checks the exit code of each way index can fail before it
// writes anything: the one the WorkflowTemplate's retry rule acts on.
func TestExitCodes(t *testing.T) {
	env, s3 := steptest.S3(t)
	abs, err := filepath.Abs("../../internal/land/testdata/batch.ndjson")
	if err != nil {
		t.Fatal(err)
	}
	in := "file://" + abs
	u := testenv.Unique(t, "")
	missingBucket := "s3://missing-" + u[len(u)-12:] + "/curated/x.ndjson.gz"
	inS3 := "s3://" + env.Bucket + "/" + testenv.Unique(t, "index") + "/curated/x.ndjson.gz"
	unauthorized := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		w.Write([]byte(`{"error":{"type":"security_exception","reason":"unable to authenticate user [farepipe]"},"status":401}`))
	}))
	defer unauthorized.Close()
	forbidden := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusForbidden)
		w.Write([]byte(`{"error":{"type":"security_exception","reason":"action [indices:data/write/bulk] is unauthorized for user [farepipe]"},"status":403}`))
	}))
	defer forbidden.Close()
	es, fresh := steptest.ES(t), steptest.ES(t) // --es-url URL --index-prefix PREFIX
	curated := curatedBatch(t)
	esDown := testenv.Refused(t)

	steptest.ExitCodes(t, app, []steptest.Case{
		{Name: "indexed", Args: append([]string{"--in", curated}, es...), Want: step.ExitOK, Row: rowIndexed},
		// The batch was fetched on 2026-11-22: every observation is older than the bound.
		{Name: "every record rejected", Args: append([]string{"--in", curated, "--min-observed-at", "2026-12-01T00:00:00Z"}, es...),
			Want: step.ExitData, Row: rowAllRejected},
		// An index prefix of its own, so that the writes are not found done already.
		{Name: "every bulk item answered 429", Args: append([]string{"--in", curated, "--max-retries", "0",
			"--es-url", throttling(t, fresh[1])}, fresh[2:]...), Want: step.ExitRetryable, Row: rowFailed},
		{Name: "no input", Args: []string{"--es-url", esDown}, Want: step.ExitUsage, Row: rowUsage},
		{Name: "bad chunk size", Args: []string{"--in", in, "--es-url", esDown, "--chunk-size", "0"}, Want: step.ExitUsage, Row: rowUsage},
		{Name: "bad es timeout", Args: []string{"--in", in, "--es-url", esDown, "--es-timeout", "-1s"}, Want: step.ExitUsage, Row: rowUsage},
		{Name: "missing input file", Args: []string{"--in", in + ".nope", "--es-url", esDown}, Want: step.ExitData, Row: rowMissingInput},
		{Name: "missing input object", Args: append([]string{"--in", inS3, "--es-url", esDown}, s3...), Want: step.ExitData, Row: rowMissingInput},
		{Name: "missing bucket", Args: append([]string{"--in", missingBucket, "--es-url", esDown}, s3...), Want: step.ExitUsage, Row: rowS3Access},
		{Name: "wrong secret key", Args: append([]string{"--in", inS3, "--es-url", esDown}, s3...),
			Env: map[string]string{"AWS_SECRET_ACCESS_KEY": "not-the-secret"}, Want: step.ExitUsage, Row: rowS3Access},
		{Name: "elasticsearch down", Args: []string{"--in", in, "--es-url", esDown}, Want: step.ExitRetryable, Row: rowESDown},
		{Name: "elasticsearch 401", Args: []string{"--in", in, "--es-url", unauthorized.URL}, Want: step.ExitUsage, Row: rowESAccess},
		{Name: "elasticsearch 403", Args: []string{"--in", in, "--es-url", forbidden.URL}, Want: step.ExitUsage, Row: rowESAccess},
	})
}

// TestFrozenServices checks that index gives up on an S3 endpoint, and on an
// Elasticsearch node, that take connections and never answer, within their
// timeouts and with exit code 1.
func TestFrozenServices(t *testing.T) {
	t.Setenv("AWS_ACCESS_KEY_ID", "test-key")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "test-secret")
	// From the environment, as in a pod; a step that knows no timeout hangs.
	t.Setenv("FAREPIPE_S3_TIMEOUT", "200ms")
	t.Setenv("FAREPIPE_S3_MAX_ATTEMPTS", "1")
	t.Setenv("FAREPIPE_ES_TIMEOUT", "200ms")
	abs, err := filepath.Abs("../../internal/land/testdata/batch.ndjson")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name  string
		args  []string
		limit time.Duration
	}{
		{"s3", []string{"--in", "s3://lake/curated/x.ndjson.gz", "--s3-endpoint", testenv.Frozen(t),
			"--es-url", testenv.Refused(t)}, 5 * time.Second},
		// Four attempts of 200ms, 1.5s of backoff between them.
		{"elasticsearch", []string{"--in", "file://" + abs, "--es-url", testenv.Frozen(t)}, 10 * time.Second},
	}
	for _, tc := range cases {
		r := steptest.Run(t, app(), tc.args...)
		if r.Code != step.ExitRetryable || r.Took > tc.limit {
			t.Errorf("index against a frozen %s: exit %d after %v, want exit 1 within %v\n%s", tc.name, r.Code, r.Took, tc.limit, r.Out)
		}
	}
}

// curatedBatch transforms one synthetic answer, fetched on 2026-11-22,
// into a curated object in a directory of the test's own and returns its
// file:// URI.
func curatedBatch(t *testing.T) string {
	t.Helper()
	prov := synthetic.New(synthetic.Config{Seed: 1, ObservedAt: time.Date(2026, 11, 22, 6, 0, 0, 0, time.UTC)})
	env, err := prov.Search(t.Context(), raw.Search{Origin: "ICN", Destination: "NRT", Departure: "2027-01-05", Adults: 1})
	if err != nil {
		t.Fatal(err)
	}
	body, err := json.Marshal(env)
	if err != nil {
		t.Fatal(err)
	}
	dir := objstore.NewDir(t.TempDir())
	const key = "raw/source=synthetic/date=2026-11-22/batch.ndjson"
	if err := dir.Put(t.Context(), key, bytes.NewReader(body), int64(len(body)), nil); err != nil {
		t.Fatal(err)
	}
	curatedKey := transform.OutputKey(key, transform.AreaRaw, transform.AreaCurated)
	res, err := transform.Run(t.Context(), transform.Config{In: dir, InKey: key})
	if err != nil || res.Observations == 0 {
		t.Fatalf("transforming %s: %d observations, %v", key, res.Observations, err)
	}
	return dir.URI(curatedKey)
}

// TestConfigReference checks the flags of index against README's
// configuration reference.
func TestConfigReference(t *testing.T) { steptest.Reference(t, "index", app().Flags) }

// throttling returns the URL of a proxy on loopback in front of the node at
// target that answers every item of every bulk request 429, as a node
// whose write queue is full does, after the node has done the writes.
func throttling(t *testing.T, target string) string {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	proxy := httputil.NewSingleHostReverseProxy(u)
	proxy.ModifyResponse = func(res *http.Response) error {
		if !strings.HasSuffix(res.Request.URL.Path, "/_bulk") || res.StatusCode != http.StatusOK {
			return nil
		}
		var body struct {
			Took  int                                     `json:"took"`
			Items []map[string]map[string]json.RawMessage `json:"items"`
		}
		err := json.NewDecoder(res.Body).Decode(&body)
		res.Body.Close()
		if err != nil {
			return err
		}
		for _, item := range body.Items {
			for _, result := range item {
				result["status"] = json.RawMessage("429")
				result["error"] = json.RawMessage(`{"type":"es_rejected_execution_exception","reason":"rejected execution: write queue full"}`)
			}
		}
		out, err := json.Marshal(map[string]any{"took": body.Took, "errors": true, "items": body.Items})
		if err != nil {
			return err
		}
		res.Body = io.NopCloser(bytes.NewReader(out))
		res.ContentLength = int64(len(out))
		res.Header.Set("Content-Length", strconv.Itoa(len(out)))
		res.Header.Del("Content-Encoding")
		return nil
	}
	srv := httptest.NewServer(proxy)
	t.Cleanup(srv.Close)
	return srv.URL
}
