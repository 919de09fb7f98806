package objstore

import (
	"context"
	"fmt"
	"io"
	"os"
)

// Spool collects the bytes of an object in a temporary file, so that an
// object of any size is written with flat memory and stored in one Put
// once it is complete.
type Spool struct {
	f *os.File
}

// NewSpool creates a spool; name appears in the temporary file's name.
func NewSpool(name string) (*Spool, error) {
	f, err := os.CreateTemp("", "farepipe-"+name+"-*")
	if err != nil {
		return nil, fmt.Errorf("creating spool file: %w", err)
	}
	return &Spool{f: f}, nil
}

// Write appends to the spool.
func (s *Spool) Write(p []byte) (int, error) { return s.f.Write(p) }

// rewind returns the spooled size and moves back to the start.
func (s *Spool) rewind() (int64, error) {
	size, err := s.f.Seek(0, io.SeekCurrent)
	if err != nil {
		return 0, fmt.Errorf("sizing spool file: %w", err)
	}
	if _, err := s.f.Seek(0, io.SeekStart); err != nil {
		return 0, fmt.Errorf("rewinding spool file: %w", err)
	}
	return size, nil
}

// PutTo stores everything written so far under key of st.
func (s *Spool) PutTo(ctx context.Context, st Store, key string, meta map[string]string) error {
	size, err := s.rewind()
	if err != nil {
		return err
	}
	if err := st.Put(ctx, key, s.f, size, meta); err != nil {
		return fmt.Errorf("putting %s: %w", st.URI(key), err)
	}
	return nil
}

// CopyTo writes everything written so far to w.
func (s *Spool) CopyTo(w io.Writer) error {
	if _, err := s.rewind(); err != nil {
		return err
	}
	_, err := io.Copy(w, s.f)
	return err
}

// Close removes the spool.
func (s *Spool) Close() error {
	s.f.Close()
	return os.Remove(s.f.Name())
}

// Section returns a reader over everything written so far.
func (s *Spool) Section() (*io.SectionReader, error) {
	size, err := s.rewind()
	if err != nil {
		return nil, err
	}
	return io.NewSectionReader(s.f, 0, size), nil
}
