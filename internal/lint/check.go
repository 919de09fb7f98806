package lint

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	aev1 "github.com/argoproj/argo-events/pkg/apis/events/v1alpha1"
	wfv1 "github.com/argoproj/argo-workflows/v3/pkg/apis/workflow/v1alpha1"
	"gopkg.in/yaml.v3"
	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	sigsyaml "sigs.k8s.io/yaml"
)

// linter holds the documents of one run, the resources they define by
// kind and name, and the findings so far.
type linter struct {
	docs     []*doc
	findings []Finding
	rendered bool // docs are a kustomize build's output, not files

	templates        templates
	clusterTemplates clusterTemplates
	eventSources     map[string]*aev1.EventSource
	eventBuses       map[string]bool
	serviceAccounts  map[string]bool
	roles            map[string]bool
	deployments      map[string]bool
}

func (l *linter) report(d *doc, n *yaml.Node, format string, a ...any) {
	l.findings = append(l.findings, Finding{File: d.file, Line: n.Line, Message: fmt.Sprintf(format, a...)})
}

func (l *linter) run(ctx context.Context) {
	for _, d := range l.docs {
		l.decode(d)
	}
	l.index()
	perFile := map[string]int{}
	for _, d := range l.docs {
		perFile[d.file]++
	}
	for _, d := range l.docs {
		if d.obj == nil {
			continue
		}
		if perFile[d.file] == 1 && !l.rendered {
			l.checkFileName(d)
		}
		switch o := d.obj.(type) {
		case *wfv1.WorkflowTemplate:
			l.validateArgo(ctx, d, o, []any{"spec"}, lintOpts)
			l.checkWorkflowSpec(d, &o.Spec, []any{"spec"}, true)
		case *wfv1.ClusterWorkflowTemplate:
			l.validateArgo(ctx, d, o, []any{"spec"}, lintOpts)
			l.checkWorkflowSpec(d, &o.Spec, []any{"spec"}, true)
		case *wfv1.Workflow:
			l.validateArgo(ctx, d, o, []any{"spec"}, lintOpts)
			l.checkWorkflowSpec(d, &o.Spec, []any{"spec"}, false)
		case *wfv1.CronWorkflow:
			l.validateArgo(ctx, d, o, []any{"spec", "workflowSpec"}, lintOpts)
			l.checkCron(d, o)
			l.checkWorkflowSpec(d, &o.Spec.WorkflowSpec, []any{"spec", "workflowSpec"}, false)
		case *aev1.Sensor:
			l.checkSensor(ctx, d, o)
		case *aev1.EventSource:
			l.checkEventSource(d, o)
		case *aev1.EventBus:
			l.checkEventBus(d, o)
		case *corev1.ConfigMap:
			l.checkConfigMap(d, o)
		case *corev1.Secret:
			if len(o.Data) > 0 || len(o.StringData) > 0 {
				l.report(d, d.node, "Secret %q holds its values in the repository: create it in the cluster instead (kubectl create secret, an external secret store)", o.Name)
			}
		case *rbacv1.RoleBinding:
			l.checkRoleBinding(d, o)
		case *appsv1.Deployment:
			l.checkDeployment(d, o)
		case *autoscalingv2.HorizontalPodAutoscaler:
			l.checkScaleTarget(d, o)
		}
	}
	if !l.rendered {
		l.checkKustomizations()
	}
}

// index records the decoded resources by kind and name and reports
// duplicates.
func (l *linter) index() {
	l.templates = templates{}
	l.clusterTemplates = clusterTemplates{}
	l.eventSources = map[string]*aev1.EventSource{}
	l.eventBuses = map[string]bool{}
	l.serviceAccounts = map[string]bool{}
	l.roles = map[string]bool{}
	l.deployments = map[string]bool{}
	seen := map[string]*doc{}
	for _, d := range l.docs {
		if d.obj == nil {
			if d.kind == "WorkflowTemplate" && d.name != "" {
				if _, ok := l.templates[d.name]; !ok {
					l.templates[d.name] = nil
				}
			}
			continue
		}
		id := d.kind + "/" + d.name
		if first, ok := seen[id]; ok {
			l.report(d, at(d.node, "metadata", "name"), "%s %q is also defined at %s:%d", d.kind, d.name, first.file, first.node.Line)
			continue
		}
		seen[id] = d
		switch o := d.obj.(type) {
		case *wfv1.WorkflowTemplate:
			l.templates[d.name] = o
		case *wfv1.ClusterWorkflowTemplate:
			l.clusterTemplates[d.name] = o
		case *aev1.EventSource:
			l.eventSources[d.name] = o
		case *aev1.EventBus:
			l.eventBuses[d.name] = true
		case *corev1.ServiceAccount:
			l.serviceAccounts[d.name] = true
		case *rbacv1.Role:
			l.roles[d.name] = true
		case *appsv1.Deployment:
			l.deployments[d.name] = true
		}
	}
}

// checkFileName checks that a file holding one resource is named after
// it: NAME.yaml, or NAME.something.yaml (test fixtures).
func (l *linter) checkFileName(d *doc) {
	base := filepath.Base(d.file)
	if !strings.HasPrefix(base, d.name+".") {
		l.report(d, at(d.node, "metadata", "name"), "the file of %s %q should be named %s%s", d.kind, d.name, d.name, filepath.Ext(base))
	}
}

// checkKustomizations reports linted files that the kustomization.yaml of
// their directory does not list, so kubectl apply -k would leave them out.
func (l *linter) checkKustomizations() {
	listed := map[string]map[string]bool{} // dir -> resources; nil when there is no kustomization
	reported := map[string]bool{}
	for _, d := range l.docs {
		dir := filepath.Dir(d.file)
		res, ok := listed[dir]
		if !ok {
			res = kustomizationResources(dir)
			listed[dir] = res
		}
		base := filepath.Base(d.file)
		if res != nil && !res[base] && !reported[d.file] {
			reported[d.file] = true
			l.report(d, d.node, "%s is not in the resources of %s", base, filepath.Join(dir, "kustomization.yaml"))
		}
	}
}

// kustomizationResources returns the file resources the kustomization in
// dir lists, or nil when dir has none.
func kustomizationResources(dir string) map[string]bool {
	for _, name := range []string{"kustomization.yaml", "kustomization.yml", "Kustomization"} {
		body, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			continue
		}
		var k struct {
			Resources []string `json:"resources"`
		}
		if err := sigsyaml.Unmarshal(body, &k); err != nil {
			return nil
		}
		res := map[string]bool{}
		for _, r := range k.Resources {
			res[filepath.Clean(r)] = true
		}
		return res
	}
	return nil
}

// checkRoleBinding checks that a RoleBinding binds a linted Role to linted
// ServiceAccounts, when the set holds any.
func (l *linter) checkRoleBinding(d *doc, rb *rbacv1.RoleBinding) {
	if rb.RoleRef.Kind == "Role" && len(l.roles) > 0 && !l.roles[rb.RoleRef.Name] {
		l.report(d, at(d.node, "roleRef", "name"), "RoleBinding %q binds Role %q, which is not among the linted manifests", rb.Name, rb.RoleRef.Name)
	}
	for i, s := range rb.Subjects {
		if s.Kind == "ServiceAccount" && s.Namespace == "" && len(l.serviceAccounts) > 0 && !l.serviceAccounts[s.Name] {
			l.report(d, at(d.node, "subjects", i, "name"), "RoleBinding %q binds ServiceAccount %q, which is not among the linted manifests", rb.Name, s.Name)
		}
	}
}
