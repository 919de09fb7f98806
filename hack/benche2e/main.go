// Command benche2e measures the pipeline end to end on the local services:
// N raw objects uploaded to the bucket, then every one transformed and
// indexed until all are searchable, for several N, in two ways:
//
//   - ingest: `farepipe ingest` per object, transform and index in one
//     process (what `farepipe run` does after its fetch);
//   - chained: the step binaries as the farepipe-ingest WorkflowTemplate
//     runs them, `transform` (its curated object read from --output-dir)
//     and then `index`, two processes per object.
//
// The objects are daily polls of the synthetic provider (written by the
// fetch step; ≈ 10 MB of answers each), each asking the same routes for
// the 110 departure dates after its day, so an object updates the series
// the objects before it created and adds one date, as a daily
// collection's objects do. Each (N, way) pair gets fresh indices and fresh
// keys; the two ways of one N run back to back, in turns (the first N
// ingest first, the next chained first, ...) after an unreported warm-up
// of each, and must end with the same documents. It prints a table
// (seconds per object, how it grows with N) and writes a PNG plot of it.
//
//	eval "$(hack/services.sh up)"
//	go run ./hack/benche2e -n 1,10,100 -png bin/bench/e2e.png
//
// It reads the settings of hack/services.sh from the environment
// (FAREPIPE_S3_ENDPOINT, FAREPIPE_BUCKET, FAREPIPE_ES_URL and the
// credentials) and deletes its objects' indices at the end unless -keep.
package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/elastic/go-elasticsearch/v8"

	"github.com/farepipe/farepipe/internal/esindex"
	"github.com/farepipe/farepipe/internal/objstore"
)

// The searches of every object: 4 routes × the 110 departure dates after
// its day × one-way and a 7-day stay, ≈ 10 MB of answers.
const (
	routes = "ICN-NRT,LHR-JFK,SIN-SYD,FRA-ORD"
	days   = "110"
	stays  = "0,7"
)

// firstPoll is when the first object was observed; object i is observed i
// days later, all in the past (transform quarantines what was observed
// ahead of its clock).
var firstPoll = time.Date(2026, 7, 1, 6, 0, 0, 0, time.UTC)

// ways are the two ways of ingesting, in the order each N runs them.
var ways = []string{"ingest", "chained"}

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "benche2e:", err)
		os.Exit(1)
	}
}

