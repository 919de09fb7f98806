package main

import (
	"net/http"
	"net/http/httptest"
	"os"
	"testing"

	"github.com/farepipe/farepipe/internal/step"
	"github.com/farepipe/farepipe/internal/step/steptest"
	"github.com/farepipe/farepipe/internal/testenv"
)

const recorded = "../../internal/amadeus/testdata"

// amadeus serves the Amadeus token and search endpoints on loopback: the
// token endpoint answers tokenStatus, every search answers searchStatus
// with the recorded body in file. It returns the base URL.
func amadeus(t *testing.T, tokenStatus, searchStatus int, file string) string {
	t.Helper()
	body, err := os.ReadFile(recorded + "/" + file)
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/security/oauth2/token", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(tokenStatus)
		w.Write([]byte(`{"token_type":"Bearer","access_token":"test-token","expires_in":1799}`))
	})
	mux.HandleFunc("GET /v2/shopping/flight-offers", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/vnd.amadeus+json")
		w.Header().Set("Retry-After", "0")
		w.WriteHeader(searchStatus)
		w.Write(body)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv.URL
}

// The rows of README's exit-code table the cases show.
const (
	rowAnswered      = "some search answered and kept"
	rowSearchRefused = "the provider refuses a search (400): the answer is kept for `transform` to quarantine"
	rowUsage         = "bad flags or plan"
	rowAccessRefused = "the provider refuses the credentials (401, 403) and answers no search"
	rowS3Access      = "S3 AccessDenied, bad credentials or NoSuchBucket"
	rowProviderDown  = "no search answered: the provider answers 5xx or 429, times out or is down"
	rowS3Down        = "S3 down"
	rowOverBudget    = "no search answered: the request budget (`--budget`) was spent first"
	rowAllInvalid    = "no search answered, none failed, every one rejected as invalid"
	rowStaged        = "answers stored as parts under `--stage`; run again, it asks only the searches not stored"
)

