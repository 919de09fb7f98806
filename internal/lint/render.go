package lint

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/kyaml/filesys"
	sigsyaml "sigs.k8s.io/yaml"
)

// isOverlay reports whether dir is an overlay to render: a directory
// inside one named "overlays" whose kustomization is a Kustomization
// (a Component, such as events/overlays/local, renders only as part of
// another kustomization).
func isOverlay(dir string) bool {
	if filepath.Base(filepath.Dir(dir)) != "overlays" {
		return false
	}
	body, err := os.ReadFile(filepath.Join(dir, "kustomization.yaml"))
	if err != nil {
		return false
	}
	var k struct {
		Kind string `json:"kind"`
	}
	if err := sigsyaml.Unmarshal(body, &k); err != nil {
		return true // rendering reports it
	}
	return k.Kind == "" || k.Kind == "Kustomization"
}

// lintOverlay lints the files of the overlay in dir as one set, then its
// rendered output.
func lintOverlay(ctx context.Context, dir string) ([]Finding, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("reading manifests: %w", err)
	}
	var files []string
	for _, e := range entries {
		if !e.IsDir() && isManifest(e.Name()) {
			files = append(files, filepath.Join(dir, e.Name()))
		}
	}
	findings, err := Files(ctx, files)
	if err != nil {
		return nil, err
	}
	return append(findings, lintRendered(ctx, dir)...), nil
}

// lintRendered renders the kustomization in dir with kustomize's Go API,
// as kubectl apply -k would, and lints the result as one set. Findings
// name the file "DIR (rendered)" and the line in the rendered stream;
// the rules about files (names, kustomization lists) do not apply.
func lintRendered(ctx context.Context, dir string) []Finding {
	docs, err := renderKustomization(dir)
	if err != nil {
		return []Finding{{File: dir + " (rendered)", Line: 1, Message: err.Error()}}
	}
	l := &linter{docs: docs, rendered: true}
	l.run(ctx)
	return l.findings
}

// renderKustomization builds the kustomization in dir and parses its output.
func renderKustomization(dir string) ([]*doc, error) {
	k := krusty.MakeKustomizer(krusty.MakeDefaultOptions())
	m, err := k.Run(filesys.MakeFsOnDisk(), dir)
	if err != nil {
		return nil, fmt.Errorf("kustomize build: %w", err)
	}
	body, err := m.AsYaml()
	if err != nil {
		return nil, fmt.Errorf("kustomize build: %w", err)
	}
	return split(dir+" (rendered)", body)
}
