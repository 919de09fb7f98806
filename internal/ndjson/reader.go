package ndjson

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"

	"github.com/klauspost/compress/gzip"
)

// MaxLine is the longest record a Reader accepts, in bytes. A longer line is
// reported as a LineError and skipped.
const MaxLine = 64 << 20

// ErrTruncated reports a stream that ended inside its compressed data or in
// the middle of a record: everything before it was read, the rest is lost.
var ErrTruncated = errors.New("stream truncated")

// LineError is a problem with one line that the reader skipped; reading can
// go on.
type LineError struct {
	Line int
	Err  error
}

func (e *LineError) Error() string { return fmt.Sprintf("line %d: %v", e.Line, e.Err) }
func (e *LineError) Unwrap() error { return e.Err }

// Reader reads records one line at a time from a gzip-compressed or plain
// NDJSON stream (it tells them apart by the gzip magic number). Memory is
// bounded by the longest line.
type Reader struct {
	br     *bufio.Reader
	line   int
	offset int64 // uncompressed bytes consumed
	buf    []byte
	done   bool
}

// NewReader returns a Reader on r.
func NewReader(r io.Reader) (*Reader, error) {
	br := bufio.NewReaderSize(r, 256<<10)
	magic, err := br.Peek(2)
	if err == nil && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("opening gzip stream: %w", err)
		}
		zr.Multistream(true)
		br = bufio.NewReaderSize(zr, 256<<10)
	}
	return &Reader{br: br}, nil
}

// Next returns the next non-empty record and its 1-based line number. The
// returned slice is valid until the next call. At the end it returns
// io.EOF. A *LineError (too long) means that line was skipped and Next may be
// called again; an error wrapping ErrTruncated ends the stream, and any
// other error is a read error that also ends it.
func (r *Reader) Next() ([]byte, int, error) {
	for {
		if r.done {
			return nil, r.line, io.EOF
		}
		r.buf = r.buf[:0]
		tooLong := false
		var err error
		for {
			var chunk []byte
			chunk, err = r.br.ReadSlice('\n')
			r.offset += int64(len(chunk))
			if !tooLong {
				if len(r.buf)+len(chunk) > MaxLine {
					tooLong = true
					r.buf = r.buf[:0]
				} else {
					r.buf = append(r.buf, chunk...)
				}
			}
			if err != bufio.ErrBufferFull {
				break
			}
		}
		if err != nil && err != io.EOF {
			r.done = true
			r.line++
			if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, gzip.ErrChecksum) || errors.Is(err, gzip.ErrHeader) {
				return nil, r.line, fmt.Errorf("line %d: %w after %d bytes: %v", r.line, ErrTruncated, r.offset, err)
			}
			return nil, r.line, fmt.Errorf("reading line %d: %w", r.line, err)
		}
		if err == io.EOF {
			r.done = true
			if len(r.buf) == 0 && !tooLong {
				return nil, r.line, io.EOF
			}
		}
		r.line++
		if tooLong {
			return nil, r.line, &LineError{Line: r.line, Err: fmt.Errorf("longer than %d bytes", MaxLine)}
		}
		rec := bytes.TrimSpace(r.buf)
		if len(rec) == 0 {
			continue
		}
		return rec, r.line, nil
	}
}

// Offset returns how many uncompressed bytes have been consumed.
func (r *Reader) Offset() int64 { return r.offset }
