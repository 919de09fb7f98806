package api

import (
	"context"
	"io"
	"net"
	"net/http"
	"testing"
	"time"
)

// TestSlowClientsDoNotHoldTheServer opens many connections that send part
// of a request's headers and stall: each is closed once the header timeout
// passes, and a well-behaved client is answered at once all the while.
func TestSlowClientsDoNotHoldTheServer(t *testing.T) {
	t.Parallel()
	h, err := New(Options{Backend: clientOf(t, closedPort(t), "none")})
	if err != nil {
		t.Fatal(err)
	}
	srv := NewServer(h, time.Second)
	srv.ReadHeaderTimeout = 300 * time.Millisecond
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- Serve(ctx, srv, ln, time.Second) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	})

	const slow = 100
	conns := make([]net.Conn, slow)
	for i := range conns {
		c, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		if _, err := io.WriteString(c, "GET /healthz HTTP/1.1\r\nHost: farepipe\r\n"); err != nil {
			t.Fatal(err)
		}
		conns[i] = c
	}

	start := time.Now()
	res, err := http.Get("http://" + ln.Addr().String() + "/healthz")
	if err != nil {
		t.Fatalf("a well-behaved client beside %d stalled ones: %v", slow, err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK || time.Since(start) > 200*time.Millisecond {
		t.Errorf("a well-behaved client beside %d stalled ones: %d after %s, want 200 at once", slow, res.StatusCode, time.Since(start))
	}

	for i, c := range conns {
		_ = c.SetReadDeadline(start.Add(5 * time.Second))
		b, err := io.ReadAll(c)
		if ne, ok := err.(net.Error); ok && ne.Timeout() {
			t.Fatalf("stalled connection %d still open after 5s (header timeout 300ms)", i)
		}
		if len(b) > 0 && !isTimeoutAnswer(b) {
			t.Errorf("stalled connection %d was answered %q", i, b)
		}
	}
}

// isTimeoutAnswer reports whether b is net/http's answer to a request
// whose headers did not arrive in time (it may send one before closing).
func isTimeoutAnswer(b []byte) bool {
	return len(b) >= 12 && (string(b[:12]) == "HTTP/1.1 408" || string(b[:12]) == "HTTP/1.1 400")
}
