package esindex

import (
	"bytes"
	"encoding/json"
	"io"
	"sync"

	"github.com/elastic/go-elasticsearch/v8/esutil"

	"github.com/farepipe/farepipe/internal/jsonscan"
)

// bulkDecoder reads _bulk responses for the bulk indexer. Its fast path
// reads the shape Elasticsearch writes in one pass over the bytes; for
// anything it does not take exactly as encoding/json would (an escape in a
// string it keeps, a key differing only in case, a field given twice, an
// unexpected type, a syntax error) it decodes with encoding/json, the
// library's default, so results and errors do not change. Of each item it
// keeps what the sender reads, the status and the error's type and reason,
// and checks the types of the other fields without keeping them.
//
// The library wants each item as a map of one operation. The fast path
// reuses the maps of earlier responses once recycle says they are no
// longer read, instead of three allocations an item.
type bulkDecoder struct {
	mu   sync.Mutex
	free []bulkItems // decoded before the last recycle: free to reuse
	lent []bulkItems // decoded since
	buf  []*bytes.Buffer
}

type bulkItems = []map[string]esutil.BulkIndexerResponseItem

var _ esutil.BulkResponseJSONDecoder = (*bulkDecoder)(nil)

// UnmarshalFromReader implements esutil.BulkResponseJSONDecoder.
func (dec *bulkDecoder) UnmarshalFromReader(r io.Reader, blk *esutil.BulkIndexerResponse) error {
	buf := dec.buffer()
	defer dec.putBuffer(buf)
	if _, err := buf.ReadFrom(r); err != nil {
		return err
	}
	data := buf.Bytes()
	d := bulkScanner{Scanner: jsonscan.New(data), dec: dec}
	ok := d.bulkResponse(blk)
	dec.mu.Lock()
	switch {
	case ok && blk.Items != nil:
		dec.lent = append(dec.lent, blk.Items)
	case !ok && d.reused != nil && len(dec.free) < maxFree:
		dec.free = append(dec.free, d.reused)
	}
	dec.mu.Unlock()
	if ok {
		return nil
	}
	*blk = esutil.BulkIndexerResponse{}
	return json.NewDecoder(bytes.NewReader(data)).Decode(blk)
}

// maxFree bounds the responses kept for reuse: a send flushes one a
// worker.
const maxFree = 16

// recycle makes the items of every response decoded so far free for
// reuse. Call it only when the bulk indexer has finished with all of them:
// after a Flush that returned nil, with no Add since.
func (dec *bulkDecoder) recycle() {
	if dec == nil {
		return
	}
	dec.mu.Lock()
	for _, items := range dec.lent {
		if len(dec.free) < maxFree {
			dec.free = append(dec.free, items)
		}
	}
	clear(dec.lent)
	dec.lent = dec.lent[:0]
	dec.mu.Unlock()
}

// take returns free items whose first map is of operation op, or nil.
func (dec *bulkDecoder) take(op string) bulkItems {
	dec.mu.Lock()
	defer dec.mu.Unlock()
	for i, items := range dec.free {
		if len(items) > 0 && hasOnly(items[0], op) {
			last := len(dec.free) - 1
			dec.free[i] = dec.free[last]
			dec.free[last] = nil
			dec.free = dec.free[:last]
			return items
		}
	}
	return nil
}

func (dec *bulkDecoder) buffer() *bytes.Buffer {
	dec.mu.Lock()
	defer dec.mu.Unlock()
	if n := len(dec.buf); n > 0 {
		b := dec.buf[n-1]
		dec.buf = dec.buf[:n-1]
		b.Reset()
		return b
	}
	return new(bytes.Buffer)
}

func (dec *bulkDecoder) putBuffer(b *bytes.Buffer) {
	dec.mu.Lock()
	dec.buf = append(dec.buf, b)
	dec.mu.Unlock()
}

func hasOnly(m map[string]esutil.BulkIndexerResponseItem, op string) bool {
	_, ok := m[op]
	return ok && len(m) == 1
}

// bulkScanner is the fast path of one response.
type bulkScanner struct {
	jsonscan.Scanner
	dec    *bulkDecoder // where to find items to reuse; nil for none
	reused bulkItems    // the items of an earlier response being reused
}

var (
	responseFields = []string{"took", "errors", "items"}
	itemFields     = []string{"_index", "_id", "_version", "result", "status", "_seq_no", "_primary_term", "failure_store", "_shards", "error"}
	shardsFields   = []string{"total", "successful", "failed"}
	errorFields    = []string{"type", "reason", "caused_by"}
	causeFields    = []string{"type", "reason"}
)

func (d *bulkScanner) bulkResponse(blk *esutil.BulkIndexerResponse) bool {
	return d.Object(responseFields, func(f int) bool {
		switch f {
		case 0:
			return d.Null() || d.Int(&blk.Took)
		case 1:
			return d.Null() || d.Bool(&blk.HasErrors)
		}
		if d.Null() {
			blk.Items = nil
			return true
		}
		blk.Items = bulkItems{}
		return d.Array(func() bool {
			var op string
			var it esutil.BulkIndexerResponseItem
			n := 0
			ok := d.AnyObject(func(key []byte) bool {
				n++
				op = opName(key)
				return d.item(&it)
			})
			if !ok || n != 1 {
				return false // no item or more than one: encoding/json keeps a map of them
			}
			blk.Items = append(blk.Items, d.itemMap(blk, op, &it))
			return true
		})
	})
}

// itemMap returns the map of the next item of blk. It reuses the items of
// an earlier response whose first is of the same operation, and each map
// of them that holds the same operation: setting the value of a key a map
// has allocates nothing.
func (d *bulkScanner) itemMap(blk *esutil.BulkIndexerResponse, op string, it *esutil.BulkIndexerResponseItem) map[string]esutil.BulkIndexerResponseItem {
	i := len(blk.Items)
	if i == 0 && d.dec != nil {
		if d.reused = d.dec.take(op); d.reused != nil {
			blk.Items = d.reused[:0] // appends overwrite each map after it is read
		}
	}
	if i < len(d.reused) {
		if m := d.reused[i]; hasOnly(m, op) {
			m[op] = *it
			return m
		}
	}
	return map[string]esutil.BulkIndexerResponseItem{op: *it}
}

// opName returns the operation of an item as a string, without allocating
// for the four there are.
func opName(key []byte) string {
	for _, name := range [...]string{"create", "index", "update", "delete"} {
		if string(key) == name {
			return name
		}
	}
	return string(key)
}

func (d *bulkScanner) item(it *esutil.BulkIndexerResponseItem) bool {
	if d.Null() {
		return true
	}
	return d.Object(itemFields, func(f int) bool {
		if d.Null() {
			return true
		}
		var discard int64
		switch f {
		case 0, 1, 3, 7: // _index, _id, result, failure_store: not read
			_, _, ok := d.RawString()
			return ok
		case 2, 5, 6: // _version, _seq_no, _primary_term: not read
			return d.Int64(&discard)
		case 4:
			return d.Int(&it.Status)
		case 8:
			return d.Object(shardsFields, func(int) bool {
				var n int
				return d.Null() || d.Int(&n)
			})
		}
		return d.Object(errorFields, func(f int) bool {
			switch {
			case d.Null():
				return true
			case f == 0:
				return d.Str(&it.Error.Type)
			case f == 1:
				return d.Str(&it.Error.Reason)
			}
			return d.Object(causeFields, func(int) bool {
				if d.Null() {
					return true
				}
				_, _, ok := d.RawString()
				return ok
			})
		})
	})
}
