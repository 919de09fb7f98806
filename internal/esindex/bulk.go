package esindex

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"time"

	"github.com/elastic/go-elasticsearch/v8/esutil"
)

// op is one bulk write.
type op struct {
	action  string // "create" or "index"
	index   string
	id      string
	version int64 // external version; 0 for none
	body    []byte
}

// answer is the final answer for one op.
type answer struct {
	class  class
	status int
	typ    string
	reason string
}

// sender writes ops through one long-lived esutil.BulkIndexer and retries,
// with jittered exponential backoff, only the items that failed with a
// retryable answer.
type sender struct {
	bi         esutil.BulkIndexer
	maxRetries int
	backoff    time.Duration
	maxBackoff time.Duration
	sleep      func(context.Context, time.Duration) error
	retries    int // items sent again
}

// send writes ops and returns one answer per op, in order. It returns an
// error only when ctx ends.
func (s *sender) send(ctx context.Context, ops []op) ([]answer, error) {
	answers := make([]answer, len(ops))
	pending := make([]int, len(ops))
	for i := range ops {
		pending[i] = i
	}
	for attempt := 0; len(pending) > 0; attempt++ {
		if attempt > 0 {
			if err := s.sleep(ctx, s.delay(attempt)); err != nil {
				return nil, err
			}
			s.retries += len(pending)
		}
		for _, i := range pending {
			if err := s.bi.Add(ctx, s.item(ops[i], &answers[i])); err != nil {
				return nil, fmt.Errorf("queueing bulk item %s: %w", ops[i].id, err)
			}
		}
		if err := s.bi.Flush(ctx); err != nil {
			return nil, fmt.Errorf("flushing bulk items: %w", err)
		}
		var again []int
		for _, i := range pending {
			if answers[i].class == classRetry && attempt < s.maxRetries {
				again = append(again, i)
			}
		}
		pending = again
	}
	return answers, nil
}

func (s *sender) item(o op, a *answer) esutil.BulkIndexerItem {
	it := esutil.BulkIndexerItem{
		Action:     o.action,
		Index:      o.index,
		DocumentID: o.id,
		Body:       bytes.NewReader(o.body),
		OnSuccess: func(_ context.Context, _ esutil.BulkIndexerItem, r esutil.BulkIndexerResponseItem) {
			*a = answer{class: classOK, status: r.Status}
		},
		OnFailure: func(_ context.Context, _ esutil.BulkIndexerItem, r esutil.BulkIndexerResponseItem, err error) {
			*a = answer{class: classify(r.Status, err), status: r.Status, typ: r.Error.Type, reason: r.Error.Reason}
			if err != nil {
				a.reason = err.Error()
			}
		},
	}
	if o.version > 0 {
		v := o.version
		it.Version = &v
		it.VersionType = "external"
	}
	return it
}

// delay is the wait before retry attempt n (1-based): exponential from the
// base, capped, with full jitter.
func (s *sender) delay(n int) time.Duration {
	d := s.backoff << (n - 1)
	if d > s.maxBackoff || d <= 0 {
		d = s.maxBackoff
	}
	return time.Duration(rand.Int64N(int64(d)) + 1)
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// bulkDecoder reads _bulk responses for the bulk indexer. Its fast path
// reads the shape Elasticsearch writes in one pass over the bytes; for
// anything it does not take exactly as encoding/json would (an escape in a
// string it keeps, a key differing only in case, a field given twice, an
// unexpected type, a syntax error) it decodes with encoding/json, the
// library's default, so results and errors do not change. Of each item it
// keeps what the sender reads, the status and the error's type and reason,
// and checks the types of the other fields without keeping them.
type bulkDecoder struct{}

var _ esutil.BulkResponseJSONDecoder = bulkDecoder{}

func (bulkDecoder) UnmarshalFromReader(r io.Reader, blk *esutil.BulkIndexerResponse) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	d := jsonScanner{b: data}
	if d.bulkResponse(blk) {
		return nil
	}
	*blk = esutil.BulkIndexerResponse{}
	return json.NewDecoder(bytes.NewReader(data)).Decode(blk)
}

var (
	responseFields = []string{"took", "errors", "items"}
	itemFields     = []string{"_index", "_id", "_version", "result", "status", "_seq_no", "_primary_term", "failure_store", "_shards", "error"}
	shardsFields   = []string{"total", "successful", "failed"}
	errorFields    = []string{"type", "reason", "caused_by"}
	causeFields    = []string{"type", "reason"}
)

