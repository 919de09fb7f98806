package land

import (
	"context"
	"errors"
	"io"
	"os"

	"github.com/klauspost/compress/gzip"

	"github.com/farepipe/farepipe/internal/objstore"
)

// isGzip reports whether body starts with the gzip magic number.
func isGzip(body io.ReaderAt, size int64) (bool, error) {
	if size < 2 {
		return false, nil
	}
	var magic [2]byte
	if _, err := body.ReadAt(magic[:], 0); err != nil && !errors.Is(err, io.EOF) {
		return false, err
	}
	return magic[0] == 0x1f && magic[1] == 0x8b, nil
}

// tempBatch is a gzip copy of a plain batch in a temporary file.
type tempBatch struct {
	f    *os.File
	size int64
}

func (t tempBatch) remove() {
	t.f.Close()
	os.Remove(t.f.Name())
}

// compress writes the gzip form of r to a temporary file in dir. The
// compressed bytes depend only on the input, so the same plain batch always
// gets the same hash.
func compress(ctx context.Context, dir string, r io.Reader) (tempBatch, error) {
	f, err := os.CreateTemp(dir, "land-*.ndjson.gz")
	if err != nil {
		return tempBatch{}, err
	}
	t := tempBatch{f: f}
	zw, err := gzip.NewWriterLevel(f, gzip.DefaultCompression)
	if err == nil {
		err = objstore.Copy(ctx, zw, r)
	}
	if err == nil {
		err = zw.Close()
	}
	if err == nil {
		t.size, err = f.Seek(0, io.SeekCurrent)
	}
	if err != nil {
		t.remove()
		return tempBatch{}, err
	}
	return t, nil
}
