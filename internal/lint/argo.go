package lint

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	wfv1 "github.com/argoproj/argo-workflows/v3/pkg/apis/workflow/v1alpha1"
	"github.com/argoproj/argo-workflows/v3/workflow/validate"
	"gopkg.in/yaml.v3"
)

// templates serves the linted WorkflowTemplates to Argo's validation, as
// the cluster would. A template that did not decode is there as nil.
type templates map[string]*wfv1.WorkflowTemplate

func (t templates) Get(name string) (*wfv1.WorkflowTemplate, error) {
	wt, ok := t[name]
	switch {
	case !ok:
		return nil, fmt.Errorf("WorkflowTemplate %q is not among the linted manifests", name)
	case wt == nil:
		return nil, fmt.Errorf("WorkflowTemplate %q could not be decoded (see its own finding)", name)
	}
	return wt.DeepCopy(), nil
}

// clusterTemplates serves the linted ClusterWorkflowTemplates.
type clusterTemplates map[string]*wfv1.ClusterWorkflowTemplate

func (t clusterTemplates) Get(name string) (*wfv1.ClusterWorkflowTemplate, error) {
	if wt, ok := t[name]; ok {
		return wt.DeepCopy(), nil
	}
	return nil, fmt.Errorf("ClusterWorkflowTemplate %q is not among the linted manifests", name)
}

// lintOpts validate a manifest the way argo lint does: parameters may
// lack values, to be given at submission.
var lintOpts = validate.ValidateOpts{Lint: true}

// validateArgo runs Argo Workflows' validation of a workflow resource and
// reports its error, if any, at the template or task it names. spec is
// the path of the resource's workflow spec in d. opts apply to a
// Workflow: lintOpts for a manifest, none for a Workflow a Sensor
// creates, which the controller validates as it is.
func (l *linter) validateArgo(ctx context.Context, d *doc, obj any, spec []any, opts validate.ValidateOpts) {
	var err error
	switch o := obj.(type) {
	case *wfv1.WorkflowTemplate:
		err = validate.ValidateWorkflowTemplate(l.templates, l.clusterTemplates, o.DeepCopy(), nil, lintOpts)
	case *wfv1.ClusterWorkflowTemplate:
		err = validate.ValidateClusterWorkflowTemplate(l.templates, l.clusterTemplates, o.DeepCopy(), nil, lintOpts)
	case *wfv1.Workflow:
		err = validate.ValidateWorkflow(l.templates, l.clusterTemplates, o.DeepCopy(), nil, opts)
	case *wfv1.CronWorkflow:
		err = validate.ValidateCronWorkflow(ctx, l.templates, l.clusterTemplates, o.DeepCopy(), nil)
	}
	if err != nil {
		l.report(d, argoNode(d.node, spec, err.Error()), "Argo validation: %v", err)
	}
}

var (
	templateRef   = regexp.MustCompile(`templates\.([-\w]+)`)
	taskRef       = regexp.MustCompile(`\.(?:tasks|steps)\.([-\w]+)`)
	dependencyRef = regexp.MustCompile(`dependency '?([-\w]+)`)
)

// argoNode finds the node an Argo validation message is about: the task
// or step it names (or that has the bad dependency it names), else the
// template, else a field of the resource's spec the message mentions
// ("arguments", "schedules", "timezone"), else the workflow spec.
func argoNode(n *yaml.Node, spec []any, msg string) *yaml.Node {
	specNode := at(n, spec...)
	m := templateRef.FindStringSubmatchIndex(msg)
	if m == nil {
		return mentionedField(n, spec, msg)
	}
	i := named(specNode, msg[m[2]:m[3]], "templates")
	if i < 0 {
		return specNode
	}
	tmpl := at(specNode, "templates", i)
	rest := msg[m[1]:]
	if t := taskRef.FindStringSubmatch(rest); t != nil {
		if s := findStep(tmpl, func(s *yaml.Node) bool { return value(s, "name") == t[1] }); s != nil {
			return s
		}
	}
	if dep := dependencyRef.FindStringSubmatch(rest); dep != nil {
		mentions := regexp.MustCompile(`(^|[^-\w])` + regexp.QuoteMeta(dep[1]) + `($|[^-\w])`)
		if s := findStep(tmpl, func(s *yaml.Node) bool {
			return mentions.MatchString(value(s, "depends")) || mentions.MatchString(value(s, "dependencies"))
		}); s != nil {
			return s
		}
	}
	return tmpl
}

// findStep returns the first DAG task or step of tmpl that ok accepts.
func findStep(tmpl *yaml.Node, ok func(*yaml.Node) bool) *yaml.Node {
	if tasks := at(tmpl, "dag", "tasks"); tasks.Kind == yaml.SequenceNode {
		for _, t := range tasks.Content {
			if ok(t) {
				return t
			}
		}
	}
	if steps := child(tmpl, "steps"); steps != nil {
		for _, group := range steps.Content {
			for _, s := range group.Content {
				if ok(s) {
					return s
				}
			}
		}
	}
	return nil
}

// value returns the text of the scalar or the items of the sequence under
// key of mapping n, "" when there is none.
func value(n *yaml.Node, key string) string {
	c := child(n, key)
	if c == nil {
		return ""
	}
	if c.Kind != yaml.SequenceNode {
		return c.Value
	}
	var items []string
	for _, item := range c.Content {
		items = append(items, item.Value)
	}
	return strings.Join(items, " ")
}

// mentionedField returns the field of the workflow spec, or of the spec
// holding it (a CronWorkflow's), that msg mentions, else the workflow spec.
func mentionedField(n *yaml.Node, spec []any, msg string) *yaml.Node {
	lower := strings.ToLower(msg)
	for depth := len(spec); depth >= 1; depth-- {
		m := at(n, spec[:depth]...)
		if m.Kind != yaml.MappingNode {
			continue
		}
		for i := 0; i+1 < len(m.Content); i += 2 {
			k := strings.ToLower(strings.TrimSuffix(m.Content[i].Value, "s"))
			if len(k) > 3 && strings.Contains(lower, k) {
				return m.Content[i+1]
			}
		}
	}
	return at(n, spec...)
}
