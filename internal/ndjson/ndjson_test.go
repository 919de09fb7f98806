package ndjson

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
)

func write(t *testing.T, lines ...string) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := NewWriter(&buf)
	for _, l := range lines {
		if err := w.WriteLine([]byte(l)); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if w.Lines() != len(lines) {
		t.Errorf("Lines() = %d, want %d", w.Lines(), len(lines))
	}
	return buf.Bytes()
}

type rec struct {
	text string
	line int
	err  string
}

func readAll(t *testing.T, data []byte) []rec {
	t.Helper()
	r, err := NewReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	var out []rec
	for {
		b, n, err := r.Next()
		if err == io.EOF {
			return out
		}
		if err != nil {
			out = append(out, rec{line: n, err: err.Error()})
			var le *LineError
			if errors.As(err, &le) {
				continue
			}
			return out
		}
		out = append(out, rec{text: string(b), line: n})
	}
}

func TestReaderGzipAndPlain(t *testing.T) {
	for name, data := range map[string][]byte{
		"gzip":  write(t, `{"a":1}`, `{"b":2}`),
		"plain": []byte("{\"a\":1}\n\n{\"b\":2}"),
	} {
		got := readAll(t, data)
		if len(got) != 2 || got[0].text != `{"a":1}` || got[1].text != `{"b":2}` {
			t.Errorf("%s: read %+v", name, got)
		}
		if name == "plain" && got[1].line != 3 {
			t.Errorf("plain: second record on line %d, want 3 (blank lines count)", got[1].line)
		}
	}
}

func TestReaderTruncated(t *testing.T) {
	var lines []string
	for i := 0; i < 2000; i++ {
		lines = append(lines, `{"n":"`+strings.Repeat("x", i%97)+`"}`)
	}
	data := write(t, lines...)
	got := readAll(t, data[:len(data)/2])
	if len(got) < 2 {
		t.Fatalf("read %d records from half a stream", len(got))
	}
	last := got[len(got)-1]
	if !strings.Contains(last.err, "truncated") {
		t.Errorf("last result %+v, want a truncation error", last)
	}
	for _, r := range got[:len(got)-1] {
		if r.err != "" || r.text != lines[r.line-1] {
			t.Fatalf("record on line %d = %+v, want %q", r.line, r, lines[r.line-1])
		}
	}
}

func TestReaderLongLine(t *testing.T) {
	long := strings.Repeat("y", MaxLine+10)
	data := []byte("{\"ok\":1}\n" + long + "\n{\"ok\":2}\n")
	got := readAll(t, data)
	if len(got) != 3 || got[1].err == "" || got[1].line != 2 || got[2].text != `{"ok":2}` {
		t.Errorf("read %d results; want ok, a line-2 error, ok", len(got))
	}
}
