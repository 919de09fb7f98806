package intake

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/klauspost/compress/gzip"
)

// Format is a kind of raw object.
type Format int

// The formats Sniff tells apart, in the order it tries them.
const (
	Unknown   Format = iota
	Envelopes        // farepipe envelopes, one per line
	Answers          // Amadeus Flight Offers Search answers: one JSON document, or one per line
	Rows             // fare rows, CSV or NDJSON, read with a Mapping
)

func (f Format) String() string {
	switch f {
	case Envelopes:
		return "envelopes"
	case Answers:
		return "amadeus-answers"
	case Rows:
		return "fare-rows"
	default:
		return "unknown"
	}
}

// sniffSize is how much of an object's uncompressed start Sniff reads to
// tell its format.
const sniffSize = 1 << 20

// Sniffed is what Sniff found out about an object.
type Sniffed struct {
	Format Format
	// Body is the object's content from its first byte, uncompressed
	// (but for a gzip stream whose header is already broken, left to the
	// envelope reader to report).
	Body io.Reader
	// Lines reports, for Answers, one answer per line (NDJSON); otherwise
	// the answers are JSON documents laid out freely.
	Lines bool
	// CSV reports, for Rows, comma-separated rows with a header line;
	// otherwise one JSON object per line.
	CSV bool
	// Mapping reads the rows of a Rows object.
	Mapping *Mapping
	// Reason says, for Unknown, what each format lacked.
	Reason string
	// Head is, for Unknown, the start of the content, for the quarantine.
	Head string
}

// Sniff reads the start of r (gzip-compressed or not) and tells its
// format from the content alone; key only restricts which of maps may
// read fare rows (see Mapping.Match). It fails only on a read error
// before anything could be told; a stream that breaks off later is
// delivered to the reader of Body as it happened.
func Sniff(r io.Reader, key string, maps []*Mapping) (*Sniffed, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	if magic, err := br.Peek(2); err == nil && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			// Leave the broken stream to the envelope reader, which
			// quarantines it as truncated.
			return &Sniffed{Format: Envelopes, Body: br}, nil
		}
		zr.Multistream(true)
		return sniffPlain(bufio.NewReaderSize(zr, sniffSize), key, maps)
	}
	return sniffPlain(bufio.NewReaderSize(br, sniffSize), key, maps)
}

// utf8BOM starts some CSV files written on Windows.
var utf8BOM = []byte{0xef, 0xbb, 0xbf}

func sniffPlain(br *bufio.Reader, key string, maps []*Mapping) (*Sniffed, error) {
	head, err := br.Peek(sniffSize)
	atEOF := err == io.EOF
	if err != nil && err != io.EOF && len(head) == 0 && !isTruncation(err) {
		return nil, fmt.Errorf("reading the start of the object: %w", err)
	}
	s := &Sniffed{Body: br}
	text := bytes.TrimPrefix(head, utf8BOM)
	trimmed := bytes.TrimLeft(text, " \t\r\n")
	if len(trimmed) == 0 {
		s.Format = Envelopes // no record: the envelope reader counts none
		return s, nil
	}
	var tried []string
	// The first line that is a JSON object decides, wherever it is: a
	// broken first line does not hide the format of the others.
	if f, ok := sniffJSONLines(s, head, atEOF, key, maps, &tried); ok {
		s.Format = f
		return s, nil
	}
	switch {
	case len(tried) > 0:
		// A JSON object of no format: tried says why.
	case trimmed[0] == '{':
		if f, ok := sniffJSONDocument(s, trimmed, key, maps, &tried); ok {
			s.Format = f
			return s, nil
		}
	case trimmed[0] == '[':
		tried = append(tried, "a JSON array is none of them: give one JSON document per answer, or one object per line")
	default: // not JSON: CSV
		if f, ok := sniffCSV(s, text, key, maps, &tried); ok {
			s.Format = f
			return s, nil
		}
	}
	s.Format = Unknown
	s.Reason = "not a format transform reads; tried " + strings.Join(formatNames, ", ") + ": " + strings.Join(tried, "; ")
	h := trimmed
	if len(h) > 512 {
		h = h[:512]
	}
	s.Head = string(bytes.ToValidUTF8(h, []byte("\uFFFD")))
	return s, nil
}

// formatNames name the formats in unknown-format reasons.
var formatNames = []string{
	"farepipe envelopes (NDJSON)",
	"Amadeus Flight Offers Search answers (JSON or NDJSON)",
	"fare rows (CSV or NDJSON, with a mapping)",
}

// sniffJSONLines classifies the first line of head that is a whole JSON
// object; tried collects why a line fit no format.
func sniffJSONLines(s *Sniffed, head []byte, atEOF bool, key string, maps []*Mapping, tried *[]string) (Format, bool) {
	rest := head
	for len(rest) > 0 {
		line, more, found := bytes.Cut(rest, []byte("\n"))
		if !found && !atEOF {
			break // an incomplete last line of the window
		}
		rest = more
		line = bytes.TrimSpace(bytes.TrimPrefix(line, utf8BOM))
		if len(line) == 0 || line[0] != '{' || !json.Valid(line) {
			continue
		}
		keys := objectKeys(line)
		switch f := classify(keys); f {
		case Envelopes:
			return f, true
		case Answers:
			s.Lines = true
			return f, true
		default:
			m, why := selectMapping(maps, key, keys)
			if m == nil && envelopeLike(keys) {
				// A broken envelope: the envelope reader says what
				// it lacks.
				return Envelopes, true
			}
			if m == nil {
				*tried = append(*tried, "a JSON object with fields "+quoteList(keys)+" is neither an envelope (needs \"body\" and \"request\") nor an answer (needs \"data\" or \"errors\"), and as fare rows: "+why)
				return Unknown, false
			}
			s.Mapping = m
			return Rows, true
		}
	}
	return Unknown, false
}

