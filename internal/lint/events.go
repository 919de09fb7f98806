package lint

import (
	"context"
	"encoding/json"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"text/template"

	"github.com/Masterminds/sprig/v3"
	aev1 "github.com/argoproj/argo-events/pkg/apis/events/v1alpha1"
	wfv1 "github.com/argoproj/argo-workflows/v3/pkg/apis/workflow/v1alpha1"
	"github.com/argoproj/argo-workflows/v3/workflow/validate"
	"gopkg.in/yaml.v3"
	sigsyaml "sigs.k8s.io/yaml"
)

// conditionNames splits a trigger's conditions into dependency names.
var conditionNames = regexp.MustCompile(`[-\w]+`)

// checkSensor checks a Sensor: its dependencies against the linted
// EventSources and EventBuses, its triggers' conditions and parameters
// against its dependencies, and the Workflows it submits with Argo's
// validation against the linted WorkflowTemplates.
func (l *linter) checkSensor(ctx context.Context, d *doc, s *aev1.Sensor) {
	bus := s.Spec.EventBusName
	if bus == "" {
		bus = "default"
	}
	if len(l.eventBuses) > 0 && !l.eventBuses[bus] {
		l.report(d, at(d.node, "spec"), "Sensor %q uses EventBus %q, which is not among the linted manifests", s.Name, bus)
	}
	if len(s.Spec.Dependencies) == 0 {
		l.report(d, at(d.node, "spec"), "Sensor %q has no dependencies", s.Name)
	}
	deps := map[string]bool{}
	for i, dep := range s.Spec.Dependencies {
		n := at(d.node, "spec", "dependencies", i)
		switch {
		case dep.Name == "" || dep.EventSourceName == "" || dep.EventName == "":
			l.report(d, n, "dependency %d needs name, eventSourceName and eventName", i)
			continue
		case deps[dep.Name]:
			l.report(d, n, "dependency %q is defined twice", dep.Name)
		}
		deps[dep.Name] = true
		es, ok := l.eventSources[dep.EventSourceName]
		switch {
		case !ok && len(l.eventSources) > 0:
			l.report(d, at(n, "eventSourceName"), "dependency %q: EventSource %q is not among the linted manifests", dep.Name, dep.EventSourceName)
		case ok && !slices.Contains(eventNames(es), dep.EventName):
			l.report(d, at(n, "eventName"), "dependency %q: EventSource %q has no event %q (it has %s)", dep.Name, dep.EventSourceName, dep.EventName, strings.Join(eventNames(es), ", "))
		}
		if dep.Filters != nil {
			l.checkDataFilters(d, dep.Name, dep.Filters.Data, at(n, "filters", "data"))
		}
	}
	if len(s.Spec.Triggers) == 0 {
		l.report(d, at(d.node, "spec"), "Sensor %q has no triggers", s.Name)
	}
	names := map[string]bool{}
	for i := range s.Spec.Triggers {
		l.checkTrigger(ctx, d, &s.Spec.Triggers[i], []any{"spec", "triggers", i}, deps, names)
	}
}

// checkDataFilters checks a dependency's data filters: a path, values,
// and string values that are regular expressions anchored at both ends.
// Argo matches a string filter unanchored, so "farepipe" would also admit
// the bucket "farepipe-old".
func (l *linter) checkDataFilters(d *doc, dep string, filters []aev1.DataFilter, n *yaml.Node) {
	for i, f := range filters {
		fn := at(n, i)
		if f.Path == "" || len(f.Value) == 0 {
			l.report(d, fn, "dependency %q: data filter %d needs a path and values", dep, i)
			continue
		}
		if f.Type != aev1.JSONTypeString {
			continue
		}
		for _, v := range f.Value {
			if _, err := regexp.Compile(v); err != nil {
				l.report(d, at(fn, "value"), "dependency %q: data filter %d: %v", dep, i, err)
			} else if !strings.HasPrefix(v, "^") || !strings.HasSuffix(v, "$") {
				l.report(d, at(fn, "value"), "dependency %q: data filter %d: value %q is not anchored with ^ and $: Argo matches it anywhere in %s", dep, i, v, f.Path)
			}
		}
	}
}

