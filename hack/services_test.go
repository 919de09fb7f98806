package hack

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/farepipe/farepipe/internal/objstore"
)

// TestServicesKeepDataAcrossRestarts: Given a set of services.sh services
// in a run directory and on ports of its own (never the shared set), with
// an index in Elasticsearch and an object in MinIO, When both processes are
// killed by pid (a crash) and up runs again while the cache's build lock is
// held, Then up does not wait for the lock and the index and the object are
// still there; and reset deletes the data.
func TestServicesKeepDataAcrossRestarts(t *testing.T) {
	if testing.Short() {
		t.Skip("starts MinIO, Elasticsearch and ElasticMQ; run without -short (make test)")
	}
	dir := t.TempDir()
	s3Port, esPort, sqsPort := freePort(t, 1), freePort(t, 100), freePort(t, 0)
	env := append(os.Environ(),
		"FAREPIPE_RUN_DIR="+dir,
		"FAREPIPE_S3_PORT="+strconv.Itoa(s3Port),
		"FAREPIPE_ES_PORT="+strconv.Itoa(esPort),
		"FAREPIPE_SQS_PORT="+strconv.Itoa(sqsPort),
		"FAREPIPE_ES_HEAP=256m",
	)
	services := func(timeout time.Duration, args ...string) (string, error) {
		ctx, cancel := context.WithTimeout(context.Background(), timeout)
		defer cancel()
		var stdout, stderr bytes.Buffer
		cmd := exec.CommandContext(ctx, "./services.sh", args...)
		cmd.Env, cmd.Stdout, cmd.Stderr = env, &stdout, &stderr
		if err := cmd.Run(); err != nil {
			return "", fmt.Errorf("services.sh %s: %w\n%s", strings.Join(args, " "), err, stderr.String())
		}
		return stdout.String(), nil
	}
	t.Cleanup(func() {
		if _, err := services(2*time.Minute, "down"); err != nil {
			t.Error(err)
		}
	})

	out, err := services(10*time.Minute, "up") // builds on a machine that never ran it
	if err != nil {
		t.Fatal(err)
	}
	vars := exports(t, out)
	for _, name := range []string{"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_REGION"} {
		t.Setenv(name, vars[name])
	}
	ctx := context.Background()
	store, err := objstore.NewS3(ctx, objstore.S3Config{Endpoint: vars["FAREPIPE_S3_ENDPOINT"],
		Region: vars["AWS_REGION"], PathStyle: true, Bucket: vars["FAREPIPE_BUCKET"]})
	if err != nil {
		t.Fatal(err)
	}
	const key, body = "persist/object.txt", "kept\n"
	if err := store.Put(ctx, key, strings.NewReader(body), int64(len(body)), nil); err != nil {
		t.Fatal(err)
	}
	doc := vars["FAREPIPE_ES_URL"] + "/persist/_doc/1"
	if code := httpDo(t, http.MethodPut, doc+"?refresh=true", `{"kept":true}`); code != http.StatusCreated {
		t.Fatalf("PUT %s: HTTP %d, want 201", doc, code)
	}

	for _, name := range []string{"minio.pid", "es.pid"} {
		crash(t, filepath.Join(dir, name))
	}
	unlock := holdBuildLock(t)
	_, err = services(3*time.Minute, "up")
	unlock()
	if err != nil {
		t.Fatalf("up after a crash, with the build lock held (everything is built, so up must not wait for it): %v", err)
	}

	if code := httpDo(t, http.MethodGet, doc, ""); code != http.StatusOK {
		t.Errorf("GET %s after the restart: HTTP %d, want 200 (the index was lost)", doc, code)
	}
	if _, err := store.Stat(ctx, key); err != nil {
		t.Errorf("the object written before the restart: %v", err)
	}

	if _, err := services(2*time.Minute, "reset"); err != nil {
		t.Fatal(err)
	}
	for _, data := range []string{"minio-data", "es-home"} {
		if _, err := os.Stat(filepath.Join(dir, data)); !os.IsNotExist(err) {
			t.Errorf("%s after reset: %v, want it deleted", data, err)
		}
	}
}

// freePort returns a loopback port that is free, and so is the port plus
// also (MinIO's console takes the next port, Elasticsearch's transport the
// port plus 100).
func freePort(t *testing.T, also int) int {
	t.Helper()
	for range 20 {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		port := l.Addr().(*net.TCPAddr).Port
		if also == 0 {
			l.Close()
			return port
		}
		l2, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(port+also))
		l.Close()
		if err == nil {
			l2.Close()
			return port
		}
	}
	t.Fatal("no free loopback port found")
	return 0
}

// exports parses the export lines services.sh prints (values quoted by
// printf %q; the ones read here need no unquoting).
func exports(t *testing.T, out string) map[string]string {
	t.Helper()
	vars := map[string]string{}
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		name, value, ok := strings.Cut(strings.TrimPrefix(sc.Text(), "export "), "=")
		if ok {
			vars[name] = value
		}
	}
	if vars["FAREPIPE_ES_URL"] == "" || vars["FAREPIPE_S3_ENDPOINT"] == "" {
		t.Fatalf("services.sh up printed no endpoints:\n%s", out)
	}
	return vars
}

func httpDo(t *testing.T, method, url, body string) int {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	res.Body.Close()
	return res.StatusCode
}

// crash kills the process whose pid the file holds with SIGKILL and waits
// until it is gone.
func crash(t *testing.T, pidfile string) {
	t.Helper()
	b, err := os.ReadFile(pidfile)
	if err != nil {
		t.Fatal(err)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil {
		t.Fatalf("%s: %v", pidfile, err)
	}
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		t.Fatalf("killing pid %d of %s: %v", pid, pidfile, err)
	}
	for deadline := time.Now().Add(30 * time.Second); syscall.Kill(pid, 0) == nil; {
		if time.Now().After(deadline) {
			t.Fatalf("pid %d of %s still runs 30s after SIGKILL", pid, pidfile)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// holdBuildLock takes the cache's build lock (hack/lib.sh with_build_lock)
// as a long cluster build would, and returns its release. When another
// process holds it already, the lock is held anyway, and that is enough.
func holdBuildLock(t *testing.T) func() {
	t.Helper()
	cache := os.Getenv("FAREPIPE_CACHE")
	if cache == "" {
		dir, err := os.UserCacheDir() // $XDG_CACHE_HOME or ~/.cache, as lib.sh
		if err != nil {
			t.Fatal(err)
		}
		cache = filepath.Join(dir, "farepipe")
	}
	f, err := os.OpenFile(filepath.Join(cache, "build.lock"), os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		t.Logf("the build lock is held by another process already: %v", err)
	}
	return func() { f.Close() }
}
