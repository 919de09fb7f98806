package lint

import (
	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
)

// checkDeployment holds a long-running service, such as the query API, to
// what the steps are held to and what a Deployment needs besides: both
// probes, requests and a memory limit, a pull policy that is not Always,
// and a non-root, read-only, seccomp-confined container that cannot gain
// privileges.
func (l *linter) checkDeployment(d *doc, dep *appsv1.Deployment) {
	pod := &dep.Spec.Template.Spec
	podPath := []any{"spec", "template", "spec"}
	for i := range pod.Containers {
		c := &pod.Containers[i]
		path := append(append([]any{}, podPath...), "containers", i)
		where := func(more ...any) []any { return append(append([]any{}, path...), more...) }
		if c.ReadinessProbe == nil {
			l.report(d, at(d.node, where()...), "container %q of Deployment %q has no readinessProbe", c.Name, dep.Name)
		}
		if c.LivenessProbe == nil {
			l.report(d, at(d.node, where()...), "container %q of Deployment %q has no livenessProbe", c.Name, dep.Name)
		}
		if c.Resources.Requests.Cpu().IsZero() || c.Resources.Requests.Memory().IsZero() || c.Resources.Limits.Memory().IsZero() {
			l.report(d, at(d.node, where("resources")...), "container %q of Deployment %q needs cpu and memory requests and a memory limit", c.Name, dep.Name)
		}
		if c.ImagePullPolicy == corev1.PullAlways {
			l.report(d, at(d.node, where("imagePullPolicy")...), "container %q of Deployment %q pulls Always: use IfNotPresent with a release tag", c.Name, dep.Name)
		}
		sc := c.SecurityContext
		if sc == nil || sc.ReadOnlyRootFilesystem == nil || !*sc.ReadOnlyRootFilesystem ||
			sc.AllowPrivilegeEscalation == nil || *sc.AllowPrivilegeEscalation {
			l.report(d, at(d.node, where("securityContext")...), "container %q of Deployment %q needs readOnlyRootFilesystem: true and allowPrivilegeEscalation: false", c.Name, dep.Name)
		}
		if !nonRoot(pod.SecurityContext, sc) {
			l.report(d, at(d.node, where()...), "container %q of Deployment %q may run as root: set runAsNonRoot", c.Name, dep.Name)
		}
		if !seccomp(pod.SecurityContext, sc) {
			l.report(d, at(d.node, where()...), "container %q of Deployment %q has no seccompProfile", c.Name, dep.Name)
		}
	}
}

func nonRoot(pod *corev1.PodSecurityContext, c *corev1.SecurityContext) bool {
	if c != nil && c.RunAsNonRoot != nil {
		return *c.RunAsNonRoot
	}
	return pod != nil && pod.RunAsNonRoot != nil && *pod.RunAsNonRoot
}

func seccomp(pod *corev1.PodSecurityContext, c *corev1.SecurityContext) bool {
	return (c != nil && c.SeccompProfile != nil) || (pod != nil && pod.SeccompProfile != nil)
}

// checkScaleTarget checks that an autoscaler scales a linted Deployment,
// when the set holds any.
func (l *linter) checkScaleTarget(d *doc, hpa *autoscalingv2.HorizontalPodAutoscaler) {
	ref := hpa.Spec.ScaleTargetRef
	if ref.Kind == "Deployment" && len(l.deployments) > 0 && !l.deployments[ref.Name] {
		l.report(d, at(d.node, "spec", "scaleTargetRef", "name"), "HorizontalPodAutoscaler %q scales Deployment %q, which is not among the linted manifests", hpa.Name, ref.Name)
	}
}
