package argocd

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/kyaml/filesys"
	"sigs.k8s.io/yaml"
)

// The fields of Argo CD's AppProject and Application these manifests use.
// Argo CD's own Go module does not resolve from the module proxy here, so
// the manifests are decoded strictly into these: a misspelt or misplaced
// field fails.
type (
	meta struct {
		Name        string            `json:"name"`
		Namespace   string            `json:"namespace"`
		Annotations map[string]string `json:"annotations,omitempty"`
	}
	destination struct {
		Server    string `json:"server"`
		Namespace string `json:"namespace"`
	}
	groupKind struct {
		Group string `json:"group"`
		Kind  string `json:"kind"`
	}
	appProject struct {
		APIVersion string `json:"apiVersion"`
		Kind       string `json:"kind"`
		Metadata   meta   `json:"metadata"`
		Spec       struct {
			Description              string        `json:"description"`
			SourceRepos              []string      `json:"sourceRepos"`
			Destinations             []destination `json:"destinations"`
			ClusterResourceWhitelist []groupKind   `json:"clusterResourceWhitelist"`
		} `json:"spec"`
	}
	application struct {
		APIVersion string `json:"apiVersion"`
		Kind       string `json:"kind"`
		Metadata   meta   `json:"metadata"`
		Spec       struct {
			Project string `json:"project"`
			Source  struct {
				RepoURL        string `json:"repoURL"`
				TargetRevision string `json:"targetRevision"`
				Path           string `json:"path"`
			} `json:"source"`
			Destination destination `json:"destination"`
			SyncPolicy  struct {
				Automated *struct {
					Prune    bool `json:"prune"`
					SelfHeal bool `json:"selfHeal"`
				} `json:"automated"`
				SyncOptions []string `json:"syncOptions"`
				Retry       *struct {
					Limit   int `json:"limit"`
					Backoff struct {
						Duration    string `json:"duration"`
						Factor      int    `json:"factor"`
						MaxDuration string `json:"maxDuration"`
					} `json:"backoff"`
				} `json:"retry,omitempty"`
			} `json:"syncPolicy"`
			IgnoreDifferences []struct {
				Group        string   `json:"group"`
				Kind         string   `json:"kind"`
				Name         string   `json:"name"`
				JSONPointers []string `json:"jsonPointers"`
			} `json:"ignoreDifferences,omitempty"`
		} `json:"spec"`
	}
)

const waveKey = "argocd.argoproj.io/sync-wave"

