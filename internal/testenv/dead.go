package testenv

import (
	"net"
	"testing"
)

// Frozen returns the base URL of a loopback server that takes connections
// and never answers, such as http://127.0.0.1:40123: its listener accepts
// nothing, so the kernel completes each handshake and then holds what the
// client sends. It stands for a store or a node that has frozen (a stopped
// process, a black-holed network) without stopping the shared services.
func Frozen(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("testenv: listening on loopback: %v", err)
	}
	t.Cleanup(func() { l.Close() })
	return "http://" + l.Addr().String()
}

// Refused returns the base URL of a loopback port nothing listens on, so
// every connection is refused: a service that is down.
func Refused(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("testenv: listening on loopback: %v", err)
	}
	addr := l.Addr().String()
	l.Close()
	return "http://" + addr
}