// sniffJSONDocument classifies content whose first JSON value spans
// several lines: a pretty-printed answer.
func sniffJSONDocument(s *Sniffed, trimmed []byte, key string, maps []*Mapping, tried *[]string) (Format, bool) {
	keys, complete := leadingKeys(trimmed)
	f := classify(keys)
	if !complete && len(keys) > 0 && f == Rows && onlyAnswerFields(keys) {
		// An answer that breaks off before its data: the answer
		// reader says where.
		f = Answers
	}
	switch f {
	case Answers:
		return Answers, true
	case Envelopes:
		if !bytes.Contains(trimmed, []byte("\n")) {
			// One envelope line longer than the window: a large answer.
			return Envelopes, true
		}
		*tried = append(*tried, "a pretty-printed envelope: envelopes must be one per line")
	default:
		switch {
		case len(keys) == 0 && !complete:
			*tried = append(*tried, "the first JSON object breaks off or is not valid JSON")
		default:
			*tried = append(*tried, "a JSON document with fields "+quoteList(keys)+" is not an answer (needs \"data\" or \"errors\"), and fare rows must be one object per line")
		}
	}
	return Unknown, false
}

// sniffCSV classifies text whose first line may be a CSV header, read
// with the delimiter of each mapping (a comma first).
func sniffCSV(s *Sniffed, text []byte, key string, maps []*Mapping, tried *[]string) (Format, bool) {
	line, _, _ := bytes.Cut(text, []byte("\n"))
	commas := []rune{','}
	for _, m := range maps {
		if !slices.Contains(commas, m.comma()) {
			commas = append(commas, m.comma())
		}
	}
	var why []string
	for _, comma := range commas {
		r := csv.NewReader(bytes.NewReader(line))
		r.Comma = comma
		header, err := r.Read()
		if err != nil || len(header) < 2 {
			continue
		}
		for i := range header {
			header[i] = strings.TrimSpace(header[i])
		}
		var group []*Mapping
		for _, m := range maps {
			if m.comma() == comma {
				group = append(group, m)
			}
		}
		if len(group) == 0 && len(maps) > 0 {
			continue
		}
		m, w := selectMapping(group, key, header)
		if m != nil {
			s.Mapping, s.CSV = m, true
			return Rows, true
		}
		why = append(why, "as CSV fare rows with columns "+quoteList(header)+": "+w)
	}
	if len(why) == 0 {
		*tried = append(*tried, "not JSON, and the first line is not a CSV header")
	} else {
		*tried = append(*tried, "not JSON, and "+strings.Join(why, "; "))
	}
	return Unknown, false
}

// envelopeFields are the fields of an envelope besides "body".
var envelopeFields = []string{"request", "provider", "fetched_at", "status"}

// answerFields are the top-level members of an Amadeus answer.
var answerFields = []string{"data", "meta", "dictionaries", "warnings", "errors"}

// classify tells a JSON object's format from its top-level fields: an
// envelope has "body" and one of envelopeFields; an answer has "data" or
// "errors" and only answerFields; anything else may be a row.
func classify(keys []string) Format {
	has := func(k string) bool { return slices.Contains(keys, k) }
	if has("body") {
		for _, k := range envelopeFields {
			if has(k) {
				return Envelopes
			}
		}
	}
	if !has("data") && !has("errors") || !onlyAnswerFields(keys) {
		return Rows
	}
	return Answers
}

// envelopeLike reports whether an object has two or more fields of an
// envelope besides "body": an envelope that lacks some, unless a mapping
// reads it as a row.
func envelopeLike(keys []string) bool {
	n := 0
	for _, k := range envelopeFields {
		if slices.Contains(keys, k) {
			n++
		}
	}
	return n >= 2
}

// onlyAnswerFields reports whether every key is a member of an answer.
func onlyAnswerFields(keys []string) bool {
	for _, k := range keys {
		if !slices.Contains(answerFields, k) {
			return false
		}
	}
	return true
}

// objectKeys returns the top-level field names of a valid JSON object.
func objectKeys(obj []byte) []string {
	keys, _ := leadingKeys(obj)
	return keys
}

// leadingKeys returns the top-level field names of the JSON object at the
// start of b, as far as b holds it, and whether it holds all of it.
func leadingKeys(b []byte) ([]string, bool) {
	dec := json.NewDecoder(bytes.NewReader(b))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil, false
	}
	var keys []string
	for {
		t, err := dec.Token()
		if err != nil {
			return keys, false
		}
		k, ok := t.(string)
		if !ok {
			return keys, t == json.Delim('}')
		}
		keys = append(keys, k)
		if err := skipValue(dec); err != nil {
			return keys, false
		}
	}
}

// skipValue reads one JSON value of dec by tokens.
func skipValue(dec *json.Decoder) error {
	depth := 0
	for {
		t, err := dec.Token()
		if err != nil {
			return err
		}
		switch t {
		case json.Delim('{'), json.Delim('['):
			depth++
		case json.Delim('}'), json.Delim(']'):
			depth--
		}
		if depth == 0 {
			return nil
		}
	}
}

func quoteList(names []string) string {
	if len(names) > 12 {
		names = append(names[:12:12], "…")
	}
	return "[" + strings.Join(names, ", ") + "]"
}

// isTruncation reports whether err is a stream breaking off.
func isTruncation(err error) bool {
	return err == io.ErrUnexpectedEOF || err == gzip.ErrChecksum || err == gzip.ErrHeader
}