// TestApplicationsDeployWhatTheRepositoryHolds checks every Application
// against the project and the repository: the project allows its source
// and destination; farepipe's own render with kustomize into the
// destination's namespace, after the controllers in sync waves, with the
// HPA's replicas ignored; the controllers are the versions go.mod pins.
func TestApplicationsDeployWhatTheRepositoryHolds(t *testing.T) {
	var project appProject
	decode(t, "project.yaml", &project)
	if project.Kind != "AppProject" || project.APIVersion != "argoproj.io/v1alpha1" {
		t.Fatalf("project.yaml is a %s %s, want an argoproj.io/v1alpha1 AppProject", project.APIVersion, project.Kind)
	}
	files, _ := filepath.Glob("*.yaml")
	apps := map[string]application{}
	for _, f := range files {
		if f == "project.yaml" {
			continue
		}
		var app application
		decode(t, f, &app)
		if app.Kind != "Application" || app.APIVersion != "argoproj.io/v1alpha1" || app.Metadata.Name+".yaml" != f {
			t.Errorf("%s: a %s %s named %s, want an argoproj.io/v1alpha1 Application named after its file", f,
				app.APIVersion, app.Kind, app.Metadata.Name)
		}
		apps[app.Metadata.Name] = app
	}
	for _, want := range []string{"argo-workflows", "argo-events", "farepipe-local", "farepipe-aws"} {
		if _, ok := apps[want]; !ok {
			t.Errorf("no Application %s", want)
		}
	}
	pinned := map[string]string{"argo-workflows": module(t, "github.com/argoproj/argo-workflows/v3"),
		"argo-events": module(t, "github.com/argoproj/argo-events")}

	for name, app := range apps {
		s := app.Spec
		if s.Project != project.Metadata.Name || !slices.Contains(project.Spec.SourceRepos, s.Source.RepoURL) ||
			!slices.Contains(project.Spec.Destinations, s.Destination) {
			t.Errorf("%s: project %s, source %s, destination %+v: not what project %s allows", name, s.Project,
				s.Source.RepoURL, s.Destination, project.Metadata.Name)
		}
		if s.SyncPolicy.Automated == nil || !s.SyncPolicy.Automated.Prune || !s.SyncPolicy.Automated.SelfHeal {
			t.Errorf("%s: want automated sync with prune and selfHeal", name)
		}
		wave := func(a application) int {
			n, err := strconv.Atoi(a.Metadata.Annotations[waveKey])
			if err != nil {
				t.Errorf("%s: %s %q: %v", a.Metadata.Name, waveKey, a.Metadata.Annotations[waveKey], err)
			}
			return n
		}
		if dir, ok := pinned[name]; ok {
			if v := filepath.Base(dir); !strings.HasSuffix(v, "@"+s.Source.TargetRevision) {
				t.Errorf("%s: targetRevision %s, but go.mod pins %s", name, s.Source.TargetRevision, v)
			}
			if _, err := os.Stat(filepath.Join(dir, s.Source.Path, "kustomization.yaml")); err != nil {
				t.Errorf("%s: path %s is not a kustomization of the pinned module: %v", name, s.Source.Path, err)
			}
			continue
		}
		for _, ctl := range []string{"argo-workflows", "argo-events"} {
			if wave(app) <= wave(apps[ctl]) {
				t.Errorf("%s: sync wave %d, not after %s's %d: its resources need the controllers' CRDs", name,
					wave(app), ctl, wave(apps[ctl]))
			}
		}
		if !slices.Contains(s.SyncPolicy.SyncOptions, "SkipDryRunOnMissingResource=true") {
			t.Errorf("%s: want SkipDryRunOnMissingResource=true for a first sync before the CRDs are served", name)
		}
		checkRender(t, name, app)
	}
}

// checkRender renders a farepipe Application's path with kustomize and
// checks it against the Application: every resource in its destination's
// namespace, and the API's replicas ignored when an HPA owns them.
func checkRender(t *testing.T, name string, app application) {
	t.Helper()
	m, err := krusty.MakeKustomizer(krusty.MakeDefaultOptions()).Run(filesys.MakeFsOnDisk(),
		filepath.Join("..", "..", app.Spec.Source.Path))
	if err != nil {
		t.Errorf("%s: kustomize build %s: %v", name, app.Spec.Source.Path, err)
		return
	}
	hpa := false
	for _, r := range m.Resources() {
		if ns := r.GetNamespace(); ns != "" && ns != app.Spec.Destination.Namespace {
			t.Errorf("%s: %s %s renders into namespace %s, the Application deploys into %s", name, r.GetKind(),
				r.GetName(), ns, app.Spec.Destination.Namespace)
		}
		hpa = hpa || r.GetKind() == "HorizontalPodAutoscaler"
	}
	if !hpa {
		return
	}
	for _, d := range app.Spec.IgnoreDifferences {
		if d.Kind == "Deployment" && d.Name == "farepipe-api" && slices.Contains(d.JSONPointers, "/spec/replicas") {
			return
		}
	}
	t.Errorf("%s: an HPA scales farepipe-api, but its /spec/replicas differences are not ignored", name)
}

// decode reads a manifest strictly.
func decode(t *testing.T, name string, v any) {
	t.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.UnmarshalStrict(data, v); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
}

// module returns the directory of a module go.mod pins, name@version.
func module(t *testing.T, path string) string {
	t.Helper()
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", path).Output()
	if err != nil {
		t.Fatalf("go list -m %s: %v", path, err)
	}
	return strings.TrimSpace(string(out))
}
