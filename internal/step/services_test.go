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
	"testing"

	"github.com/elastic/go-elasticsearch/v8/esapi"
	"github.com/urfave/cli/v2"
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
		var pingErr error
		app := &cli.App{Flags: ESFlags(), Action: func(c *cli.Context) error {
			es, err := ESClient(c)
			if err != nil {
				return err
			}
			res, err := esapi.PingRequest{}.Do(context.Background(), es)
			if err != nil {
				pingErr = err
				return nil
			}
			res.Body.Close()
			return nil
		}}
		if err := app.Run(append([]string{"test", "--es-url", srv.URL}, args...)); err != nil {
			t.Fatalf("%v: %v", args, err)
		}
		return pingErr
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
