package ndjson

import (
	"io"

	"github.com/klauspost/compress/gzip"
)

// Writer writes records as gzip-compressed NDJSON.
type Writer struct {
	zw    *gzip.Writer
	lines int
	bytes int64
}

// NewWriter returns a Writer on w. Close must be called to end the gzip
// stream; it does not close w.
func NewWriter(w io.Writer) *Writer {
	zw, _ := gzip.NewWriterLevel(w, gzip.DefaultCompression)
	return &Writer{zw: zw}
}

// WriteLine writes one record; the newline is added.
func (w *Writer) WriteLine(record []byte) error {
	if _, err := w.zw.Write(record); err != nil {
		return err
	}
	if _, err := w.zw.Write(newline); err != nil {
		return err
	}
	w.lines++
	w.bytes += int64(len(record)) + 1
	return nil
}

var newline = []byte{'\n'}

// Lines returns how many records were written.
func (w *Writer) Lines() int { return w.lines }

// Bytes returns the uncompressed size written.
func (w *Writer) Bytes() int64 { return w.bytes }

// Close flushes and ends the gzip stream.
func (w *Writer) Close() error { return w.zw.Close() }
