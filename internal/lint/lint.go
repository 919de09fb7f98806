package lint

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Finding is one problem in a manifest.
type Finding struct {
	File    string
	Line    int
	Message string
}

// String renders the finding as "file:line: message".
func (f Finding) String() string { return fmt.Sprintf("%s:%d: %s", f.File, f.Line, f.Message) }

// Paths lints the manifests in paths, each a file or a directory walked
// for *.yaml and *.yml files (kustomization files and kustomize's
// configurations excepted), as one set: references between them resolve.
// Every overlay found on the way (a kustomization in a directory named
// overlays) is a set of its own: its files (overlays of different
// environments define the same resources), then its rendered output.
// It returns the findings in file and line order, those of rendered
// overlays last; the error is for files that could not be read.
func Paths(ctx context.Context, paths ...string) ([]Finding, error) {
	var files, overlays []string
	for _, p := range paths {
		fi, err := os.Stat(p)
		if err != nil {
			return nil, fmt.Errorf("reading manifests: %w", err)
		}
		if !fi.IsDir() {
			files = append(files, p)
			continue
		}
		err = filepath.WalkDir(p, func(path string, d os.DirEntry, err error) error {
			if err != nil {
				return err
			}
			switch {
			case d.IsDir() && isOverlay(path):
				overlays = append(overlays, path)
			case !d.IsDir() && isManifest(path) && !isOverlay(filepath.Dir(path)):
				files = append(files, path)
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("walking %s: %w", p, err)
		}
	}
	findings, err := Files(ctx, files)
	if err != nil {
		return nil, err
	}
	for _, dir := range overlays {
		more, err := lintOverlay(ctx, dir)
		if err != nil {
			return nil, err
		}
		findings = append(findings, more...)
	}
	return findings, nil
}

// isManifest reports whether path names a YAML file that is not a
// kustomization.
func isManifest(path string) bool {
	base := filepath.Base(path)
	ext := filepath.Ext(base)
	stem := strings.TrimSuffix(base, ext)
	return (ext == ".yaml" || ext == ".yml") && stem != "kustomization" && stem != "kustomizeconfig"
}

// Files lints the given files as one set.
func Files(ctx context.Context, files []string) ([]Finding, error) {
	l := &linter{}
	for _, f := range files {
		docs, err := load(f)
		if err != nil {
			return nil, err
		}
		l.docs = append(l.docs, docs...)
	}
	l.run(ctx)
	sort.SliceStable(l.findings, func(i, j int) bool {
		a, b := l.findings[i], l.findings[j]
		if a.File != b.File {
			return a.File < b.File
		}
		return a.Line < b.Line
	})
	return l.findings, nil
}
