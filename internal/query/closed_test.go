package query

import (
	"net"
	"testing"

	"github.com/elastic/go-elasticsearch/v8"
)

// closedPortClient returns a client of a loopback port nothing listens on.
func closedPortClient(t *testing.T) *elasticsearch.Client {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	es, err := elasticsearch.NewClient(elasticsearch.Config{Addresses: []string{"http://" + addr}, MaxRetries: 1})
	if err != nil {
		t.Fatal(err)
	}
	return es
}