// TestExitCodes fetches from the synthetic provider and from recorded
// Amadeus answers served on loopback, into the real MinIO or stdout, and
// checks the exit code of each outcome, the one the WorkflowTemplate's
// retry rule acts on.
func TestExitCodes(t *testing.T) {
	env, s3 := steptest.S3(t)
	t.Setenv("FAREPIPE_AMADEUS_CLIENT_ID", "test-client-id")
	t.Setenv("FAREPIPE_AMADEUS_CLIENT_SECRET", "test-client-secret")
	out := "s3://" + env.Bucket + "/" + testenv.Unique(t, "fetch")
	u := testenv.Unique(t, "")
	missingBucket := "s3://missing-" + u[len(u)-12:] + "/raw/batch.ndjson.gz"
	// One search, one departure date, as the recorded answers are.
	search := []string{"--routes", "ICN-NRT", "--from", "2027-01-05", "--days", "1",
		"--observed-at", "2026-12-01T06:00:00Z"}
	synthetic := func(args ...string) []string { return append(append([]string{}, search...), args...) }
	fromAmadeus := func(url string, args ...string) []string {
		return append(synthetic("--provider", "amadeus", "--amadeus-url", url, "--timeout", "200ms", "--rate", "-1"), args...)
	}
	const answer = "answers/icn-nrt-adults-1.json"

	steptest.ExitCodes(t, app, []steptest.Case{
		{Name: "synthetic to s3", Args: append(synthetic("--out", out+"/ok.ndjson.gz"), s3...), Want: step.ExitOK, Row: rowAnswered},
		{Name: "synthetic to stdout", Args: synthetic(), Want: step.ExitOK, Row: rowAnswered},
		{Name: "recorded amadeus answer", Args: fromAmadeus(amadeus(t, 200, 200, answer)), Want: step.ExitOK, Row: rowAnswered},
		// A 400 for one search is the provider's final answer: kept, for transform to quarantine.
		{Name: "amadeus refuses the search", Args: fromAmadeus(amadeus(t, 200, 400, "error_400_invalid_date.json")), Want: step.ExitOK, Row: rowSearchRefused},

		{Name: "staged in parts", Args: append(synthetic("--stage", out+"/staged/", "--part-searches", "1",
			"--checkpoint", out+"/staged.json", "--ttl", "1h"), s3...), Want: step.ExitOK, Row: rowStaged},
		{Name: "staged again", Args: append(synthetic("--stage", out+"/staged/", "--checkpoint", out+"/staged.json", "--ttl", "1h"), s3...),
			Want: step.ExitOK, Row: rowStaged},

		{Name: "no searches", Args: nil, Want: step.ExitUsage, Row: rowUsage},
		{Name: "stage and out", Args: synthetic("--stage", "file://staged/", "--out", "file://b.ndjson.gz"), Want: step.ExitUsage, Row: rowUsage},
		{Name: "negative part searches", Args: synthetic("--stage", "file://staged/", "--part-searches", "-1"), Want: step.ExitUsage, Row: rowUsage},
		{Name: "run budget and budget", Args: synthetic("--run-budget", "10", "--budget", "5"), Want: step.ExitUsage, Row: rowUsage},
		{Name: "run budget below the shards", Args: synthetic("--run-budget", "2", "--shard", "2/3"), Want: step.ExitUsage, Row: rowUsage},
		{Name: "run rate and rate", Args: synthetic("--run-rate", "10", "--rate", "5"), Want: step.ExitUsage, Row: rowUsage},
		{Name: "unknown flag", Args: synthetic("--bucket", "x"), Want: step.ExitUsage, Row: rowUsage},
		{Name: "unknown provider", Args: synthetic("--provider", "kayak"), Want: step.ExitUsage, Row: rowUsage},
		{Name: "bad concurrency", Args: synthetic("--concurrency", "0"), Want: step.ExitUsage, Row: rowUsage},
		{Name: "plan and routes", Args: synthetic("--plan", "../../examples/plan.yaml"), Want: step.ExitUsage, Row: rowUsage},
		{Name: "amadeus without credentials", Args: fromAmadeus(amadeus(t, 200, 200, answer)),
			Env: map[string]string{"FAREPIPE_AMADEUS_CLIENT_SECRET": ""}, Want: step.ExitUsage, Row: rowUsage},
		{Name: "amadeus refuses the credentials", Args: fromAmadeus(amadeus(t, 401, 200, answer)), Want: step.ExitUsage, Row: rowAccessRefused},
		{Name: "amadeus 401 on every search", Args: fromAmadeus(amadeus(t, 200, 401, "error_401.json")), Want: step.ExitUsage, Row: rowAccessRefused},
		{Name: "amadeus 403 on every search", Args: fromAmadeus(amadeus(t, 200, 403, "error_401.json")), Want: step.ExitUsage, Row: rowAccessRefused},
		{Name: "missing bucket", Args: append(synthetic("--out", missingBucket), s3...), Want: step.ExitUsage, Row: rowS3Access},
		{Name: "stage in a missing bucket", Args: append(synthetic("--stage", missingBucket+"/staged/"), s3...), Want: step.ExitUsage, Row: rowS3Access},
		{Name: "wrong secret key", Args: append(synthetic("--out", out+"/denied.ndjson.gz"), s3...),
			Env: map[string]string{"AWS_SECRET_ACCESS_KEY": "not-the-secret"}, Want: step.ExitUsage, Row: rowS3Access},

		{Name: "amadeus 500", Args: fromAmadeus(amadeus(t, 200, 500, "error_500.json")), Want: step.ExitRetryable, Row: rowProviderDown},
		{Name: "amadeus 429", Args: fromAmadeus(amadeus(t, 200, 429, "error_429.json")), Want: step.ExitRetryable, Row: rowProviderDown},
		{Name: "amadeus timeout", Args: fromAmadeus(testenv.Frozen(t)), Want: step.ExitRetryable, Row: rowProviderDown},
		{Name: "amadeus down", Args: fromAmadeus(testenv.Refused(t)), Want: step.ExitRetryable, Row: rowProviderDown},
		// The token request takes the only request of the budget.
		{Name: "budget spent", Args: fromAmadeus(amadeus(t, 200, 200, answer), "--budget", "1"), Want: step.ExitRetryable, Row: rowOverBudget},
		{Name: "s3 down", Args: synthetic("--out", "s3://lake/raw/b.ndjson.gz", "--s3-endpoint", testenv.Refused(t),
			"--s3-max-attempts", "1"), Want: step.ExitRetryable, Row: rowS3Down},

		// The synthetic market has no exchange rate for the Icelandic króna.
		{Name: "every search invalid", Args: synthetic("--currency", "ISK"), Want: step.ExitData, Row: rowAllInvalid},
	})
}

// TestConfigReference checks the flags of fetch against README's
// configuration reference.
func TestConfigReference(t *testing.T) { steptest.Reference(t, "fetch", app().Flags) }
