package transform

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/farepipe/farepipe/internal/fetch"
	"github.com/farepipe/farepipe/internal/ndjson"
	"github.com/farepipe/farepipe/internal/raw"
	"github.com/farepipe/farepipe/internal/synthetic"
)

// benchObservedAt is when the synthetic market of the benchmarks is quoted.
var benchObservedAt = time.Date(2026, 11, 21, 6, 0, 0, 0, time.UTC)

// benchRoutes are the routes of the benchmark input: short, medium and long
// haul, domestic and international, so offers vary in size the way a real
// plan's do.
var benchRoutes = [][2]string{
	{"ICN", "NRT"}, {"ICN", "CJU"}, {"GMP", "HND"}, {"ICN", "BKK"}, {"ICN", "SIN"},
	{"HKG", "TPE"}, {"SYD", "BKK"}, {"SIN", "LHR"}, {"LHR", "JFK"}, {"CDG", "DXB"},
	{"FRA", "ORD"}, {"LAX", "HNL"}, {"SFO", "ICN"}, {"AMS", "IST"}, {"MAD", "FCO"},
	{"DOH", "MNL"},
}

// benchInput is the raw object of the transform benchmarks, made once per
// test binary run in a temporary directory.
type benchInput struct {
	dir       string
	gzipPath  string // as fetch writes it
	plainPath string // the same lines, uncompressed
	size      int64  // uncompressed bytes
	envelopes int
}

var (
	benchOnce sync.Once
	benchIn   benchInput
	benchErr  error
)

// TestMain removes the benchmark input after the run.
func TestMain(m *testing.M) {
	code := m.Run()
	if benchIn.dir != "" {
		os.RemoveAll(benchIn.dir)
	}
	os.Exit(code)
}

// loadBenchInput writes the benchmark input on first use: the synthetic
// provider answering every route × 60 departure dates × one way and three
// stays, fetched and compressed by fetch.Run exactly as the fetch step
// writes a batch (3 840 envelopes, about 48 MB of lines).
func loadBenchInput(b *testing.B) benchInput {
	b.Helper()
	benchOnce.Do(func() { benchIn, benchErr = writeBenchInput() })
	if benchErr != nil {
		b.Fatal(benchErr)
	}
	return benchIn
}

func writeBenchInput() (benchInput, error) {
	in := benchInput{}
	dir, err := os.MkdirTemp("", "farepipe-transform-bench-")
	if err != nil {
		return in, err
	}
	in.dir = dir
	var searches []raw.Search
	for _, r := range benchRoutes {
		for d := 0; d < 60; d++ {
			dep := benchObservedAt.AddDate(0, 0, 20+d)
			for _, stay := range []int{0, 3, 7, 14} {
				s := raw.Search{Origin: r[0], Destination: r[1], Departure: dep.Format("2006-01-02"), Adults: 1 + d%2}
				if stay > 0 {
					s.Return = dep.AddDate(0, 0, stay).Format("2006-01-02")
				}
				searches = append(searches, s)
			}
		}
	}
	var gz bytes.Buffer
	prov := synthetic.New(synthetic.Config{Seed: 7, ObservedAt: benchObservedAt})
	sum, err := fetch.Run(context.Background(), fetch.Config{Provider: prov, Searches: searches, Writer: &gz})
	if err != nil {
		return in, fmt.Errorf("fetching benchmark input: %w", err)
	}
	if sum.Written() != len(searches) {
		return in, fmt.Errorf("benchmark input: %d of %d searches written", sum.Written(), len(searches))
	}
	in.envelopes = sum.Written()
	in.size = sum.Bytes
	in.gzipPath = filepath.Join(dir, "raw.ndjson.gz")
	if err := os.WriteFile(in.gzipPath, gz.Bytes(), 0o644); err != nil {
		return in, err
	}
	plain, err := gunzip(gz.Bytes())
	if err != nil {
		return in, err
	}
	in.plainPath = filepath.Join(dir, "raw.ndjson")
	if err := os.WriteFile(in.plainPath, plain, 0o644); err != nil {
		return in, err
	}
	return in, nil
}

func gunzip(data []byte) ([]byte, error) {
	r, err := ndjson.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	var out bytes.Buffer
	for {
		line, _, err := r.Next()
		if err == io.EOF {
			return out.Bytes(), nil
		}
		if err != nil {
			return nil, err
		}
		out.Write(line)
		out.WriteByte('\n')
	}
}

// BenchmarkTransformRawGzip measures Run over a gzip raw object as the fetch
// step writes it, gunzip of the input and gzip of the outputs included. The
// MB/s figure is of uncompressed envelope lines.
func BenchmarkTransformRawGzip(b *testing.B) {
	benchmarkRun(b, loadBenchInput(b).gzipPath)
}

// BenchmarkTransformRawPlain measures Run over the same envelope lines
// uncompressed: the decoding and output cost without gunzip.
func BenchmarkTransformRawPlain(b *testing.B) {
	benchmarkRun(b, loadBenchInput(b).plainPath)
}

func benchmarkRun(b *testing.B, path string) {
	in := loadBenchInput(b)
	b.SetBytes(in.size)
	b.ReportAllocs()
	var sum Counts
	cpu0 := cpuTime(b)
	for b.Loop() {
		f, err := os.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		sum, err = StreamEnvelopes(b.Context(), f, io.Discard, io.Discard, Options{Source: "file://bench"})
		f.Close()
		if err != nil {
			b.Fatal(err)
		}
	}
	if sum.Envelopes != in.envelopes || sum.Bytes != in.size || sum.Observations == 0 || sum.Rejected() > 0 {
		b.Fatalf("summary %s bytes=%d, want %d envelopes of %d bytes, none rejected", sum, sum.Bytes, in.envelopes, in.size)
	}
	cpu := (cpuTime(b) - cpu0).Seconds()
	secs := b.Elapsed().Seconds()
	b.ReportMetric(float64(in.size)*float64(b.N)/cpu/1e6, "MB/cpu-s")
	b.ReportMetric(float64(sum.Envelopes)*float64(b.N)/secs, "envelopes/s")
	b.ReportMetric(float64(sum.Observations)*float64(b.N)/secs, "obs/s")
}

// cpuTime returns the CPU time (user and system) the process has used. On
// a shared machine wall time also counts the time other processes held the
// core; CPU time is what "per core" means.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
