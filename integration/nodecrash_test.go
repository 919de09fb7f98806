package integration

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/elastic/go-elasticsearch/v8"

	"github.com/farepipe/farepipe/internal/fare"
)

// TestElasticsearchKilledMidIndexEndsAsOneOrderedPass kills the
// Elasticsearch node itself with SIGKILL while index writes to it, starts
// it again on its data, and runs index again until it succeeds, as Argo
// retries exit 1: every document must equal what one sequential run wrote
// on an untouched node. The node is one of its own (services.sh with a run
// directory and ports of its own), never the shared one.
func TestElasticsearchKilledMidIndexEndsAsOneOrderedPass(t *testing.T) {
	node := privateNode(t)
	seed := rand.Uint64()
	rng := rand.New(rand.NewPCG(seed, 17))
	ref := newEnv(t)
	got := newEnv(t)
	got.es, got.extraEnv = node.es, []string{"FAREPIPE_ES_URL=" + node.url}

	set := randomObservations(t, rng, 3000, 4)
	sorted := slices.Clone(set)
	slices.SortStableFunc(sorted, func(a, b fare.Observation) int { return a.ObservedAt.Compare(b.ObservedAt) })
	if sum, err := indexObservations(t, ref.es, ref.prefix, 1000, sorted); err != nil || !sum.Complete() {
		t.Fatalf("reference run: %s, %v", sum, err)
	}
	var lines [][]byte
	for _, o := range set {
		lines = append(lines, o.AppendJSON(nil))
	}
	uri := got.put("curated/nodecrash/all.ndjson.gz", gzipped(t, lines...))

	run := got.start("index", "--in", uri, "--chunk-size", "200", "--max-retries", "1", "--es-timeout", "5s")
	time.Sleep(time.Duration(300+rng.IntN(700)) * time.Millisecond)
	node.kill(t)
	err := run.Wait()
	t.Logf("index when the node died: %v", err)
	if err == nil {
		t.Fatalf("seed %d: index finished before the node was killed; the test proves nothing", seed)
	}
	node.up(t)
	for attempt := 1; ; attempt++ {
		r := got.run("index", "--in", uri)
		if r.code == 0 {
			break
		}
		if r.code != 1 || attempt == 10 {
			t.Fatalf("index after the restart, attempt %d: exit %d\n%s", attempt, r.code, r.stderr)
		}
		time.Sleep(2 * time.Second) // shards still recovering
	}
	if diff := diffIndices(ref, got); diff != "" {
		t.Fatalf("seed %d: %s", seed, diff)
	}
}

// node is an Elasticsearch node of the test's own.
type node struct {
	url string
	es  *elasticsearch.Client
	env []string // services.sh's environment: run directory and ports
	dir string
}

// privateNode starts services.sh's set in a run directory and on ports of
// the test's own, and stops it when the test ends (by the pids in that
// run directory: nothing else).
func privateNode(t *testing.T) *node {
	t.Helper()
	dir := t.TempDir()
	n := &node{dir: dir, env: append(os.Environ(), "FAREPIPE_RUN_DIR="+dir,
		"FAREPIPE_S3_PORT="+strconv.Itoa(freePort(t, 1)), "FAREPIPE_ES_PORT="+strconv.Itoa(freePort(t, 100)),
		"FAREPIPE_SQS_PORT="+strconv.Itoa(freePort(t, 0)), "FAREPIPE_ES_HEAP=512m")}
	t.Cleanup(func() {
		if _, err := n.services(2*time.Minute, "down"); err != nil {
			t.Error(err)
		}
	})
	n.up(t)
	return n
}

// up runs services.sh up and points n at the node.
func (n *node) up(t *testing.T) {
	t.Helper()
	out, err := n.services(5*time.Minute, "up")
	if err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "export FAREPIPE_ES_URL="); ok {
			n.url = v
		}
	}
	if n.url == "" {
		t.Fatalf("services.sh up printed no FAREPIPE_ES_URL:\n%s", out)
	}
	if n.es, err = elasticsearch.NewClient(elasticsearch.Config{Addresses: []string{n.url}}); err != nil {
		t.Fatal(err)
	}
}

func (n *node) services(timeout time.Duration, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, "../hack/services.sh", args...)
	cmd.Env, cmd.Stdout, cmd.Stderr = n.env, &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("services.sh %s: %w\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return stdout.String(), nil
}

// kill kills the node with SIGKILL and waits until it is gone.
func (n *node) kill(t *testing.T) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(n.dir, "es.pid"))
	if err != nil {
		t.Fatal(err)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil {
		t.Fatalf("es.pid: %v", err)
	}
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		t.Fatalf("killing the node, pid %d: %v", pid, err)
	}
	for deadline := time.Now().Add(30 * time.Second); syscall.Kill(pid, 0) == nil; {
		if time.Now().After(deadline) {
			t.Fatalf("the node, pid %d, still runs 30s after SIGKILL", pid)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// freePort returns a free loopback port such that port+also is free too
// (MinIO's console takes the next port, Elasticsearch's transport port+100).
func freePort(t *testing.T, also int) int {
	t.Helper()
	for range 50 {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		port := l.Addr().(*net.TCPAddr).Port
		l.Close()
		if also == 0 || port+also > 65535 {
			if also == 0 {
				return port
			}
			continue
		}
		if l2, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(port+also)); err == nil {
			l2.Close()
			return port
		}
	}
	t.Fatal("no free port pair")
	return 0
}
