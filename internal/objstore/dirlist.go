package objstore

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"iter"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
)

// List walks the directory below prefix and yields the objects whose keys
// start with prefix, sorted by key as S3 sorts them. Sidecars, temporary
// files and anything but regular files are left out.
func (d *Dir) List(ctx context.Context, prefix string) iter.Seq2[Info, error] {
	return func(yield func(Info, error) bool) {
		infos, err := d.list(ctx, prefix)
		if err != nil {
			yield(Info{}, fmt.Errorf("listing %s: %w", d.URI(prefix), err))
			return
		}
		for _, info := range infos {
			if !yield(info, nil) {
				return
			}
		}
	}
}

func (d *Dir) list(ctx context.Context, prefix string) ([]Info, error) {
	start := "."
	if i := strings.LastIndex(prefix, "/"); i > 0 {
		start = prefix[:i]
	}
	if !fs.ValidPath(start) {
		return nil, fmt.Errorf("prefix %q is not a clean relative path", prefix)
	}
	var infos []Info
	err := filepath.WalkDir(filepath.Join(d.root, filepath.FromSlash(start)), func(p string, e fs.DirEntry, err error) error {
		if errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) {
			return nil // nothing there, or removed while walking
		}
		if err != nil {
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		rel, err := filepath.Rel(d.root, p)
		if err != nil {
			return err
		}
		key := filepath.ToSlash(rel)
		if e.IsDir() {
			if key != "." && !strings.HasPrefix(key+"/", prefix) && !strings.HasPrefix(prefix, key+"/") {
				return fs.SkipDir // no key below can start with prefix
			}
			return nil
		}
		if !e.Type().IsRegular() || reserved(e.Name()) || !strings.HasPrefix(key, prefix) {
			return nil
		}
		fi, err := e.Info()
		if errors.Is(err, fs.ErrNotExist) {
			return nil // removed while walking
		}
		if err != nil {
			return err
		}
		infos = append(infos, fileInfo(key, fi))
		return nil
	})
	if err != nil {
		return nil, err
	}
	slices.SortFunc(infos, func(a, b Info) int { return strings.Compare(a.Key, b.Key) })
	return infos, nil
}
