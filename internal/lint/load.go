package lint

import (
	"bytes"
	"fmt"
	"os"
	"regexp"
	"strconv"

	"gopkg.in/yaml.v3"
	sigsyaml "sigs.k8s.io/yaml"
)

// doc is one YAML document of a file: its text (decoded as Kubernetes
// decodes it), its node tree (for line numbers) and what it is.
type doc struct {
	file       string
	raw        []byte
	node       *yaml.Node // the document's top mapping
	apiVersion string
	kind       string
	name       string
	obj        any   // the decoded resource, nil when decoding failed
	err        error // why the document is not YAML, if it is not
}

// docSeparator matches the lines between YAML documents.
var docSeparator = regexp.MustCompile(`(?m)^---[ \t]*(#.*)?$`)

// load reads the documents of a file, leaving out empty ones.
func load(file string) ([]*doc, error) {
	body, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("reading manifests: %w", err)
	}
	return split(file, body)
}

// split parses the documents of body, read from file, leaving out empty
// ones.
func split(file string, body []byte) ([]*doc, error) {
	var docs []*doc
	starts := append([][]int{{0, 0}}, docSeparator.FindAllIndex(body, -1)...)
	for i, s := range starts {
		begin := s[1]
		end := len(body)
		if i+1 < len(starts) {
			end = starts[i+1][0]
		}
		d, err := parseDoc(file, body[begin:end], bytes.Count(body[:begin], []byte("\n")))
		if err != nil {
			return nil, err
		}
		if d != nil {
			docs = append(docs, d)
		}
	}
	return docs, nil
}

// parseDoc parses one document whose first line is line offset+1 of file.
// An empty document is nil; a document that is not YAML is reported as a
// doc without kind, for the linter to report.
func parseDoc(file string, raw []byte, offset int) (*doc, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(raw, &root); err != nil {
		return &doc{file: file, raw: raw, node: &yaml.Node{Line: offset + 1}, err: err}, nil
	}
	if len(root.Content) == 0 {
		return nil, nil
	}
	top := root.Content[0]
	shiftLines(top, offset)
	d := &doc{file: file, raw: raw, node: top}
	var meta struct {
		APIVersion string `json:"apiVersion"`
		Kind       string `json:"kind"`
		Metadata   struct {
			Name string `json:"name"`
		} `json:"metadata"`
	}
	if err := sigsyaml.Unmarshal(raw, &meta); err == nil {
		d.apiVersion, d.kind, d.name = meta.APIVersion, meta.Kind, meta.Metadata.Name
	}
	return d, nil
}

// shiftLines adds offset to the line of every node below n and gives each
// mapping value the line of its key, so that a finding about a block
// ("spec:") points at the key, not at the block's first line.
func shiftLines(n *yaml.Node, offset int) {
	n.Line += offset
	for _, c := range n.Content {
		shiftLines(c, offset)
	}
	if n.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(n.Content); i += 2 {
			n.Content[i+1].Line = n.Content[i].Line
		}
	}
}

// at returns the node at path below n, or the deepest node on the way
// there: strings are mapping keys, ints sequence indexes. The line of a
// missing field is thus the line of its closest existing parent.
func at(n *yaml.Node, path ...any) *yaml.Node {
	for _, p := range path {
		next := child(n, p)
		if next == nil {
			return n
		}
		n = next
	}
	return n
}

func child(n *yaml.Node, p any) *yaml.Node {
	if n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	switch p := p.(type) {
	case string:
		if n.Kind != yaml.MappingNode {
			return nil
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == p {
				return n.Content[i+1]
			}
		}
	case int:
		if n.Kind == yaml.SequenceNode && p >= 0 && p < len(n.Content) {
			return n.Content[p]
		}
	}
	return nil
}

// key returns the first mapping key named name anywhere below n, in
// document order, or nil.
func key(n *yaml.Node, name string) *yaml.Node {
	if n.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == name {
				return n.Content[i]
			}
		}
	}
	for _, c := range n.Content {
		if k := key(c, name); k != nil {
			return k
		}
	}
	return nil
}

// named returns the index of the item of the sequence at path whose name
// field is name, or -1.
func named(n *yaml.Node, name string, path ...any) int {
	seq := at(n, path...)
	if seq.Kind != yaml.SequenceNode {
		return -1
	}
	for i, item := range seq.Content {
		if c := child(item, "name"); c != nil && c.Value == name {
			return i
		}
	}
	return -1
}

// itoa is strconv.Itoa, short for building messages.
func itoa(i int) string { return strconv.Itoa(i) }