func (d *jsonScanner) bulkResponse(blk *esutil.BulkIndexerResponse) bool {
	return d.object(responseFields, func(f int) bool {
		switch f {
		case 0:
			return d.null() || d.int(&blk.Took)
		case 1:
			return d.null() || d.bool(&blk.HasErrors)
		}
		if d.null() {
			blk.Items = nil
			return true
		}
		blk.Items = []map[string]esutil.BulkIndexerResponseItem{}
		return d.list(func() bool {
			var op string
			var it esutil.BulkIndexerResponseItem
			n := 0
			ok := d.anyObject(func(key []byte) bool {
				n++
				op = string(key)
				return d.item(&it)
			})
			if !ok || n != 1 {
				return false // no item or more than one: encoding/json keeps a map of them
			}
			blk.Items = append(blk.Items, map[string]esutil.BulkIndexerResponseItem{op: it})
			return true
		})
	})
}

func (d *jsonScanner) item(it *esutil.BulkIndexerResponseItem) bool {
	if d.null() {
		return true
	}
	return d.object(itemFields, func(f int) bool {
		if d.null() {
			return true
		}
		var discard int64
		switch f {
		case 0, 1, 3, 7: // _index, _id, result, failure_store: not read
			return d.str(nil)
		case 2, 5, 6: // _version, _seq_no, _primary_term: not read
			return d.int64(&discard)
		case 4:
			return d.int(&it.Status)
		case 8:
			return d.object(shardsFields, func(int) bool {
				var n int
				return d.null() || d.int(&n)
			})
		}
		return d.object(errorFields, func(f int) bool {
			switch {
			case d.null():
				return true
			case f == 0:
				return d.str(&it.Error.Type)
			case f == 1:
				return d.str(&it.Error.Reason)
			}
			return d.object(causeFields, func(f int) bool {
				var s string
				return d.null() || d.str(&s)
			})
		})
	})
}

// jsonScanner reads JSON straight from bytes, validating as it goes. Each
// method reads one value and reports false for anything it does not take.
type jsonScanner struct {
	b []byte
	i int
}

// object reads an object whose known keys are fields, calling field with
// the index of each once its value is next and skipping other values. It
// refuses a key given twice and one equal to a field but for case, which
// encoding/json would take for the field.
func (d *jsonScanner) object(fields []string, field func(int) bool) bool {
	var seen uint64
	return d.anyObject(func(key []byte) bool {
		for j, name := range fields {
			if len(name) != len(key) {
				continue
			}
			if string(key) == name {
				if seen&(1<<j) != 0 {
					return false
				}
				seen |= 1 << j
				return field(j)
			}
			if bytes.EqualFold(key, []byte(name)) {
				return false
			}
		}
		return d.skip()
	})
}

// anyObject reads an object, calling member with each key, plain ASCII
// without escapes, once its value is next.
func (d *jsonScanner) anyObject(member func(key []byte) bool) bool {
	if d.next() != '{' {
		return false
	}
	d.i++
	if d.next() == '}' {
		d.i++
		return true
	}
	for {
		key, plain, ok := d.string()
		if !ok || !plain || d.next() != ':' {
			return false
		}
		d.i++
		if !member(key) {
			return false
		}
		switch d.next() {
		case ',':
			d.i++
		case '}':
			d.i++
			return true
		default:
			return false
		}
	}
}

// list reads an array, calling elem for each element once it is next.
func (d *jsonScanner) list(elem func() bool) bool {
	if d.next() != '[' {
		return false
	}
	d.i++
	if d.next() == ']' {
		d.i++
		return true
	}
	for {
		if !elem() {
			return false
		}
		switch d.next() {
		case ',':
			d.i++
		case ']':
			d.i++
			return true
		default:
			return false
		}
	}
}

// str reads a string into p, or checks it when p is nil.
func (d *jsonScanner) str(p *string) bool {
	s, plain, ok := d.string()
	if !ok || p == nil {
		return ok
	}
	if !plain {
		return false
	}
	*p = string(s)
	return true
}

func (d *jsonScanner) int(p *int) bool {
	var v int64
	if !d.int64(&v) || int64(int(v)) != v {
		return false
	}
	*p = int(v)
	return true
}

