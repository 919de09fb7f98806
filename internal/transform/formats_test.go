package transform

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/klauspost/compress/gzip"

	"github.com/farepipe/farepipe/internal/fare"
	"github.com/farepipe/farepipe/internal/intake"
)

// modified is the Last-Modified of every test object.
var modified = fetchedAt.Add(-time.Minute)

// anyResult is what Stream made of one input, as a golden file holds it.
type anyResult struct {
	Format       string           `json:"format"`
	Instant      string           `json:"instant,omitempty"`
	InstantFrom  string           `json:"instant_from,omitempty"`
	Mapping      string           `json:"mapping,omitempty"`
	Summary      Counts           `json:"summary"`
	Observations []map[string]any `json:"observations"`
	Quarantine   []map[string]any `json:"quarantine"`
}

func runAny(t testing.TB, in []byte, ik Intake) anyResult {
	t.Helper()
	var cur, qua bytes.Buffer
	if ik.LastModified.IsZero() {
		ik.LastModified = modified
	}
	sum, rd, err := Stream(context.Background(), bytes.NewReader(in), &cur, &qua, Options{Source: "s3://b/" + ik.Key,
		Times: fare.TimeBounds{Now: func() time.Time { return clock }}, Intake: ik})
	if err != nil {
		t.Fatalf("Stream: %v", err)
	}
	res := anyResult{Format: rd.Format.String(), Mapping: rd.Mapping, Summary: sum,
		Observations: readAll(t.(*testing.T), cur.Bytes()), Quarantine: readAll(t.(*testing.T), qua.Bytes())}
	if res.Observations == nil {
		res.Observations = []map[string]any{}
	}
	if res.Quarantine == nil {
		res.Quarantine = []map[string]any{}
	}
	if !rd.Instant.At.IsZero() {
		res.Instant, res.InstantFrom = fare.FormatTime(rd.Instant.At), rd.Instant.From
	}
	return res
}

func readFixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "byo", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func gzipBytes(t *testing.T, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func faresnap(t *testing.T) []*intake.Mapping {
	t.Helper()
	m, err := intake.ParseMapping("faresnap", readFixture(t, "faresnap.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	return []*intake.Mapping{m}
}

// TestStreamGolden runs every format transform reads, with the bad records
// each may hold, against golden files: what became observations, what was
// quarantined and why, and the counts.
func TestStreamGolden(t *testing.T) {
	pretty := readFixture(t, "answer-pretty.json")
	zipped := gzipBytes(t, pretty)
	rowsCSV := readFixture(t, "rows.csv")
	tests := []struct {
		name string
		in   []byte
		ik   Intake
	}{
		// No meta: each offer is keyed by what it flies (ICN-NRT and
		// GMP-HND); the key names the instant.
		{"answer-pretty", pretty, Intake{Key: "incoming/acme/2026-11-21T06:00:00Z/answer.json"}},
		// The same answer compressed, instant from Last-Modified.
		{"answer-pretty-gzip", zipped, Intake{Key: "incoming/acme/answer.json.gz"}},
		// A city-code search bounding its offers, an empty answer with a
		// warning, an error answer, a line that is not JSON, 2 adults.
		{"answers-ndjson", readFixture(t, "answers.ndjson"), Intake{Key: "incoming/acme/answers.ndjson", ObservedAt: fetchedAt}},
		// The gzip stream and the answer both break off.
		{"answer-truncated", zipped[:len(zipped)*2/3], Intake{Key: "incoming/acme/answer.json.gz"}},
		// Rows with a mapping: the cheaper row of a series wins, bad rows
		// are quarantined with their line and reason.
		{"rows-csv", rowsCSV, Intake{Key: "incoming/faresnap/rows.csv", Mappings: faresnap(t)}},
		{"rows-csv-truncated", gzipBytes(t, rowsCSV)[:len(gzipBytes(t, rowsCSV))-12], Intake{Key: "incoming/faresnap/rows.csv.gz", Mappings: faresnap(t)}},
		// Rows without a mapping are no format transform reads.
		{"rows-csv-no-mapping", rowsCSV, Intake{Key: "incoming/faresnap/rows.csv"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := json.MarshalIndent(runAny(t, tt.in, tt.ik), "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			golden := filepath.Join("testdata", "byo", tt.name+".golden.json")
			if *update {
				if err := os.WriteFile(golden, append(got, '\n'), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(append(got, '\n'), want) {
				t.Errorf("result differs from %s (run with -update after checking):\n%s", golden, got)
			}
		})
	}
}

// TestStreamUnknownFormat checks that content of no known format is one
// quarantine entry naming the formats tried, and counts as an input
// nothing could be processed of (exit 3 in the step).
func TestStreamUnknownFormat(t *testing.T) {
	for _, in := range []string{"hello world\n", "[1,2,3]", "<html><body>502 Bad Gateway</body></html>", "{\n\"x\": 1\n}"} {
		res := runAny(t, []byte(in), Intake{Key: "incoming/x/y.json", Mappings: faresnap(t)})
		if res.Format != "unknown" || len(res.Quarantine) != 1 || len(res.Observations) != 0 || !res.Summary.Empty() {
			t.Errorf("Stream(%q) = %s, %d rejections, %d observations, empty %v; want unknown, 1, 0, true",
				in, res.Format, len(res.Quarantine), len(res.Observations), res.Summary.Empty())
			continue
		}
		reason, _ := res.Quarantine[0]["reason"].(string)
		for _, f := range []string{"farepipe envelopes", "Amadeus Flight Offers Search answers", "fare rows"} {
			if !strings.Contains(reason, f) {
				t.Errorf("Stream(%q): reason %q does not name %q", in, reason, f)
			}
		}
	}
}

// FuzzStream checks the promise of every input: no panic, no error, and
// every record ends in exactly one outcome. An object of no known format
// is exactly one quarantine entry; otherwise each rejection is one line,
// answer or row counted as rejected, and each accepted row stands in
// exactly one observation.
func FuzzStream(f *testing.F) {
	for _, name := range []string{"answer-pretty.json", "answers.ndjson", "rows.csv"} {
		b, err := os.ReadFile(filepath.Join("testdata", "byo", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
		f.Add(b[:len(b)/2])
	}
	for _, s := range []string{"", "x", "[]", "{}", "a,b\n1,2\n", `{"from":"ICN"}`} {
		f.Add([]byte(s))
	}
	m, err := intake.ParseMapping("faresnap", []byte(`source: faresnap
columns: {from: origin, to: destination, depart: departure, back: return, price: price, ccy: currency, airline: carrier, class: cabin, stops: stops, pax: adults, seen: observed_at}
layouts: {observed_at: "2006-01-02 15:04"}`))
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		res := runAny(t, in, Intake{Key: "incoming/x/2026-11-21T06:00:00Z/y", Mappings: []*intake.Mapping{m}})
		s := res.Summary
		if len(res.Quarantine) != s.Rejected() {
			t.Fatalf("%d quarantine entries, summary rejects %d (%s)", len(res.Quarantine), s.Rejected(), s)
		}
		if len(res.Observations) != s.Observations {
			t.Fatalf("%d observations written, summary says %d", len(res.Observations), s.Observations)
		}
		switch res.Format {
		case "unknown":
			if len(res.Quarantine) != 1 || s.Lines != 1 {
				t.Fatalf("unknown format: %d quarantine entries, %d lines; want 1, 1", len(res.Quarantine), s.Lines)
			}
		case "fare-rows":
			if s.Lines != s.Rows+s.RejectedLines {
				t.Fatalf("%d rows read, %d accepted + %d rejected", s.Lines, s.Rows, s.RejectedLines)
			}
			stood := 0
			for _, o := range res.Observations {
				stood += int(o["offers"].(float64))
			}
			if stood != s.Rows {
				t.Fatalf("observations stand for %d rows, %d accepted", stood, s.Rows)
			}
		default:
			if s.Lines != s.Envelopes+s.RejectedLines {
				t.Fatalf("%d records read, %d usable + %d rejected", s.Lines, s.Envelopes, s.RejectedLines)
			}
		}
	})
}
