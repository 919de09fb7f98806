package step

import (
	"context"
	"encoding/pem"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/elastic/go-elasticsearch/v8/esapi"
	"github.com/urfave/cli/v2"

	"github.com/farepipe/farepipe/internal/testenv"
)

// The Elasticsearch client trusts the CA of --es-ca-cert, and asks for
// answers uncompressed.
func TestESClientTrustsTheGivenCA(t *testing.T) {
	var acceptEncoding []string
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		acceptEncoding = append(acceptEncoding, r.Header.Get("Accept-Encoding"))
		w.Header().Set("X-Elastic-Product", "Elasticsearch")
		w.Write([]byte(`{}`))
	}))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the handshakes refused on purpose
	srv.StartTLS()
	defer srv.Close()
	caFile := filepath.Join(t.TempDir(), "ca.pem")
	ca := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	if err := os.WriteFile(caFile, ca, 0o600); err != nil {
		t.Fatal(err)
	}

	ping := func(args ...string) error {
		clientErr, err := esInfo(t, append([]string{"--es-url", srv.URL}, args...)...)
		if clientErr != nil {
			t.Fatalf("%v: %v", args, clientErr)
		}
		return err
	}
	if err := ping("--es-ca-cert", caFile); err != nil {
		t.Errorf("with the server's CA: %v", err)
	}
	if err := ping(); err == nil {
		t.Error("without the server's CA: the ping succeeded, want a certificate error")
	}
	if len(acceptEncoding) != 1 || acceptEncoding[0] != "" {
		t.Errorf("Accept-Encoding of the requests %q, want one request asking for no compression", acceptEncoding)
	}
}

// esInfo builds the Elasticsearch client of args and asks the node for its
// info (GET /) with it. The request gives up after a minute in any case, so
// that a client without timeouts fails the test instead of hanging it.
func esInfo(t *testing.T, args ...string) (clientErr, reqErr error) {
	t.Helper()
	app := &cli.App{Flags: ESFlags(), Action: func(c *cli.Context) error {
		es, err := ESClient(c)
		if err != nil {
			return err
		}
		ctx, cancel := context.WithTimeout(c.Context, time.Minute)
		defer cancel()
		res, err := esapi.InfoRequest{}.Do(ctx, es)
		if err != nil {
			reqErr = err
			return nil
		}
		res.Body.Close()
		return nil
	}}
	clientErr = app.RunContext(t.Context(), append([]string{"test"}, args...))
	return clientErr, reqErr
}

// A node that takes the connection and never answers costs one timeout per
// attempt, and the error is retryable.
func TestESClientGivesUpOnAFrozenNode(t *testing.T) {
	start := time.Now()
	_, err := esInfo(t, "--es-url", testenv.Frozen(t), "--es-timeout", "200ms")
	took := time.Since(start)
	if err == nil || ExitCode(err) != ExitRetryable {
		t.Errorf("info of a frozen node = %v (exit %d), want a retryable error", err, ExitCode(err))
	}
	// Four attempts of 200ms and 1.5s of backoff between them.
	if took > 10*time.Second {
		t.Errorf("info of a frozen node took %v, want about 2.5s with --es-timeout 200ms", took)
	}
}

// Credentials the node refuses are a configuration error, asked once and
// reported with the node's reason but without the secret.
func TestESClientRefusedCredentialsAreUsageErrors(t *testing.T) {
	for _, status := range []int{http.StatusUnauthorized, http.StatusForbidden} {
		requests := 0
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			requests++
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(status)
			w.Write([]byte(`{"error":{"type":"security_exception","reason":"unable to authenticate user [farepipe]"},"status":401}`))
		}))
		t.Setenv("FAREPIPE_ES_USERNAME", "farepipe")
		t.Setenv("FAREPIPE_ES_PASSWORD", "not-the-password")
		_, err := esInfo(t, "--es-url", srv.URL)
		srv.Close()
		if got := ExitCode(err); got != ExitUsage {
			t.Errorf("info answered %d = %v, exit %d, want exit %d", status, err, got, ExitUsage)
		}
		if requests != 1 {
			t.Errorf("info answered %d was sent %d times, want once", status, requests)
		}
		if err != nil && (!strings.Contains(err.Error(), "security_exception") || strings.Contains(err.Error(), "not-the-password")) {
			t.Errorf("info answered %d = %q, want the node's reason and no password", status, err)
		}
	}
}

func TestTimeoutFlagsAreValidated(t *testing.T) {
	for _, args := range [][]string{
		{"--es-timeout", "0s"},
		{"--es-timeout", "-1s"},
		{"--s3-timeout", "0s"},
		{"--s3-max-attempts", "0"},
	} {
		app := &cli.App{Flags: append(ESFlags(), S3Flags()...), Action: func(*cli.Context) error { return nil }}
		err := app.Run(append([]string{"test"}, args...))
		if ExitCode(err) != ExitUsage {
			t.Errorf("%s: %v (exit %d), want a usage error", strings.Join(args, " "), err, ExitCode(err))
		}
	}
	app := &cli.App{Flags: S3Flags(), Action: func(c *cli.Context) error {
		if cfg := S3Config(c); cfg.Timeout != 90*time.Second || cfg.MaxAttempts != 5 {
			t.Errorf("S3Config = timeout %v, %d attempts; want 1m30s and 5", cfg.Timeout, cfg.MaxAttempts)
		}
		return nil
	}}
	t.Setenv("FAREPIPE_S3_TIMEOUT", "90s")
	if err := app.Run([]string{"test", "--s3-max-attempts", "5"}); err != nil {
		t.Fatal(err)
	}
}
