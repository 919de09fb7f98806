package lint

import (
	"regexp"
	"strings"

	wfv1 "github.com/argoproj/argo-workflows/v3/pkg/apis/workflow/v1alpha1"
	corev1 "k8s.io/api/core/v1"
)

// runAsUser is the user every farepipe container runs as: the nonroot user
// of the images hack/imagebuild makes.
const runAsUser = 65532

// retryExpression is the retry condition of every step: exit code 1 is
// the steps' "retryable" (network, 5xx, 429); 2 and 3 never get better.
const retryExpression = "asInt(lastRetry.exitCode) == 1"

// secretName matches the names of environment variables and ConfigMap
// keys that hold credentials.
var secretName = regexp.MustCompile(`(?i)(SECRET|PASSWORD|TOKEN|KEY)`)

// checkWorkflowSpec applies farepipe's rules to the templates of a
// workflow spec at path spec of d, and to a WorkflowTemplate's spec
// (isTemplate) its garbage-collection rules.
func (l *linter) checkWorkflowSpec(d *doc, spec *wfv1.WorkflowSpec, path []any, isTemplate bool) {
	if isTemplate {
		if spec.TTLStrategy == nil {
			l.report(d, at(d.node, path...), "%s %q has no ttlStrategy: finished Workflows would pile up", d.kind, d.name)
		}
		if spec.PodGC == nil {
			l.report(d, at(d.node, path...), "%s %q has no podGC: finished pods would pile up", d.kind, d.name)
		}
	}
	l.checkShards(d, spec, path)
	for i := range spec.Templates {
		t := &spec.Templates[i]
		tp := append(append([]any{}, path...), "templates", i)
		var c *corev1.Container
		var cp []any
		switch {
		case t.Container != nil:
			c, cp = t.Container, append(append([]any{}, tp...), "container")
		case t.Script != nil:
			c, cp = &t.Script.Container, append(append([]any{}, tp...), "script")
		}
		for j := range t.Sidecars {
			l.checkEnv(d, t.Sidecars[j].Env, append(append([]any{}, tp...), "sidecars", j, "env"))
		}
		for j := range t.InitContainers {
			l.checkEnv(d, t.InitContainers[j].Env, append(append([]any{}, tp...), "initContainers", j, "env"))
		}
		if c == nil {
			continue
		}
		l.checkEnv(d, c.Env, append(append([]any{}, cp...), "env"))
		l.checkContainerTemplate(d, t, c, tp, cp)
	}
}

// checkContainerTemplate applies the rules of a template that runs a pod.
func (l *linter) checkContainerTemplate(d *doc, t *wfv1.Template, c *corev1.Container, tp, cp []any) {
	node := func(p []any, more ...any) []any { return append(append([]any{}, p...), more...) }
	switch {
	case t.RetryStrategy == nil:
		l.report(d, at(d.node, tp...), "template %q has no retryStrategy: retry exit code 1 only, with expression %q", t.Name, retryExpression)
	case !strings.Contains(strings.ReplaceAll(t.RetryStrategy.Expression, " ", ""), "lastRetry.exitCode)==1"):
		l.report(d, at(d.node, node(tp, "retryStrategy")...), "template %q retries any failure: add expression %q (exit codes 2 and 3 never get better)", t.Name, retryExpression)
	}
	if t.ActiveDeadlineSeconds == nil && t.Timeout == "" {
		l.report(d, at(d.node, tp...), "template %q has no activeDeadlineSeconds: a hung step would run forever", t.Name)
	}
	if len(c.Command) == 0 {
		l.report(d, at(d.node, cp...), "template %q has no command: the controller would look the image's entrypoint up in a registry", t.Name)
	}
	var missing []string
	for _, r := range []corev1.ResourceName{corev1.ResourceCPU, corev1.ResourceMemory} {
		if _, ok := c.Resources.Requests[r]; !ok {
			missing = append(missing, "requests."+string(r))
		}
		if _, ok := c.Resources.Limits[r]; !ok {
			missing = append(missing, "limits."+string(r))
		}
	}
	if len(missing) > 0 {
		l.report(d, at(d.node, node(cp, "resources")...), "template %q: resources lack %s", t.Name, strings.Join(missing, ", "))
	}
	if missing := securityGaps(t.SecurityContext, c.SecurityContext); len(missing) > 0 {
		l.report(d, at(d.node, node(cp, "securityContext")...), "template %q: securityContext lacks %s", t.Name, strings.Join(missing, ", "))
	}
}

