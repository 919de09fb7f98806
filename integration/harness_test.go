package integration

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/elastic/go-elasticsearch/v8"
	"github.com/elastic/go-elasticsearch/v8/esapi"

	"github.com/farepipe/farepipe/internal/esindex"
	"github.com/farepipe/farepipe/internal/objstore"
	"github.com/farepipe/farepipe/internal/testenv"
)

// bin holds the binaries built once for the package: fetch, land,
// transform, index and farepipe.
var bin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "farepipe-integration-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	bin = dir
	build := exec.Command("go", "build", "-o", dir+"/", "../steps/fetch", "../steps/land", "../steps/transform",
		"../steps/index", "../cmd/farepipe")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building binaries:", err)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// env is one test's view of the real services.
type env struct {
	t      *testing.T
	s3     testenv.S3Env
	es     *elasticsearch.Client
	prefix string // index prefix
	keys   string // key prefix in the bucket
	store  objstore.Store
	// extraEnv is added to the environment of the binaries run, after
	// the services' own (a later entry wins).
	extraEnv []string
}

func newEnv(t *testing.T) *env {
	t.Helper()
	s3env := testenv.S3(t)
	es, err := elasticsearch.NewClient(elasticsearch.Config{Addresses: []string{testenv.ES(t)}})
	if err != nil {
		t.Fatal(err)
	}
	store, err := objstore.NewS3(context.Background(), objstore.S3Config{Endpoint: s3env.Endpoint,
		Region: s3env.Region, PathStyle: true, Bucket: s3env.Bucket})
	if err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, s3: s3env, es: es, prefix: testenv.Unique(t, "it"), keys: testenv.Unique(t, "it"), store: store}
	t.Cleanup(e.deleteIndices)
	return e
}

// deleteIndices removes the test's indices, templates and lifecycle
// policy.
func (e *env) deleteIndices() {
	if err := esindex.DeletePrefix(context.Background(), e.es, e.prefix); err != nil {
		e.t.Errorf("deleting %s: %v", e.prefix, err)
	}
}

// result is what a binary did.
type result struct {
	code           int
	stdout, stderr string
	outputs        map[string]string
}

// run runs one of the built binaries with the services' environment and
// the test's index prefix, and collects its output parameters.
func (e *env) run(name string, args ...string) result {
	e.t.Helper()
	outDir := e.t.TempDir()
	cmd := exec.Command(filepath.Join(bin, name), args...)
	cmd.Env = append(os.Environ(), "FAREPIPE_INDEX_PREFIX="+e.prefix, "FAREPIPE_OUTPUT_DIR="+outDir)
	cmd.Env = append(cmd.Env, e.extraEnv...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	r := result{stdout: stdout.String(), stderr: stderr.String(), outputs: map[string]string{}}
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		r.code = exit.ExitCode()
	case err != nil:
		e.t.Fatalf("running %s: %v", name, err)
	}
	entries, _ := os.ReadDir(outDir)
	for _, ent := range entries {
		b, _ := os.ReadFile(filepath.Join(outDir, ent.Name()))
		r.outputs[ent.Name()] = string(b)
	}
	return r
}

// must runs a binary and fails the test unless it exits 0.
func (e *env) must(name string, args ...string) result {
	e.t.Helper()
	r := e.run(name, args...)
	if r.code != 0 {
		e.t.Fatalf("%s %s: exit %d\nstdout: %s\nstderr: %s", name, strings.Join(args, " "), r.code, r.stdout, r.stderr)
	}
	return r
}

// doc is one stored document.
type doc struct {
	Index   string         `json:"_index"`
	ID      string         `json:"_id"`
	Version int64          `json:"_version"`
	Source  map[string]any `json:"_source"`
}

// docs returns every document of the indices matching pattern, sorted by
// index and id, with their versions.
func (e *env) docs(pattern string) []doc {
	e.t.Helper()
	e.refresh()
	body := `{"size": 10000, "version": true, "query": {"match_all": {}}}`
	ignore := true
	res, err := esapi.SearchRequest{Index: []string{pattern}, Body: strings.NewReader(body),
		IgnoreUnavailable: &ignore, AllowNoIndices: &ignore}.Do(context.Background(), e.es)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	if res.IsError() {
		e.t.Fatalf("searching %s: %s", pattern, res.String())
	}
	var out struct {
		Hits struct {
			Hits []doc `json:"hits"`
		} `json:"hits"`
	}
	if err := json.NewDecoder(res.Body).Decode(&out); err != nil {
		e.t.Fatal(err)
	}
	d := out.Hits.Hits
	sort.Slice(d, func(i, j int) bool {
		if d[i].Index != d[j].Index {
			return d[i].Index < d[j].Index
		}
		return d[i].ID < d[j].ID
	})
	return d
}

func (e *env) observations() []doc { return e.docs(e.prefix + "-observations-*") }
func (e *env) latest() []doc       { return e.docs(e.prefix + "-latest") }

func (e *env) refresh() {
	ignore := true
	res, err := esapi.IndicesRefreshRequest{Index: []string{e.prefix + "-*"}, IgnoreUnavailable: &ignore,
		AllowNoIndices: &ignore}.Do(context.Background(), e.es)
	if err != nil {
		e.t.Fatal(err)
	}
	res.Body.Close()
}

// put stores body under key of the test's prefix and returns its URI.
func (e *env) put(key string, body []byte) string {
	e.t.Helper()
	full := e.keys + "/" + key
	if err := e.store.Put(context.Background(), full, bytes.NewReader(body), int64(len(body)), nil); err != nil {
		e.t.Fatal(err)
	}
	return e.store.URI(full)
}

// get reads the object of a URI in the bucket.
func (e *env) get(uri string) []byte {
	e.t.Helper()
	key := strings.TrimPrefix(uri, "s3://"+e.s3.Bucket+"/")
	r, _, err := e.store.Get(context.Background(), key)
	if err != nil {
		e.t.Fatalf("getting %s: %v", uri, err)
	}
	defer r.Close()
	b, err := io.ReadAll(r)
	if err != nil {
		e.t.Fatal(err)
	}
	return b
}
