package lint

import (
	"strings"

	wfv1 "github.com/argoproj/argo-workflows/v3/pkg/apis/workflow/v1alpha1"
)

// checkShards applies the rules of a fan-out of fetch: a container that
// takes --shard INDEX/COUNT with a COUNT other than 1 is one of COUNT
// pods, so COUNT must be the count of a withSequence of the same spec
// (otherwise the pods and the slices disagree, and some searches are
// fetched twice or never), INDEX must vary from pod to pod, and its
// --checkpoint key and --stage prefix must name INDEX, so that each shard
// keeps its own (a shard's rerun skips what its staged parts hold).
func (l *linter) checkShards(d *doc, spec *wfv1.WorkflowSpec, path []any) {
	counts := map[string]bool{}
	for _, t := range spec.Templates {
		if t.DAG != nil {
			for _, task := range t.DAG.Tasks {
				if task.WithSequence != nil && task.WithSequence.Count != nil {
					counts[task.WithSequence.Count.String()] = true
				}
			}
		}
		for _, group := range t.Steps {
			for _, step := range group.Steps {
				if step.WithSequence != nil && step.WithSequence.Count != nil {
					counts[step.WithSequence.Count.String()] = true
				}
			}
		}
	}
	for i, t := range spec.Templates {
		if t.Container == nil {
			continue
		}
		args := t.Container.Args
		ap := append(append([]any{}, path...), "templates", i, "container", "args")
		j, shard := flagValue(args, "shard")
		if j < 0 {
			continue
		}
		index, count, ok := strings.Cut(shard, "/")
		if !ok || strings.TrimSpace(count) == "1" {
			continue
		}
		if !counts[count] {
			l.report(d, at(d.node, append(ap, j)...), "template %q: --shard count %s is not the count of any withSequence here: the fetch pods and the plan's slices would disagree", t.Name, count)
		}
		if !strings.Contains(index, "{{") {
			l.report(d, at(d.node, append(ap, j)...), "template %q: --shard index %s is the same in every pod: take it from the withSequence item", t.Name, index)
			continue
		}
		for _, f := range []string{"checkpoint", "stage"} {
			if k, v := flagValue(args, f); k >= 0 && !strings.Contains(v, index) {
				l.report(d, at(d.node, append(ap, k)...), "template %q: --%s %s is shared by the shards: put the shard index %s in it", t.Name, f, v, index)
			}
		}
	}
}

// flagValue returns the position and value of flag name in args, written
// --name=value or --name value, or -1 when it is absent.
func flagValue(args []string, name string) (int, string) {
	for i, a := range args {
		if v, ok := strings.CutPrefix(a, "--"+name+"="); ok {
			return i, v
		}
		if a == "--"+name && i+1 < len(args) {
			return i, args[i+1]
		}
	}
	return -1, ""
}