// securityGaps lists what the restricted security context farepipe wants
// is missing, given a template's pod and container security contexts. A
// field set on the pod counts where Kubernetes lets the pod set it.
func securityGaps(pod *corev1.PodSecurityContext, c *corev1.SecurityContext) []string {
	if pod == nil {
		pod = &corev1.PodSecurityContext{}
	}
	if c == nil {
		c = &corev1.SecurityContext{}
	}
	isTrue := func(b *bool) bool { return b != nil && *b }
	var gaps []string
	if !isTrue(c.RunAsNonRoot) && !isTrue(pod.RunAsNonRoot) {
		gaps = append(gaps, "runAsNonRoot: true")
	}
	user := c.RunAsUser
	if user == nil {
		user = pod.RunAsUser
	}
	if user == nil || *user != runAsUser {
		gaps = append(gaps, "runAsUser: "+itoa(runAsUser))
	}
	if !isTrue(c.ReadOnlyRootFilesystem) {
		gaps = append(gaps, "readOnlyRootFilesystem: true")
	}
	if c.AllowPrivilegeEscalation == nil || *c.AllowPrivilegeEscalation {
		gaps = append(gaps, "allowPrivilegeEscalation: false")
	}
	dropAll := false
	if c.Capabilities != nil {
		for _, cap := range c.Capabilities.Drop {
			dropAll = dropAll || cap == "ALL"
		}
	}
	if !dropAll {
		gaps = append(gaps, "capabilities.drop: [ALL]")
	}
	seccomp := c.SeccompProfile
	if seccomp == nil {
		seccomp = pod.SeccompProfile
	}
	if seccomp == nil || seccomp.Type != corev1.SeccompProfileTypeRuntimeDefault {
		gaps = append(gaps, "seccompProfile.type: RuntimeDefault")
	}
	return gaps
}

// checkEnv reports credentials given as literal values.
func (l *linter) checkEnv(d *doc, env []corev1.EnvVar, path []any) {
	for i, e := range env {
		if e.Value != "" && secretName.MatchString(e.Name) {
			l.report(d, at(d.node, append(append([]any{}, path...), i, "value")...),
				"env %s has a literal value: take it from a Secret with valueFrom.secretKeyRef", e.Name)
		}
	}
}

// checkConfigMap reports ConfigMap keys that look like credentials.
func (l *linter) checkConfigMap(d *doc, cm *corev1.ConfigMap) {
	for k, v := range cm.Data {
		if v != "" && secretName.MatchString(k) {
			l.report(d, at(d.node, "data", k), "ConfigMap %q key %s looks like a credential: keep it in a Secret created in the cluster", cm.Name, k)
		}
	}
}

// checkCron reports CronWorkflows whose runs may overlap.
func (l *linter) checkCron(d *doc, cw *wfv1.CronWorkflow) {
	switch cw.Spec.ConcurrencyPolicy {
	case wfv1.ForbidConcurrent, wfv1.ReplaceConcurrent:
	case "":
		l.report(d, at(d.node, "spec"), "CronWorkflow %q has no concurrencyPolicy, which means Allow: runs would overlap; use Forbid or Replace", cw.Name)
	default:
		l.report(d, at(d.node, "spec", "concurrencyPolicy"), "CronWorkflow %q has concurrencyPolicy %s: runs would overlap; use Forbid or Replace", cw.Name, cw.Spec.ConcurrencyPolicy)
	}
}