// int64 reads an integer of at most 18 digits; anything else (a fraction,
// an exponent, a longer number) is left to encoding/json.
func (d *jsonScanner) int64(p *int64) bool {
	d.next()
	b, i := d.b, d.i
	neg := i < len(b) && b[i] == '-'
	if neg {
		i++
	}
	start := i
	var v int64
	for ; i < len(b) && b[i] >= '0' && b[i] <= '9'; i++ {
		v = v*10 + int64(b[i]-'0')
	}
	n := i - start
	if n == 0 || n > 18 || n > 1 && b[start] == '0' || i < len(b) && (b[i] == '.' || b[i] == 'e' || b[i] == 'E') {
		return false
	}
	if neg {
		v = -v
	}
	d.i, *p = i, v
	return true
}

func (d *jsonScanner) bool(p *bool) bool {
	switch {
	case d.literal("true"):
		*p = true
	case d.literal("false"):
		*p = false
	default:
		return false
	}
	return true
}

// null reads a null if one is next.
func (d *jsonScanner) null() bool { return d.literal("null") }

func (d *jsonScanner) literal(lit string) bool {
	d.next()
	if !bytes.HasPrefix(d.b[d.i:], []byte(lit)) {
		return false
	}
	d.i += len(lit)
	return true
}

// skip reads and validates any value, nested at most 64 deep.
func (d *jsonScanner) skip() bool {
	var stack uint64 // a bit a level, set for an object
	depth := 0
	for {
		switch d.next() {
		case '{', '[':
			obj := d.b[d.i] == '{'
			d.i++
			if c := d.next(); obj && c == '}' || !obj && c == ']' {
				d.i++
				break
			}
			if depth == 64 {
				return false
			}
			stack = stack&^(1<<depth) | b2u(obj)<<depth
			depth++
			if obj && !d.key() {
				return false
			}
			continue
		case '"':
			if _, _, ok := d.string(); !ok {
				return false
			}
		case 't':
			if !d.literal("true") {
				return false
			}
		case 'f':
			if !d.literal("false") {
				return false
			}
		case 'n':
			if !d.null() {
				return false
			}
		default:
			if !d.number() {
				return false
			}
		}
		for { // a value is complete: close what it completes
			if depth == 0 {
				return true
			}
			obj := stack&(1<<(depth-1)) != 0
			c := d.next()
			if c == ',' {
				d.i++
				if obj && !d.key() {
					return false
				}
				break
			}
			if obj && c == '}' || !obj && c == ']' {
				d.i++
				depth--
				continue
			}
			return false
		}
	}
}

func b2u(b bool) uint64 {
	if b {
		return 1
	}
	return 0
}

// key reads an object key and the colon after it.
func (d *jsonScanner) key() bool {
	if d.next() != '"' {
		return false
	}
	if _, _, ok := d.string(); !ok || d.next() != ':' {
		return false
	}
	d.i++
	return true
}

// string reads a string and returns its raw contents, and plain when they
// hold only printable ASCII and no escape. Escapes are checked, not
// decoded.
func (d *jsonScanner) string() (s []byte, plain, ok bool) {
	if d.next() != '"' {
		return nil, false, false
	}
	b := d.b
	start := d.i + 1
	plain = true
	for i := start; i < len(b); i++ {
		switch c := b[i]; {
		case c == '"':
			d.i = i + 1
			return b[start:i], plain, true
		case c == '\\':
			plain = false
			i++
			if i >= len(b) {
				return nil, false, false
			}
			switch b[i] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			case 'u':
				if i+4 >= len(b) || !isHex(b[i+1]) || !isHex(b[i+2]) || !isHex(b[i+3]) || !isHex(b[i+4]) {
					return nil, false, false
				}
				i += 4
			default:
				return nil, false, false
			}
		case c < 0x20:
			return nil, false, false
		case c > 0x7e:
			plain = false
		}
	}
	return nil, false, false
}

// number reads a number as the JSON grammar has it.
func (d *jsonScanner) number() bool {
	b, i := d.b, d.i
	if i < len(b) && b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case i < len(b) && b[i] >= '1' && b[i] <= '9':
		i = digits(b, i)
	default:
		return false
	}
	if i < len(b) && b[i] == '.' {
		j := digits(b, i+1)
		if j == i+1 {
			return false
		}
		i = j
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		j := digits(b, i)
		if j == i {
			return false
		}
		i = j
	}
	d.i = i
	return true
}

func digits(b []byte, i int) int {
	for i < len(b) && b[i] >= '0' && b[i] <= '9' {
		i++
	}
	return i
}

// next skips white space and returns the next byte, 0 at the end.
func (d *jsonScanner) next() byte {
	for d.i < len(d.b) {
		switch c := d.b[d.i]; c {
		case ' ', '\t', '\n', '\r':
			d.i++
		default:
			return c
		}
	}
	return 0
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}
