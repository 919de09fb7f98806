package land

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/farepipe/farepipe/internal/objstore"
)

// LandFile lands the batch in the file at path.
func (l *Lander) LandFile(ctx context.Context, store objstore.Store, path string, m Meta) (Result, error) {
	f, err := os.Open(path)
	if err != nil {
		return Result{}, fmt.Errorf("opening batch: %w", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return Result{}, fmt.Errorf("opening batch: %w", err)
	}
	res, err := l.Land(ctx, store, f, fi.Size(), m)
	if err != nil {
		return Result{}, fmt.Errorf("landing %s: %w", path, err)
	}
	return res, nil
}

// LandDir lands every batch in dir: the regular files named *.ndjson.gz or
// *.ndjson, not hidden, not in subdirectories, in name order, numbered as
// parts 0, 1, ... (m.Part is ignored). It stops at the first failure and
// returns the results before it; landing the directory again skips what
// already landed.
func (l *Lander) LandDir(ctx context.Context, store objstore.Store, dir string, m Meta) ([]Result, error) {
	names, err := Batches(dir)
	if err != nil {
		return nil, err
	}
	results := make([]Result, 0, len(names))
	for i, name := range names {
		m.Part = i
		res, err := l.LandFile(ctx, store, filepath.Join(dir, name), m)
		if err != nil {
			return results, err
		}
		results = append(results, res)
	}
	return results, nil
}

// Batches returns the names of the batch files in dir, sorted, as LandDir
// lands them.
func Batches(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("listing batches: %w", err)
	}
	var names []string
	for _, e := range entries {
		n := e.Name()
		if !e.Type().IsRegular() || strings.HasPrefix(n, ".") {
			continue
		}
		if strings.HasSuffix(n, ".ndjson.gz") || strings.HasSuffix(n, ".ndjson") {
			names = append(names, n)
		}
	}
	slices.Sort(names)
	return names, nil
}
