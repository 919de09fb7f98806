package intake

import (
	"bytes"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/klauspost/compress/gzip"
)

const (
	envelopeLine  = `{"provider":"synthetic","request":{"origin":"ICN","destination":"NRT","departure_date":"2027-01-05","adults":1},"fetched_at":"2026-11-21T06:00:00Z","status":200,"body":{"data":[]}}`
	compactAnswer = `{"meta":{"count":0},"data":[]}`
	prettyAnswer  = "{\n  \"meta\": {\"count\": 0},\n  \"data\": []\n}\n"
	errorAnswer   = `{"errors":[{"status":400,"code":425,"title":"INVALID DATE"}]}`
	csvRows       = "orig,dest,date,total,cxr,direct\nICN,NRT,2027-01-05,235400,KE,true\n"
	ndjsonRow     = `{"orig":"ICN","dest":"NRT","date":"2027-01-05","total":235400,"cxr":"KE","direct":true}`
)

func gz(t testing.TB, s string) string {
	t.Helper()
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	if _, err := io.WriteString(zw, s); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// TestSniffLongLines checks that a first line longer than the window
// Sniff reads is still told apart: an envelope of a large answer, and a
// large answer on one line.
func TestSniffLongLines(t *testing.T) {
	offers := strings.Repeat(`{"id":"1","itineraries":[],"price":{"currency":"KRW","total":"1"}},`, sniffSize/60)
	long := `{"data":[` + offers + `{"id":"2"}]}`
	env := strings.Replace(envelopeLine, `"body":{"data":[]}`, `"body":`+long, 1)
	for _, tt := range []struct {
		name, in string
		want     Format
	}{
		{"envelope", env + "\n" + envelopeLine + "\n", Envelopes},
		{"answer", long + "\n" + compactAnswer + "\n", Answers},
	} {
		s, err := Sniff(strings.NewReader(tt.in), "k", nil)
		if err != nil || s.Format != tt.want {
			t.Errorf("%s: Sniff = %v, %v (%s), want %v", tt.name, s.Format, err, s.Reason, tt.want)
			continue
		}
		if body, _ := io.ReadAll(s.Body); string(body) != tt.in {
			t.Errorf("%s: Body is not the content", tt.name)
		}
	}
}

// semicolons returns the mapping constants reading CSV with ";".
func semicolons(t testing.TB) *Mapping {
	m := mustMapping(t, "constants")
	c := *m
	c.Name, c.Delimiter = "semicolons", ";"
	return &c
}

func TestSniff(t *testing.T) {
	maps := []*Mapping{mustMapping(t, "constants")}
	sample, err := os.ReadFile("../amadeus/testdata/offers_syd_bkk.json")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		in     string
		maps   []*Mapping
		want   Format
		lines  bool
		csv    bool
		reason string // part of the reason of Unknown
	}{
		{"envelopes", envelopeLine + "\n" + envelopeLine + "\n", nil, Envelopes, false, false, ""},
		{"envelopes gzip", gz(t, envelopeLine+"\n"), nil, Envelopes, false, false, ""},
		{"envelopes after a bad first line", "{not json\n" + envelopeLine + "\n", nil, Envelopes, false, false, ""},
		{"envelopes after a text line", "nope\n" + envelopeLine + "\n", nil, Envelopes, false, false, ""},
		{"answers after a text line", "<html>\n" + compactAnswer + "\n", nil, Answers, true, false, ""},
		{"broken envelope", `{"provider":"amadeus","fetched_at":"2026-11-22T00:00:05Z"}` + "\nnot json\n", nil, Envelopes, false, false, ""},
		{"row with a status column", `{"orig":"ICN","dest":"NRT","date":"2027-01-05","total":1,"cxr":"KE","direct":true,"status":"ok","provider":"x"}`, maps, Rows, false, false, ""},
		{"empty", "", nil, Envelopes, false, false, ""},
		{"blank", " \n\n", nil, Envelopes, false, false, ""},
		{"compact answer", compactAnswer, nil, Answers, true, false, ""},
		{"ndjson answers", compactAnswer + "\n" + errorAnswer + "\n", nil, Answers, true, false, ""},
		{"pretty answer", prettyAnswer, nil, Answers, false, false, ""},
		{"pretty answer gzip", gz(t, prettyAnswer), nil, Answers, false, false, ""},
		{"reference answer", string(sample), nil, Answers, false, false, ""},
		{"error answer", errorAnswer, nil, Answers, true, false, ""},
		{"pretty answer cut short", prettyAnswer[:20], nil, Answers, false, false, ""},
		{"csv rows", csvRows, maps, Rows, false, true, ""},
		{"csv rows with BOM and CRLF", "\xef\xbb\xbf" + strings.ReplaceAll(csvRows, "\n", "\r\n"), maps, Rows, false, true, ""},
		{"csv rows gzip", gz(t, csvRows), maps, Rows, false, true, ""},
		{"ndjson rows", ndjsonRow + "\n", maps, Rows, false, false, ""},
		{"csv without mapping", csvRows, nil, Unknown, false, false, "no mapping given (--mapping)"},
		{"csv with other columns", "a,b\n1,2\n", maps, Unknown, false, false, "mapping constants needs columns"},
		{"csv with semicolons", strings.ReplaceAll(csvRows, ",", ";"), []*Mapping{semicolons(t)}, Rows, false, true, ""},
		{"csv with semicolons, comma mapping", strings.ReplaceAll(csvRows, ",", ";"), maps, Unknown, false, false, "the first line is not a CSV header"},
		{"ndjson rows without mapping", ndjsonRow + "\n", nil, Unknown, false, false, `with fields [orig, dest, date, total, cxr, direct]`},
		{"json array", `[` + compactAnswer + `]`, nil, Unknown, false, false, "a JSON array"},
		{"pretty envelope", "{\n\"provider\": \"x\",\n\"body\": {}\n}", nil, Unknown, false, false, "envelopes must be one per line"},
		{"text", "hello", nil, Unknown, false, false, "not JSON, and the first line is not a CSV header"},
		{"answer not JSON", "{\"data\": [}\n", nil, Answers, false, false, ""},
		{"broken json", "{garbage\n", nil, Unknown, false, false, "breaks off or is not valid JSON"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := Sniff(strings.NewReader(tt.in), "incoming/x/file", tt.maps)
			if err != nil {
				t.Fatalf("Sniff: %v", err)
			}
			if s.Format != tt.want || s.Lines != tt.lines || s.CSV != tt.csv {
				t.Errorf("Sniff = %v (lines %v, csv %v; %s), want %v (lines %v, csv %v)", s.Format, s.Lines, s.CSV, s.Reason, tt.want, tt.lines, tt.csv)
			}
			if tt.want == Unknown {
				for _, f := range formatNames {
					if !strings.Contains(s.Reason, f) {
						t.Errorf("reason %q does not name the format %q", s.Reason, f)
					}
				}
				if !strings.Contains(s.Reason, tt.reason) {
					t.Errorf("reason %q does not say %q", s.Reason, tt.reason)
				}
				return
			}
			// Body replays the content from its first byte, uncompressed.
			body, err := io.ReadAll(s.Body)
			if err != nil {
				t.Fatalf("reading Body: %v", err)
			}
			plain := tt.in
			if zr, err := gzip.NewReader(strings.NewReader(tt.in)); err == nil {
				b, _ := io.ReadAll(zr)
				plain = string(b)
			}
			if string(body) != plain {
				t.Errorf("Body = %q, want %q", body, plain)
			}
		})
	}
}

