package main

import (
	"bufio"
	"io"
	"net/http"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/farepipe/farepipe/internal/step"
)

// TestServeStopsCleanlyOnSIGTERM runs farepipe serve as main runs it, asks
// it a question, then sends the process SIGTERM (what Kubernetes sends):
// the root context ends, the server shuts down gracefully and the command
// exits 0.
func TestServeStopsCleanlyOnSIGTERM(t *testing.T) {
	pr, pw := io.Pipe()
	a := testApp(pw)
	a.ErrWriter = io.Discard
	done := make(chan int, 1)
	go func() {
		done <- step.Main(a, []string{"farepipe", "serve", "--listen", "127.0.0.1:0", "--es-url", closedPort(t),
			"--shutdown-timeout", "5s"})
		pw.Close()
	}()
	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		t.Fatalf("reading the serving line: %v (%q)", err, line)
	}
	go io.Copy(io.Discard, pr)
	url := strings.TrimSpace(line[strings.Index(line, "http://"):])

	res, err := http.Get(url + "/healthz")
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("GET /healthz: %v %v", res, err)
	}
	res.Body.Close()
	if res, err := http.Get(url + "/readyz"); err != nil || res.StatusCode != 503 {
		t.Errorf("GET /readyz with Elasticsearch down: %v %v, want 503", res, err)
	} else {
		res.Body.Close()
	}

	if err := syscall.Kill(os.Getpid(), syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("farepipe serve after SIGTERM: exit %d, want 0", code)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("farepipe serve still running 10s after SIGTERM")
	}
	if _, err := http.Get(url + "/healthz"); err == nil {
		t.Error("the server still answers after shutting down")
	}
}
