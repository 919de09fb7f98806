package lint

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const serviceAccount = "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: %s\n"

// TestLayoutRules lints small directories to check the rules about files:
// listed by kustomization.yaml, one definition per resource, YAML at all.
func TestLayoutRules(t *testing.T) {
	cases := []struct {
		name  string
		files map[string]string
		want  []string // "file:line: text" substrings, in order
	}{
		{
			name: "file missing from kustomization",
			files: map[string]string{
				"kustomization.yaml": "resources:\n  - listed.yaml\n",
				"listed.yaml":        strings.ReplaceAll(serviceAccount, "%s", "listed"),
				"forgotten.yaml":     strings.ReplaceAll(serviceAccount, "%s", "forgotten"),
			},
			want: []string{"forgotten.yaml:1: forgotten.yaml is not in the resources of"},
		},
		{
			name: "resource defined twice",
			files: map[string]string{
				"a.yaml": strings.ReplaceAll(serviceAccount, "%s", "a"),
				"b.yaml": strings.ReplaceAll(serviceAccount, "%s", "b") + "---\n" + strings.ReplaceAll(serviceAccount, "%s", "a"),
			},
			want: []string{`b.yaml:9: ServiceAccount "a" is also defined at`},
		},
		{
			name:  "not yaml",
			files: map[string]string{"broken.yaml": "kind: [ServiceAccount\n"},
			want:  []string{"broken.yaml:1: not YAML"},
		},
		{
			name:  "not a resource",
			files: map[string]string{"plan.yaml": "routes: [ICN-NRT]\n"},
			want:  []string{"plan.yaml:1: no apiVersion and kind"},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			wantFindings(t, writeTree(t, tc.files), tc.want)
		})
	}
}

// writeTree writes files (paths relative to a new temporary directory,
// subdirectories made as needed) and returns the directory.
func writeTree(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, body := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// wantFindings lints dir and checks that the findings, with dir cut from
// their file names, start with want's, in order.
func wantFindings(t *testing.T, dir string, want []string) {
	t.Helper()
	findings, err := Paths(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range findings {
		got = append(got, strings.TrimPrefix(f.String(), dir+string(filepath.Separator)))
	}
	if len(got) != len(want) {
		t.Fatalf("Paths = %q, want %d findings like %q", got, len(want), want)
	}
	for i := range got {
		if !strings.HasPrefix(got[i], want[i]) {
			t.Errorf("finding %d = %q, want it to start with %q", i, got[i], want[i])
		}
	}
}