func (l *linter) checkTrigger(ctx context.Context, d *doc, t *aev1.Trigger, path []any, deps, names map[string]bool) {
	p := func(more ...any) []any { return append(append([]any{}, path...), more...) }
	if t.Template == nil || t.Template.Name == "" {
		l.report(d, at(d.node, path...), "trigger needs a template with a name")
		return
	}
	name := t.Template.Name
	if names[name] {
		l.report(d, at(d.node, p("template", "name")...), "trigger %q is defined twice", name)
	}
	names[name] = true
	for _, dep := range conditionNames.FindAllString(t.Template.Conditions, -1) {
		if !deps[dep] {
			l.report(d, at(d.node, p("template", "conditions")...), "trigger %q: condition names %q, which is not a dependency", name, dep)
		}
	}
	if !t.AtLeastOnce {
		l.report(d, at(d.node, path...), "trigger %q is not atLeastOnce: an event lost while the trigger fails is never retried", name)
	}
	if t.RetryStrategy == nil {
		l.report(d, at(d.node, path...), "trigger %q has no retryStrategy", name)
	}
	if rl := t.RateLimit; rl != nil && !slices.Contains([]aev1.RateLimiteUnit{aev1.Second, aev1.Minute, aev1.Hour}, rl.Unit) {
		l.report(d, at(d.node, p("rateLimit", "unit")...), "trigger %q: rateLimit unit %q is not Second, Minute or Hour", name, rl.Unit)
	}
	l.checkParameters(d, name, t.Parameters, p("parameters"), deps, nil)
	wt := t.Template.ArgoWorkflow
	if wt == nil {
		return
	}
	switch wt.Operation {
	case aev1.Submit, aev1.SubmitFrom, aev1.Suspend, aev1.Retry, aev1.Resume, aev1.Resubmit, aev1.Terminate, aev1.Stop:
	default:
		l.report(d, at(d.node, p("template", "argoWorkflow")...), "trigger %q: argoWorkflow operation %q is not one Argo Events knows", name, wt.Operation)
	}
	rp := p("template", "argoWorkflow", "source", "resource")
	if wt.Source == nil || wt.Source.Resource == nil {
		l.report(d, at(d.node, rp...), "trigger %q: argoWorkflow has no source.resource (farepipe keeps the Workflow in the Sensor)", name)
		return
	}
	var resource any
	if err := json.Unmarshal(wt.Source.Resource.Value, &resource); err != nil {
		l.report(d, at(d.node, rp...), "trigger %q: resource is not JSON: %v", name, err)
		return
	}
	l.checkParameters(d, name, wt.Parameters, p("template", "argoWorkflow", "parameters"), deps, resource)
	wf := &wfv1.Workflow{}
	if err := sigsyaml.UnmarshalStrict(wt.Source.Resource.Value, wf); err != nil {
		l.report(d, at(d.node, rp...), "trigger %q: decoding the Workflow: %v", name, err)
		return
	}
	if wf.Kind != "Workflow" {
		l.report(d, at(d.node, rp...), "trigger %q: argoWorkflow resource is a %q, not a Workflow", name, wf.Kind)
		return
	}
	l.validateArgo(ctx, d, wf, append(rp, "spec"), validate.ValidateOpts{})
	l.checkWorkflowSpec(d, &wf.Spec, append(rp, "spec"), false)
}

// checkParameters checks trigger parameters: a known dependency, a
// destination present in resource (when there is one), a data template
// that parses.
func (l *linter) checkParameters(d *doc, trigger string, params []aev1.TriggerParameter, path []any, deps map[string]bool, resource any) {
	for i, prm := range params {
		n := at(d.node, append(append([]any{}, path...), i)...)
		if prm.Src == nil || prm.Src.DependencyName == "" {
			l.report(d, n, "trigger %q: parameter %d has no src.dependencyName", trigger, i)
			continue
		}
		if !deps[prm.Src.DependencyName] {
			l.report(d, at(n, "src", "dependencyName"), "trigger %q: parameter %d reads dependency %q, which the Sensor does not have", trigger, i, prm.Src.DependencyName)
		}
		for _, tmpl := range []string{prm.Src.DataTemplate, prm.Src.ContextTemplate} {
			if tmpl == "" {
				continue
			}
			if _, err := template.New("param").Funcs(sprig.FuncMap()).Parse(tmpl); err != nil {
				l.report(d, at(n, "src"), "trigger %q: parameter %d: %v", trigger, i, err)
			}
		}
		switch {
		case prm.Dest == "":
			l.report(d, n, "trigger %q: parameter %d has no dest", trigger, i)
		case resource != nil && !hasPath(resource, prm.Dest):
			l.report(d, at(n, "dest"), "trigger %q: parameter %d: dest %s is not a field of the resource", trigger, i, prm.Dest)
		}
		switch prm.Operation {
		case aev1.TriggerParameterOpNone, aev1.TriggerParameterOpOverwrite, aev1.TriggerParameterOpAppend, aev1.TriggerParameterOpPrepend:
		default:
			l.report(d, at(n, "operation"), "trigger %q: parameter %d: operation %q is not append, overwrite or prepend", trigger, i, prm.Operation)
		}
	}
}

// hasPath reports whether the dotted path (sjson syntax, numbers index
// arrays) names a field of v.
func hasPath(v any, path string) bool {
	for _, seg := range strings.Split(path, ".") {
		switch x := v.(type) {
		case map[string]any:
			next, ok := x[seg]
			if !ok {
				return false
			}
			v = next
		case []any:
			i, err := strconv.Atoi(seg)
			if err != nil || i < 0 || i >= len(x) {
				return false
			}
			v = x[i]
		default:
			return false
		}
	}
	return true
}
