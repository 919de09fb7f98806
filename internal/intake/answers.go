package intake

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strconv"

	"github.com/farepipe/farepipe/internal/ndjson"
	"github.com/farepipe/farepipe/internal/raw"
)

// AnswerSource is the source, in series keys, of the observations of
// plain answers: they are Amadeus' prices, as if farepipe had fetched them.
const AnswerSource = "amadeus"

// AnswerReader reads the plain Amadeus answers of an object in the way an
// ndjson.Reader reads lines: Next returns each answer (its JSON, compact
// or not) with the line it starts on, a *ndjson.LineError for text that is
// not JSON, an error wrapping ndjson.ErrTruncated when the object breaks
// off, and io.EOF at the end.
type AnswerReader struct {
	lines *ndjson.Reader // one answer per line
	dec   *json.Decoder  // answers laid out freely
	nl    *newlines
	done  bool
}

// NewAnswerReader reads the answers of an object Sniff found to hold
// them.
func NewAnswerReader(s *Sniffed) (*AnswerReader, error) {
	a := &AnswerReader{}
	if s.Lines {
		r, err := ndjson.NewReader(s.Body)
		if err != nil {
			return nil, err
		}
		a.lines = r
		return a, nil
	}
	a.nl = &newlines{r: s.Body}
	a.dec = json.NewDecoder(a.nl)
	return a, nil
}

// Next returns the next answer. The slice is valid until the next call.
func (a *AnswerReader) Next() ([]byte, int, error) {
	if a.lines != nil {
		return a.lines.Next()
	}
	if a.done {
		return nil, a.nl.lineAt(a.dec.InputOffset()), io.EOF
	}
	var doc json.RawMessage
	err := a.dec.Decode(&doc)
	end := a.dec.InputOffset()
	switch {
	case err == io.EOF:
		a.done = true
		return nil, a.nl.lineAt(end), io.EOF
	case err != nil:
		a.done = true // a decoder cannot resume after bad JSON
		n := a.nl.lineAt(end) + a.nl.skipBlank(end)
		var syn *json.SyntaxError
		if errors.Is(err, io.ErrUnexpectedEOF) || !errors.As(err, &syn) {
			return nil, n, fmt.Errorf("line %d: %w after %d bytes: %v", n, ndjson.ErrTruncated, a.nl.pos, err)
		}
		return nil, n, &ndjson.LineError{Line: n, Err: fmt.Errorf("not JSON: %w; the rest of the object is not read", err)}
	}
	n := a.nl.lineAt(end - int64(len(doc)))
	a.nl.forget(end)
	return doc, n, nil
}

// Offset returns how many uncompressed bytes have been read.
func (a *AnswerReader) Offset() int64 {
	if a.lines != nil {
		return a.lines.Offset()
	}
	return a.dec.InputOffset()
}

// answerMeta is the part of an Amadeus Flight Offers Search answer that
// may name the search it answers.
type answerMeta struct {
	Meta *struct {
		Links map[string]string `json:"links"`
	} `json:"meta"`
}

// Search returns the search an answer answers, as its meta.links.self
// names it (the URL of the GET as sent, city codes included), or nil when
// it names none: then the offers alone say what was priced.
func Search(doc []byte) *raw.Search {
	var m answerMeta
	if json.Unmarshal(doc, &m) != nil || m.Meta == nil {
		return nil
	}
	s, ok := searchFromURL(m.Meta.Links["self"])
	if !ok {
		return nil
	}
	return &s
}

// searchFromURL reads a search from the URL of a flight-offers GET.
func searchFromURL(self string) (raw.Search, bool) {
	u, err := url.Parse(self)
	if err != nil || self == "" {
		return raw.Search{}, false
	}
	q := u.Query()
	s := raw.Search{
		Origin:      q.Get("originLocationCode"),
		Destination: q.Get("destinationLocationCode"),
		Departure:   q.Get("departureDate"),
		Return:      q.Get("returnDate"),
		Cabin:       q.Get("travelClass"),
		NonStop:     q.Get("nonStop") == "true",
		Currency:    q.Get("currencyCode"),
		Adults:      1,
	}
	if n, err := strconv.Atoi(q.Get("adults")); err == nil {
		s.Adults = n
	}
	if n, err := strconv.Atoi(q.Get("max")); err == nil {
		s.Max = n
	}
	return s, s.Origin != "" && s.Destination != "" && s.Departure != ""
}

// newlines reads r and remembers where the lines it passed on begin, so
// that positions of a json.Decoder on it become line numbers.
type newlines struct {
	r     io.Reader
	pos   int64   // bytes read
	base  int     // newlines before the first of at
	at    []int64 // offsets of newlines not yet forgotten
	bytes []byte  // the bytes after the last forgotten position, for skipBlank
	from  int64   // offset of bytes[0]
}

func (n *newlines) Read(p []byte) (int, error) {
	k, err := n.r.Read(p)
	for i := 0; i < k; i++ {
		if p[i] == '\n' {
			n.at = append(n.at, n.pos+int64(i))
		}
	}
	n.bytes = append(n.bytes, p[:k]...)
	n.pos += int64(k)
	return k, err
}

// lineAt returns the 1-based line of the byte at offset off.
func (n *newlines) lineAt(off int64) int {
	line := n.base + 1
	for _, o := range n.at {
		if o >= off {
			break
		}
		line++
	}
	return line
}

// skipBlank returns how many line breaks follow off before anything but
// white space.
func (n *newlines) skipBlank(off int64) int {
	i := int(off - n.from)
	if i < 0 || i > len(n.bytes) {
		return 0
	}
	rest := n.bytes[i:]
	lead := len(rest) - len(bytes.TrimLeft(rest, " \t\r\n"))
	return bytes.Count(rest[:lead], []byte("\n"))
}

// forget drops what lies before off: lines before it are counted.
func (n *newlines) forget(off int64) {
	i := 0
	for i < len(n.at) && n.at[i] < off {
		i++
	}
	n.base += i
	n.at = n.at[i:]
	if cut := int(off - n.from); cut > 0 && cut <= len(n.bytes) {
		n.bytes = n.bytes[cut:]
		n.from = off
	}
}
