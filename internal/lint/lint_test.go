package lint

import (
	"bufio"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRepositoryManifests lints the manifests the project ships: they
// must be clean.
func TestRepositoryManifests(t *testing.T) {
	findings, err := Paths(context.Background(), "../../workflows", "../../events")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range findings {
		t.Errorf("%s", f)
	}
}

func TestGoodFixtures(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.good.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no good fixtures: %v", err)
	}
	for _, file := range files {
		findings, err := Files(context.Background(), []string{file})
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range findings {
			t.Errorf("%s: want no finding, got %s", file, f)
		}
	}
}

// TestBadFixtures lints each testdata/*.bad.yaml file on its own. A
// "# want: text" comment line expects a finding containing text on the
// next line that is not a comment; every finding must be expected.
func TestBadFixtures(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.bad.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no bad fixtures: %v", err)
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			wants := readWants(t, file)
			if len(wants) == 0 {
				t.Fatalf("%s has no # want: line", file)
			}
			findings, err := Files(context.Background(), []string{file})
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range findings {
				if !matchWant(wants[f.Line], f.Message) {
					t.Errorf("unexpected finding %s", f)
				}
			}
			for line, texts := range wants {
				for _, text := range texts {
					if !foundAt(findings, line, text) {
						t.Errorf("%s:%d: no finding containing %q; got:\n%s", file, line, text, render(findings))
					}
				}
			}
		})
	}
}

// readWants maps line numbers to the texts expected in findings there.
func readWants(t *testing.T, file string) map[int][]string {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	wants := map[int][]string{}
	var pending []string
	s := bufio.NewScanner(f)
	for n := 1; s.Scan(); n++ {
		line := strings.TrimSpace(s.Text())
		if text, ok := strings.CutPrefix(line, "# want: "); ok {
			pending = append(pending, text)
			continue
		}
		if line == "" || strings.HasPrefix(line, "#") || len(pending) == 0 {
			continue
		}
		wants[n] = append(wants[n], pending...)
		pending = nil
	}
	if err := s.Err(); err != nil {
		t.Fatal(err)
	}
	return wants
}

func matchWant(texts []string, msg string) bool {
	for _, text := range texts {
		if strings.Contains(msg, text) {
			return true
		}
	}
	return false
}

func foundAt(findings []Finding, line int, text string) bool {
	for _, f := range findings {
		if f.Line == line && strings.Contains(f.Message, text) {
			return true
		}
	}
	return false
}

func render(findings []Finding) string {
	var b strings.Builder
	for _, f := range findings {
		b.WriteString("\t" + f.String() + "\n")
	}
	return b.String()
}