// FuzzSniff checks that any content, compressed or not, is told one
// format, an unknown one with a reason naming every format tried, and
// that Body then replays the content whole.
func FuzzSniff(f *testing.F) {
	for _, s := range []string{envelopeLine, compactAnswer, prettyAnswer, errorAnswer, csvRows, ndjsonRow, "", "[1]", "{", "a,b\n", "\xef\xbb\xbf{}"} {
		f.Add([]byte(s), false)
		f.Add([]byte(s), true)
	}
	maps := []*Mapping{mustMapping(f, "constants"), mustMapping(f, "rows")}
	f.Fuzz(func(t *testing.T, in []byte, compress bool) {
		content := string(in)
		if compress {
			content = gz(t, content)
		}
		s, err := Sniff(strings.NewReader(content), "incoming/faresnap/x", maps)
		if err != nil {
			t.Fatalf("Sniff: %v", err)
		}
		switch s.Format {
		case Unknown:
			if !strings.Contains(s.Reason, formatNames[0]) || !strings.Contains(s.Reason, formatNames[2]) {
				t.Errorf("reason %q does not name the formats tried", s.Reason)
			}
		case Rows:
			if s.Mapping == nil {
				t.Error("rows without a mapping")
			}
		case Envelopes, Answers:
		default:
			t.Fatalf("format %v", s.Format)
		}
		body, err := io.ReadAll(s.Body)
		if err != nil {
			t.Fatalf("reading Body: %v", err)
		}
		if s.Format != Unknown && !bytes.Equal(body, in) && !(len(in) >= 2 && in[0] == 0x1f && in[1] == 0x8b) {
			t.Errorf("Body = %q, want the content %q", body, in)
		}
	})
}
