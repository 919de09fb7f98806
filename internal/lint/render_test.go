package lint

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
)

// TestDeployOverlays renders every overlay of deploy/ with kustomize's Go
// API and lints the result: no findings, and the stack is all there.
func TestDeployOverlays(t *testing.T) {
	want := []string{
		"WorkflowTemplate/farepipe-collect", "WorkflowTemplate/farepipe-ingest", "CronWorkflow/farepipe-collect-schedule",
		"Sensor/farepipe-ingest", "EventSource/farepipe-sqs", "ConfigMap/farepipe-config", "ConfigMap/artifact-repositories",
		"Deployment/farepipe-api", "Service/farepipe-api", "PodDisruptionBudget/farepipe-api",
		"HorizontalPodAutoscaler/farepipe-api", "NetworkPolicy/farepipe-api",
	}
	for _, overlay := range []string{"local", "aws"} {
		t.Run(overlay, func(t *testing.T) {
			dir := filepath.Join("..", "..", "deploy", "overlays", overlay)
			findings, err := Paths(context.Background(), dir)
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range findings {
				t.Errorf("finding: %s", f)
			}
			docs, err := renderKustomization(dir)
			if err != nil {
				t.Fatal(err)
			}
			have := map[string]bool{}
			for _, d := range docs {
				have[d.kind+"/"+d.name] = true
				if ns := d.node; ns != nil && d.kind != "" {
					if got := at(d.node, "metadata", "namespace").Value; got != "argo" {
						t.Errorf("%s %s: namespace %q, want argo", d.kind, d.name, got)
					}
				}
			}
			for _, w := range want {
				if !have[w] {
					t.Errorf("render(%s) has no %s", overlay, w)
				}
			}
		})
	}
}

// The aws overlay: images from the registry, identities from IAM roles,
// no MinIO.
func TestAWSOverlay(t *testing.T) {
	docs, err := renderKustomization(filepath.Join("..", "..", "deploy", "overlays", "aws"))
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	for _, d := range docs {
		if d.kind == "EventSource" && d.name == "farepipe-minio" {
			t.Errorf("the aws overlay keeps EventSource farepipe-minio")
		}
		out.Write(d.raw)
	}
	s := out.String()
	for _, line := range strings.Split(s, "\n") {
		if strings.Contains(line, "image: farepipe/") {
			t.Errorf("an image is not from the registry: %s", strings.TrimSpace(line))
		}
	}
	for _, w := range []string{"eks.amazonaws.com/role-arn: arn:aws:iam::123456789012:role/farepipe-workflow",
		"serviceAccountName: farepipe-events", "FAREPIPE_ES_URL: https://", "useSDKCreds: true"} {
		if !strings.Contains(s, w) {
			t.Errorf("the aws overlay renders no %q", w)
		}
	}
	if strings.Contains(s, "accessKeySecret") {
		t.Errorf("the aws overlay uses static S3 keys")
	}
}

const apiDeployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  selector:
    matchLabels: {app: api}
  template:
    metadata:
      labels: {app: api}
    spec:
      securityContext:
        runAsNonRoot: true
        seccompProfile: {type: RuntimeDefault}
      containers:
        - name: api
          image: farepipe/farepipe:dev
          readinessProbe: {httpGet: {path: /readyz, port: 8080}}
          livenessProbe: {httpGet: {path: /healthz, port: 8080}}
          resources:
            requests: {cpu: 100m, memory: 64Mi}
            limits: {memory: 256Mi}
          securityContext:
            readOnlyRootFilesystem: true
            allowPrivilegeEscalation: false
`

// TestOverlayRules renders small overlays: what an overlay patches away
// is found in the rendered output, at its line there.
func TestOverlayRules(t *testing.T) {
	cases := []struct {
		name  string
		patch string // JSON patch of the Deployment "api"
		want  []string
	}{
		{name: "as in the base"},
		{
			name:  "no readiness probe",
			patch: "- op: remove\n  path: /spec/template/spec/containers/0/readinessProbe\n",
			want:  []string{`overlays/x (rendered):16: container "api" of Deployment "api" has no readinessProbe`},
		},
		{
			name:  "writable root",
			patch: "- op: replace\n  path: /spec/template/spec/containers/0/securityContext/readOnlyRootFilesystem\n  value: false\n",
			want:  []string{`overlays/x (rendered):32: container "api" of Deployment "api" needs readOnlyRootFilesystem`},
		},
		{
			name:  "root allowed",
			patch: "- op: remove\n  path: /spec/template/spec/securityContext/runAsNonRoot\n",
			want:  []string{`overlays/x (rendered):16: container "api" of Deployment "api" may run as root`},
		},
		{
			name:  "no limits",
			patch: "- op: remove\n  path: /spec/template/spec/containers/0/resources/limits\n",
			want:  []string{`overlays/x (rendered):26: container "api" of Deployment "api" needs cpu and memory requests and a memory limit`},
		},
		{
			name:  "unknown field",
			patch: "- op: add\n  path: /spec/template/spec/containers/0/readyProbe\n  value: {}\n",
			want:  []string{`overlays/x (rendered):`},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			files := map[string]string{
				"base/kustomization.yaml": "resources: [api.yaml]\n",
				"base/api.yaml":           apiDeployment,
				"overlays/x/kustomization.yaml": "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n" +
					"namespace: argo\nresources: [../../base]\n",
			}
			if tc.patch != "" {
				files["overlays/x/kustomization.yaml"] += "patches:\n  - target: {kind: Deployment, name: api}\n    patch: |-\n" +
					indent(tc.patch, "      ")
			}
			wantFindings(t, writeTree(t, files), tc.want)
		})
	}
}

func indent(s, prefix string) string {
	lines := strings.Split(strings.TrimSuffix(s, "\n"), "\n")
	return prefix + strings.Join(lines, "\n"+prefix) + "\n"
}
