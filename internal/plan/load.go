package plan

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// Load reads and validates the plan file at path.
func Load(path string) (Plan, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return Plan{}, fmt.Errorf("reading plan: %w", err)
	}
	return Parse(data, path)
}

// Parse decodes and validates a plan; name (usually the file path) prefixes
// every error. Decoding is strict: an unknown field is an error. Every
// problem, from decoding or validation, is reported with its line, joined,
// one a line: `plan plans/jp.yaml: line 3: route "ICN-N1T": ...`.
func Parse(data []byte, name string) (Plan, error) {
	p := Plan{Adults: 1}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var issues []issue
	switch err := dec.Decode(&p); {
	case errors.Is(err, io.EOF):
		return Plan{}, fmt.Errorf("plan %s: empty", name)
	case err != nil:
		var te *yaml.TypeError
		if !errors.As(err, &te) {
			return Plan{}, fmt.Errorf("plan %s: %w", name, err)
		}
		for _, msg := range te.Errors {
			issues = append(issues, decodeIssue(msg))
		}
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		return Plan{}, fmt.Errorf("plan %s: more than one YAML document", name)
	}
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return Plan{}, fmt.Errorf("plan %s: %w", name, err)
	}
	decoded := map[int]bool{}
	for _, is := range issues {
		decoded[is.line] = true
	}
	for _, pr := range p.problems() {
		line := lineOf(&root, pr.path)
		if line > 0 && decoded[line] {
			continue // the value did not decode; that is reported already
		}
		issues = append(issues, issue{line: line, err: pr.err})
	}
	if len(issues) == 0 {
		return p, nil
	}
	slices.SortStableFunc(issues, func(a, b issue) int { return cmp.Compare(a.line, b.line) })
	errs := make([]error, len(issues))
	for i, is := range issues {
		if is.line > 0 {
			errs[i] = fmt.Errorf("plan %s: line %d: %w", name, is.line, is.err)
		} else {
			errs[i] = fmt.Errorf("plan %s: %w", name, is.err)
		}
	}
	return Plan{}, errors.Join(errs...)
}

// issue is one problem of a plan file and its line (0 if unknown).
type issue struct {
	line int
	err  error
}

var (
	lineMsg      = regexp.MustCompile(`^line (\d+): (.*)$`)
	unknownField = regexp.MustCompile(`^field (\S+) not found in type \S+$`)
)

// decodeIssue turns one of yaml.v3's "line 5: field stay not found in type
// plan.Plan" messages into an issue, naming unknown fields plainly.
func decodeIssue(msg string) issue {
	m := lineMsg.FindStringSubmatch(msg)
	if m == nil {
		return issue{err: errors.New(msg)}
	}
	line, _ := strconv.Atoi(m[1])
	text := m[2]
	if f := unknownField.FindStringSubmatch(text); f != nil {
		text = fmt.Sprintf("unknown field %q", f[1])
	}
	return issue{line: line, err: errors.New(text)}
}

// lineOf returns the line of the value at path ("routes[1]",
// "departure.days") in a decoded document. For a value that is absent it
// returns the line of its nearest present parent below the top, so that a
// missing "departure.days" points at "departure:"; 0 if there is none.
func lineOf(root *yaml.Node, path string) int {
	n := root
	if n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = n.Content[0]
	}
	line := 0
	for _, part := range strings.Split(strings.ReplaceAll(path, "[", ".["), ".") {
		at, next := child(n, part)
		if next == nil {
			break
		}
		line, n = at, next
	}
	return line
}

// child returns the value of key part of a mapping, or element "[i]" of a
// sequence, and the line where it is written (the key's line for a
// mapping entry).
func child(n *yaml.Node, part string) (int, *yaml.Node) {
	if i, ok := strings.CutPrefix(part, "["); ok {
		idx, err := strconv.Atoi(strings.TrimSuffix(i, "]"))
		if n.Kind != yaml.SequenceNode || err != nil || idx >= len(n.Content) {
			return 0, nil
		}
		return n.Content[idx].Line, n.Content[idx]
	}
	if n.Kind != yaml.MappingNode {
		return 0, nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == part {
			return n.Content[i].Line, n.Content[i+1]
		}
	}
	return 0, nil
}