func run() error {
	nList := flag.String("n", "1,10,100", "how many objects to upload and ingest, comma-separated")
	pngPath := flag.String("png", "", "write the plot of seconds per object against N to this PNG file")
	keep := flag.Bool("keep", false, "keep the indices and the uploaded objects")
	flag.Parse()
	ns, err := parseCounts(*nList)
	if err != nil {
		return err
	}
	env, err := readEnv()
	if err != nil {
		return err
	}
	ctx := context.Background()
	work, err := os.MkdirTemp("", "farepipe-benche2e-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)

	bin := filepath.Join(work, "bin")
	if err := build(bin); err != nil {
		return err
	}
	objects, rawBytes, err := writePolls(bin, filepath.Join(work, "polls"), slices.Max(ns))
	if err != nil {
		return err
	}
	store, _, err := objstore.Open(ctx, "s3://"+env.bucket+"/", objstore.S3Config{Endpoint: env.s3, PathStyle: true})
	if err != nil {
		return err
	}
	es, err := elasticsearch.NewClient(elasticsearch.Config{Addresses: []string{env.es}})
	if err != nil {
		return err
	}

	stamp := time.Now().UTC().Format("20060102t150405")
	fmt.Printf("%d objects of %.1f MB of answers on average (gzip as fetch writes them), %s; S3 %s, ES %s\n",
		len(objects), float64(rawBytes)/float64(len(objects))/1e6, routeText(), env.s3, env.es)
	fmt.Println("| N | way | upload s | until all searchable, s | s per object | change points | latest documents |")
	fmt.Println("|---:|---|---:|---:|---:|---:|---:|")
	b := bench{bin: bin, store: store, es: es, objects: objects, keep: *keep}
	for _, way := range ways { // warm-up: templates, caches, the node's JIT
		if _, err := b.trial(ctx, trial{way: way, n: 1, prefix: fmt.Sprintf("bench-e2e-%s-warmup-%s", stamp, way)}); err != nil {
			return err
		}
	}
	var pairs [][2]result // by N, in the order of ways
	for i, n := range ns {
		order := slices.Clone(ways)
		if i%2 == 1 {
			slices.Reverse(order)
		}
		var pair [2]result
		for _, way := range order {
			r, err := b.trial(ctx, trial{way: way, n: n, prefix: fmt.Sprintf("bench-e2e-%s-%s-n%d", stamp, way, n)})
			if err != nil {
				return err
			}
			fmt.Printf("| %d | %s | %.2f | %.2f | %.3f | %d | %d |\n", n, way, r.upload.Seconds(), r.total.Seconds(),
				r.perObject(), r.docs.changes, r.docs.latest)
			pair[slices.Index(ways, way)] = r
		}
		if pair[0].docs != pair[1].docs {
			return fmt.Errorf("%d objects: %s ended with %+v documents, %s with %+v", n, ways[0], pair[0].docs, ways[1], pair[1].docs)
		}
		pairs = append(pairs, pair)
	}
	fmt.Println()
	fmt.Printf("| N | %s over %s (time) | %s s per object over N=%d's | %s, same |\n", ways[1], ways[0], ways[0], ns[0], ways[1])
	fmt.Println("|---:|---:|---:|---:|")
	for _, p := range pairs {
		fmt.Printf("| %d | %.2f× | %.2f× | %.2f× |\n", p[0].n, p[1].total.Seconds()/p[0].total.Seconds(),
			p[0].perObject()/pairs[0][0].perObject(), p[1].perObject()/pairs[0][1].perObject())
	}
	if *pngPath != "" {
		if err := plotPerObject(pairs, *pngPath); err != nil {
			return err
		}
		fmt.Println("\nplot:", *pngPath)
	}
	return nil
}

type settings struct{ s3, bucket, es string }

func readEnv() (settings, error) {
	s := settings{s3: os.Getenv("FAREPIPE_S3_ENDPOINT"), bucket: os.Getenv("FAREPIPE_BUCKET"), es: os.Getenv("FAREPIPE_ES_URL")}
	if s.s3 == "" || s.bucket == "" || s.es == "" {
		return s, errors.New(`the services are not set (FAREPIPE_S3_ENDPOINT, FAREPIPE_BUCKET, FAREPIPE_ES_URL): eval "$(hack/services.sh up)"`)
	}
	return s, nil
}

func parseCounts(list string) ([]int, error) {
	var ns []int
	for _, f := range strings.Split(list, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 {
			return nil, fmt.Errorf("-n %q: want positive counts separated by commas", list)
		}
		ns = append(ns, n)
	}
	slices.Sort(ns)
	return slices.Compact(ns), nil
}

func routeText() string {
	return fmt.Sprintf("daily polls of %s × the %s departure dates after the poll × stays %s", routes, days, stays)
}

// build builds the binaries as make build does.
func build(dir string) error {
	cmd := exec.Command("go", "build", "-trimpath", "-o", dir+"/",
		"./steps/fetch", "./steps/transform", "./steps/index", "./cmd/farepipe")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go build: %w\n%s", err, out)
	}
	return nil
}

// writePolls writes n polls of the same searches with the fetch step and
// returns their paths and the bytes of answers they hold in all.
func writePolls(bin, dir string, n int) ([]string, int64, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, 0, err
	}
	var paths []string
	var total int64
	for i := range n {
		path := filepath.Join(dir, fmt.Sprintf("poll-%03d.ndjson.gz", i))
		at := firstPoll.AddDate(0, 0, i)
		if err := runBin(bin, "fetch", "--provider", "synthetic", "--seed", "1", "--observed-at", at.Format(time.RFC3339),
			"--routes", routes, "--from", at.AddDate(0, 0, 1).Format(time.DateOnly), "--days", days, "--stay", stays,
			"--log-level", "warn", "--out", "file://"+path); err != nil {
			return nil, 0, err
		}
		size, err := answerBytes(path)
		if err != nil {
			return nil, 0, err
		}
		paths, total = append(paths, path), total+size
	}
	return paths, total, nil
}

// runBin runs one of the built binaries; its standard error is in the
// error when it fails.
func runBin(bin, name string, args ...string) error {
	var stderr bytes.Buffer
	cmd := exec.Command(filepath.Join(bin, name), args...)
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s %s: %w\n%s", name, strings.Join(args, " "), err, stderr.Bytes())
	}
	return nil
}

// bench holds what every trial uses.
type bench struct {
	bin     string
	store   objstore.Store
	es      *elasticsearch.Client
	objects []string // the polls, oldest first
	keep    bool     // keep the indices and objects of each trial
}

// trial runs t and deletes what it wrote unless b.keep.
func (b bench) trial(ctx context.Context, t trial) (result, error) {
	r, err := t.run(ctx, b.bin, b.store, b.es, b.objects)
	if !b.keep {
		err = errors.Join(err, t.cleanup(ctx, b.store, b.es))
	}
	if err != nil {
		return r, fmt.Errorf("%s, %d objects: %w", t.way, t.n, err)
	}
	return r, nil
}

