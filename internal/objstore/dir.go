package objstore

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"syscall"
)

const (
	metaSuffix = ".meta.json" // sidecar holding an object's metadata
	tmpPrefix  = ".tmp-"      // temporary file of a Put in progress
)

// Dir is a Store in a local directory: key "a/b.gz" is the file
// <root>/a/b.gz.
type Dir struct {
	root string
}

var _ Store = (*Dir)(nil)

// NewDir returns a Store rooted at the directory root ("" means the working
// directory). Put creates directories as needed.
func NewDir(root string) *Dir {
	if root == "" {
		root = "."
	}
	return &Dir{root: filepath.Clean(root)}
}

// URI returns "file://" followed by the object's path.
func (d *Dir) URI(key string) string {
	p := filepath.ToSlash(filepath.Join(d.root, filepath.FromSlash(key)))
	if p == "." {
		return "file://."
	}
	return "file://" + p
}

// path checks key and returns the file holding it. Keys are slash-separated
// paths that stay inside the root and avoid the reserved names.
func (d *Dir) path(key string) (string, error) {
	if err := checkKey(key); err != nil {
		return "", err
	}
	if !fs.ValidPath(key) || key == "." {
		return "", rejected(fmt.Errorf("key %q is not a clean relative path", key))
	}
	if reserved(path.Base(key)) {
		return "", rejected(fmt.Errorf("key %q uses a name reserved for metadata or temporary files", key))
	}
	return filepath.Join(d.root, filepath.FromSlash(key)), nil
}

func reserved(base string) bool {
	return strings.HasSuffix(base, metaSuffix) || strings.HasPrefix(base, tmpPrefix)
}

// Put writes body to a temporary file beside the target and renames it into
// place, so a reader never sees a partial object. The metadata sidecar is
// renamed into place just before the data; a Put without metadata removes
// an old sidecar.
func (d *Dir) Put(ctx context.Context, key string, body io.Reader, size int64, meta map[string]string) error {
	if err := d.put(ctx, key, body, size, meta); err != nil {
		return fmt.Errorf("putting %s: %w", d.URI(key), err)
	}
	return nil
}

func (d *Dir) put(ctx context.Context, key string, body io.Reader, size int64, meta map[string]string) error {
	p, err := d.path(key)
	if err != nil {
		return err
	}
	m, err := cleanMeta(meta)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	tmp, err := stage(ctx, filepath.Dir(p), &sizedReader{r: body, want: size})
	if err != nil {
		return err
	}
	defer os.Remove(tmp) // a no-op once renamed
	if m != nil {
		b, err := json.Marshal(m)
		if err != nil {
			return err
		}
		metaTmp, err := stage(ctx, filepath.Dir(p), bytes.NewReader(b))
		if err != nil {
			return err
		}
		defer os.Remove(metaTmp)
		if err := os.Rename(metaTmp, p+metaSuffix); err != nil {
			return err
		}
	}
	if err := os.Rename(tmp, p); err != nil {
		return err
	}
	if m == nil {
		if err := os.Remove(p + metaSuffix); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
	}
	return nil
}

// stage copies r into a new temporary file in dir, flushed to disk, and
// returns its path. On error nothing is left behind.
func stage(ctx context.Context, dir string, r io.Reader) (string, error) {
	f, err := os.CreateTemp(dir, tmpPrefix+"*")
	if err != nil {
		return "", err
	}
	err = Copy(ctx, f, r)
	if err == nil {
		err = f.Chmod(0o644)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(f.Name())
		return "", err
	}
	return f.Name(), nil
}

// Copy copies r to w until r ends, checking ctx between chunks, so that a
// cancelled context stops a long copy.
func Copy(ctx context.Context, w io.Writer, r io.Reader) error {
	buf := make([]byte, 256<<10)
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		n, err := r.Read(buf)
		if n > 0 {
			if _, werr := w.Write(buf[:n]); werr != nil {
				return werr
			}
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// Get opens the file holding key.
func (d *Dir) Get(ctx context.Context, key string) (io.ReadCloser, Info, error) {
	p, err := d.path(key)
	if err != nil {
		return nil, Info{}, fmt.Errorf("getting %s: %w", d.URI(key), err)
	}
	f, err := os.Open(p)
	if err != nil {
		return nil, Info{}, fmt.Errorf("getting %s: %w", d.URI(key), notExist(err))
	}
	info, err := d.info(key, p, f.Stat)
	if err != nil {
		f.Close()
		return nil, Info{}, fmt.Errorf("getting %s: %w", d.URI(key), err)
	}
	return f, info, nil
}

// Stat describes the file holding key and reads its metadata sidecar.
func (d *Dir) Stat(ctx context.Context, key string) (Info, error) {
	p, err := d.path(key)
	if err != nil {
		return Info{}, fmt.Errorf("statting %s: %w", d.URI(key), err)
	}
	info, err := d.info(key, p, func() (fs.FileInfo, error) { return os.Stat(p) })
	if err != nil {
		return Info{}, fmt.Errorf("statting %s: %w", d.URI(key), err)
	}
	return info, nil
}

// Delete removes the file holding key, then its metadata sidecar. A key
// that names no file, or a directory (a prefix, not an object), is no
// error.
func (d *Dir) Delete(ctx context.Context, key string) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("deleting %s: %w", d.URI(key), err)
	}
	if err := d.delete(key); err != nil {
		return fmt.Errorf("deleting %s: %w", d.URI(key), err)
	}
	return nil
}

func (d *Dir) delete(key string) error {
	p, err := d.path(key)
	if err != nil {
		return err
	}
	fi, err := os.Lstat(p)
	if err != nil {
		if errors.Is(notExist(err), ErrNotExist) {
			return nil
		}
		return err
	}
	if fi.IsDir() {
		return nil
	}
	if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	if err := os.Remove(p + metaSuffix); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}

func (d *Dir) info(key, p string, stat func() (fs.FileInfo, error)) (Info, error) {
	fi, err := stat()
	if err != nil {
		return Info{}, notExist(err)
	}
	if !fi.Mode().IsRegular() {
		return Info{}, ErrNotExist // a directory is a prefix, not an object
	}
	info := fileInfo(key, fi)
	b, err := os.ReadFile(p + metaSuffix)
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return Info{}, fmt.Errorf("reading metadata: %w", err)
	default:
		if err := json.Unmarshal(b, &info.Metadata); err != nil {
			return Info{}, fmt.Errorf("decoding metadata %s: %w", p+metaSuffix, err)
		}
	}
	return info, nil
}

func fileInfo(key string, fi fs.FileInfo) Info {
	return Info{
		Key:          key,
		Size:         fi.Size(),
		ETag:         fmt.Sprintf("%x-%x", fi.ModTime().UnixNano(), fi.Size()),
		LastModified: fi.ModTime().UTC(),
	}
}

// notExist maps a missing file to ErrNotExist and keeps any other error.
func notExist(err error) error {
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) {
		return ErrNotExist
	}
	return err
}
