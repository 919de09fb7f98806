package lint

import (
	"regexp"
	"strings"

	aev1 "github.com/argoproj/argo-events/pkg/apis/events/v1alpha1"
	wfv1 "github.com/argoproj/argo-workflows/v3/pkg/apis/workflow/v1alpha1"
	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	sigsyaml "sigs.k8s.io/yaml"
)

// newObject returns a new value of the Go type of apiVersion and kind, or
// nil for a kind lint does not know.
func newObject(apiVersion, kind string) any {
	switch apiVersion + " " + kind {
	case "argoproj.io/v1alpha1 WorkflowTemplate":
		return &wfv1.WorkflowTemplate{}
	case "argoproj.io/v1alpha1 ClusterWorkflowTemplate":
		return &wfv1.ClusterWorkflowTemplate{}
	case "argoproj.io/v1alpha1 CronWorkflow":
		return &wfv1.CronWorkflow{}
	case "argoproj.io/v1alpha1 Workflow":
		return &wfv1.Workflow{}
	case "argoproj.io/v1alpha1 EventSource":
		return &aev1.EventSource{}
	case "argoproj.io/v1alpha1 Sensor":
		return &aev1.Sensor{}
	case "argoproj.io/v1alpha1 EventBus":
		return &aev1.EventBus{}
	case "apps/v1 Deployment":
		return &appsv1.Deployment{}
	case "v1 Service":
		return &corev1.Service{}
	case "policy/v1 PodDisruptionBudget":
		return &policyv1.PodDisruptionBudget{}
	case "autoscaling/v2 HorizontalPodAutoscaler":
		return &autoscalingv2.HorizontalPodAutoscaler{}
	case "networking.k8s.io/v1 NetworkPolicy":
		return &networkingv1.NetworkPolicy{}
	case "v1 ConfigMap":
		return &corev1.ConfigMap{}
	case "v1 Secret":
		return &corev1.Secret{}
	case "v1 ServiceAccount":
		return &corev1.ServiceAccount{}
	case "rbac.authorization.k8s.io/v1 Role":
		return &rbacv1.Role{}
	case "rbac.authorization.k8s.io/v1 RoleBinding":
		return &rbacv1.RoleBinding{}
	case "rbac.authorization.k8s.io/v1 ClusterRole":
		return &rbacv1.ClusterRole{}
	case "rbac.authorization.k8s.io/v1 ClusterRoleBinding":
		return &rbacv1.ClusterRoleBinding{}
	}
	return nil
}

// decode decodes d strictly into its Go type and reports what stops it.
func (l *linter) decode(d *doc) {
	switch {
	case d.err != nil:
		l.report(d, d.node, "not YAML: %v", d.err)
		return
	case d.kind == "" || d.apiVersion == "":
		l.report(d, d.node, "no apiVersion and kind: not a Kubernetes resource")
		return
	}
	obj := newObject(d.apiVersion, d.kind)
	if obj == nil {
		l.report(d, at(d.node, "kind"), "%s %s is not a kind farepipe lint knows", d.apiVersion, d.kind)
		return
	}
	if err := sigsyaml.UnmarshalStrict(d.raw, obj); err != nil {
		l.reportDecode(d, err)
		return
	}
	if d.name == "" {
		l.report(d, at(d.node, "metadata"), "%s has no metadata.name", d.kind)
		return
	}
	d.obj = obj
}

var (
	unknownField   = regexp.MustCompile(`unknown field "([^"]+)"`)
	duplicateField = regexp.MustCompile(`key "([^"]+)" already set`)
)

// reportDecode reports a decoding error at the line of the field it names.
func (l *linter) reportDecode(d *doc, err error) {
	msg := err.Error()
	for _, re := range []*regexp.Regexp{unknownField, duplicateField} {
		if m := re.FindStringSubmatch(msg); m != nil {
			field := m[1]
			if i := strings.LastIndex(field, "."); i >= 0 { // newer decoders qualify the field
				field = field[i+1:]
			}
			n := key(d.node, field)
			if n == nil {
				n = d.node
			}
			l.report(d, n, "%s: %s", d.kind, m[0])
			return
		}
	}
	msg = strings.TrimPrefix(msg, "error unmarshaling JSON: while decoding JSON: ")
	l.report(d, d.node, "decoding %s: %s", d.kind, msg)
}