type trial struct {
	way    string
	n      int
	prefix string // index prefix, and the name part of the uploaded keys
}

type result struct {
	trial
	upload, total time.Duration
	docs          counts
}

func (r result) perObject() float64 { return r.total.Seconds() / float64(r.n) }

type counts struct{ changes, latest int64 }

// key is the raw key of object i, as a crawler would upload it.
func (t trial) key(i int) string { return fmt.Sprintf("%spoll-%03d.ndjson.gz", t.keyPrefix("raw"), i) }

// keyPrefix begins the keys of t's objects in an area of the bucket: the
// raw objects, and what transform and index write for them under the same
// key in the other areas.
func (t trial) keyPrefix(area string) string {
	return fmt.Sprintf("%s/source=bench-e2e/date=%s/%s-", area, firstPoll.Format(time.DateOnly), t.prefix)
}

// run uploads the first t.n objects, ingests them one after another in
// upload order, and counts the documents once all are searchable. The
// time runs from the first upload to that count.
func (t trial) run(ctx context.Context, bin string, store objstore.Store, es *elasticsearch.Client, objects []string) (result, error) {
	r := result{trial: t}
	start := time.Now()
	for i, path := range objects[:t.n] {
		if err := upload(ctx, store, t.key(i), path); err != nil {
			return r, err
		}
	}
	r.upload = time.Since(start)
	for i := range t.n {
		if err := t.ingest(bin, store.URI(t.key(i))); err != nil {
			return r, err
		}
	}
	var err error
	r.docs, err = countDocuments(ctx, es, t.prefix)
	r.total = time.Since(start)
	if err == nil && r.docs.latest == 0 {
		err = fmt.Errorf("nothing searchable under %s", t.prefix)
	}
	return r, err
}

// ingest takes one raw object to Elasticsearch in t's way.
func (t trial) ingest(bin, in string) error {
	prefix := "--index-prefix=" + t.prefix
	if t.way == "ingest" {
		return runBin(bin, "farepipe", "ingest", "--in", in, prefix, "--log-level", "warn")
	}
	outputs, err := os.MkdirTemp("", "farepipe-benche2e-outputs-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(outputs)
	if err := runBin(bin, "transform", "--in", in, "--output-dir", outputs, "--log-level", "warn"); err != nil {
		return err
	}
	curated, err := os.ReadFile(filepath.Join(outputs, "curated"))
	if err != nil {
		return fmt.Errorf("transform of %s wrote no curated output: %w", in, err)
	}
	return runBin(bin, "index", "--in", strings.TrimSpace(string(curated)), prefix, "--log-level", "warn")
}

func upload(ctx context.Context, store objstore.Store, key, path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return err
	}
	return store.Put(ctx, key, f, st.Size(), nil)
}

// countDocuments counts the change points and the latest documents under
// prefix.
func countDocuments(ctx context.Context, es *elasticsearch.Client, prefix string) (counts, error) {
	var c counts
	var err error
	if c.changes, err = count(ctx, es, esindex.ObservationsPattern(prefix)); err != nil {
		return c, err
	}
	c.latest, err = count(ctx, es, esindex.LatestIndex(prefix))
	return c, err
}

func count(ctx context.Context, es *elasticsearch.Client, index string) (int64, error) {
	res, err := es.Count(es.Count.WithContext(ctx), es.Count.WithIndex(index))
	if err != nil {
		return 0, err
	}
	defer res.Body.Close()
	if res.IsError() {
		b, _ := io.ReadAll(res.Body)
		return 0, fmt.Errorf("counting %s: %s %s", index, res.Status(), b)
	}
	var body struct {
		Count int64 `json:"count"`
	}
	return body.Count, json.NewDecoder(res.Body).Decode(&body)
}

// cleanup deletes t's indices and the objects it uploaded and wrote.
func (t trial) cleanup(ctx context.Context, store objstore.Store, es *elasticsearch.Client) error {
	err := esindex.DeletePrefix(ctx, es, t.prefix)
	for _, area := range []string{"raw", "curated", "quarantine", "dead-letter"} {
		for info, lerr := range store.List(ctx, t.keyPrefix(area)) {
			if lerr != nil {
				return errors.Join(err, lerr)
			}
			err = errors.Join(err, store.Delete(ctx, info.Key))
		}
	}
	return err
}

// answerBytes returns the uncompressed size of the gzip file at path.
func answerBytes(path string) (int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", path, err)
	}
	return io.Copy(io.Discard, zr)
}
