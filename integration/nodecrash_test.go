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
	url  string
	es   *elasticsearch.Client
	vars map[string]string // what services.sh up exports
	env  []string          // services.sh's environment: run directory and ports
	dir  string
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
	n.vars = map[string]string{}
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		if kv, ok := strings.CutPrefix(sc.Text(), "export "); ok {
			k, v, _ := strings.Cut(kv, "=")
			n.vars[k] = v
		}
	}
	n.url = n.vars["FAREPIPE_ES_URL"]
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
func (n *node) kill(t *testing.T) { n.killService(t, "es.pid") }

// killService kills the service of pidfile in the run directory with
// SIGKILL and waits until it is gone.
func (n *node) killService(t *testing.T, pidfile string) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(n.dir, pidfile))
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
		time.Sleep(50 * time.Millisecond)
	}
}

// TestMinIOKilledMidRunEndsAsOneCleanRun kills MinIO itself with SIGKILL
// while land uploads a batch to it, and again while transform reads the
// raw object from it, starting it again on its data each time and running
// the step again until it succeeds, as Argo retries exit 1: the raw keys
// are those of a clean run, and the series indexed from the curated object
// equal, document by document, those of a clean run on an untouched
// MinIO. The MinIO is one of the test's own (services.sh with a run
// directory and ports of its own), never the shared one.
func TestMinIOKilledMidRunEndsAsOneCleanRun(t *testing.T) {
	node := privateNode(t)
	seed := rand.Uint64()
	rng := rand.New(rand.NewPCG(seed, 19))
	ref, got := newEnv(t), newEnv(t)
	got.extraEnv = []string{"FAREPIPE_S3_ENDPOINT=" + node.vars["FAREPIPE_S3_ENDPOINT"],
		"AWS_ACCESS_KEY_ID=" + node.vars["AWS_ACCESS_KEY_ID"], "AWS_SECRET_ACCESS_KEY=" + node.vars["AWS_SECRET_ACCESS_KEY"]}
	bucket := node.vars["FAREPIPE_BUCKET"]

	batch := t.TempDir() + "/batch.ndjson.gz"
	ref.must("fetch", "--routes", "ICN-NRT,ICN-KIX,GMP-HND,ICN-FUK", "--from", "2027-02-01", "--days", "90",
		"--stay", "3,7", "--observed-at", "2026-11-21T06:00:00Z", "--out", "file://"+batch)
	refLand := ref.must("land", "--in", batch, "--to", "s3://"+ref.s3.Bucket+"/"+ref.keys)
	ref.must("index", "--in", ref.must("transform", "--in", strings.TrimSpace(refLand.outputs["uris"])).outputs["curated"])

	// untilDone runs a step killed by a MinIO crash after a random time
	// again, once MinIO is back, until it exits 0; it may exit 1, never 2
	// or 3.
	untilDone := func(name string, args ...string) result {
		t.Helper()
		cmd := got.start(name, args...)
		time.Sleep(time.Duration(rng.IntN(400)) * time.Millisecond)
		node.killService(t, "minio.pid")
		err := cmd.Wait()
		node.up(t)
		t.Logf("%s when MinIO died: %v", name, err)
		for attempt := 1; ; attempt++ {
			r := got.run(name, args...)
			if r.code == 0 {
				return r
			}
			if r.code != 1 || attempt == 10 {
				t.Fatalf("%s after MinIO's restart, attempt %d: exit %d\n%s", name, attempt, r.code, r.stderr)
			}
			time.Sleep(time.Second)
		}
	}
	landed := untilDone("land", "--in", batch, "--to", "s3://"+bucket+"/"+got.keys)
	rawKeys := func(r result, prefix string) []string {
		var keys []string
		for _, u := range strings.Fields(r.outputs["uris"]) {
			_, key, _ := strings.Cut(u, prefix+"/")
			keys = append(keys, key)
		}
		return keys
	}
	if g, w := rawKeys(landed, got.keys), rawKeys(refLand, ref.keys); !slices.Equal(g, w) {
		t.Fatalf("seed %d: land after MinIO's crash wrote %v, a clean run %v", seed, g, w)
	}
	curated := untilDone("transform", "--in", strings.TrimSpace(landed.outputs["uris"])).outputs["curated"]
	got.must("index", "--in", curated)
	if diff := diffIndices(ref, got); diff != "" {
		t.Fatalf("seed %d: %s", seed, diff)
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
