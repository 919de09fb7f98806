package main

import (
	"archive/tar"
	"bytes"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/v1/tarball"
)

// TestImage packs a fake binary with run, as make images does, and checks
// what ctr would import: the tag in the archive, the config the kubelet
// runs, the files of the layer.
func TestImage(t *testing.T) {
	dir := t.TempDir()
	bin := filepath.Join(dir, "fetch")
	binary := []byte("\x7fELF not really a program")
	certs := []byte("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n")
	ca := filepath.Join(dir, "ca.pem")
	for p, b := range map[string][]byte{bin: binary, ca: certs} {
		if err := os.WriteFile(p, b, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	out := filepath.Join(dir, "images")
	var stdout bytes.Buffer
	if err := run([]string{"-out", out, "-tag", "v1.2.3", "-ca", ca, "-arch", "arm64", bin}, &stdout); err != nil {
		t.Fatalf("imagebuild: %v", err)
	}
	archive := filepath.Join(out, "fetch.tar")
	if !strings.HasPrefix(stdout.String(), archive+"\tfarepipe/fetch:v1.2.3\tsha256:") {
		t.Errorf("imagebuild printed %q", stdout.String())
	}

	var manifest []struct{ RepoTags []string }
	if err := json.Unmarshal(readMember(t, archive, "manifest.json"), &manifest); err != nil {
		t.Fatal(err)
	}
	if len(manifest) != 1 || !reflect.DeepEqual(manifest[0].RepoTags, []string{"farepipe/fetch:v1.2.3"}) {
		t.Errorf("manifest.json = %+v, want one image tagged farepipe/fetch:v1.2.3 (docker.io/farepipe/fetch:v1.2.3 to containerd)", manifest)
	}

	img, err := tarball.ImageFromPath(archive, nil)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := img.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Config.User != "65532:65532" {
		t.Errorf("User = %q, want 65532:65532", cfg.Config.User)
	}
	if !reflect.DeepEqual(cfg.Config.Entrypoint, []string{"/usr/local/bin/fetch"}) {
		t.Errorf("Entrypoint = %q, want [/usr/local/bin/fetch]", cfg.Config.Entrypoint)
	}
	if cfg.OS != "linux" || cfg.Architecture != "arm64" {
		t.Errorf("platform = %s/%s, want linux/arm64", cfg.OS, cfg.Architecture)
	}
	if cfg.Config.Labels["org.opencontainers.image.version"] != "v1.2.3" {
		t.Errorf("labels = %v, want version v1.2.3", cfg.Config.Labels)
	}

	layers, err := img.Layers()
	if err != nil || len(layers) != 1 {
		t.Fatalf("layers = %d (%v), want 1", len(layers), err)
	}
	rc, err := layers[0].Uncompressed()
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	files := map[string]*tar.Header{}
	bodies := map[string][]byte{}
	tr := tar.NewReader(rc)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		files[h.Name] = h
		bodies[h.Name], _ = io.ReadAll(tr)
	}
	want := []struct {
		name string
		mode int64
		uid  int
		body []byte
	}{
		{"usr/local/bin/fetch", 0o755, 0, binary},
		{"etc/ssl/certs/ca-certificates.crt", 0o644, 0, certs},
		{"tmp/", 0o1777, 0, nil},
		{"home/nonroot/", 0o700, 65532, nil},
	}
	for _, w := range want {
		h, ok := files[w.name]
		switch {
		case !ok:
			t.Errorf("layer has no %s; it has %v", w.name, keys(files))
		case h.Mode != w.mode || h.Uid != w.uid:
			t.Errorf("%s: mode %o uid %d, want %o uid %d", w.name, h.Mode, h.Uid, w.mode, w.uid)
		case w.body != nil && !bytes.Equal(bodies[w.name], w.body):
			t.Errorf("%s holds %q, want %q", w.name, bodies[w.name], w.body)
		}
	}
	if !strings.Contains(string(bodies["etc/passwd"]), "nonroot:x:65532:65532:") {
		t.Errorf("etc/passwd = %q, want the nonroot user", bodies["etc/passwd"])
	}
}

// TestImageReproducible checks that the same binary gives the same image
// ID, so rebuilding without a change re-imports nothing new.
func TestImageReproducible(t *testing.T) {
	s := Spec{Name: "land", Binary: []byte("binary"), Version: "dev", Arch: "amd64"}
	a, err := Build(s)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Build(s)
	if err != nil {
		t.Fatal(err)
	}
	da, _ := a.ConfigName()
	db, _ := b.ConfigName()
	if da != db {
		t.Errorf("Build twice: image IDs %s and %s differ", da, db)
	}
	s.Binary = []byte("other binary")
	c, err := Build(s)
	if err != nil {
		t.Fatal(err)
	}
	if dc, _ := c.ConfigName(); dc == da {
		t.Errorf("Build of another binary has the same image ID %s", dc)
	}
}

func readMember(t *testing.T, archive, member string) []byte {
	t.Helper()
	f, err := os.Open(archive)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	tr := tar.NewReader(f)
	for {
		h, err := tr.Next()
		if err != nil {
			t.Fatalf("%s has no %s: %v", archive, member, err)
		}
		if h.Name == member {
			b, err := io.ReadAll(tr)
			if err != nil {
				t.Fatal(err)
			}
			return b
		}
	}
}

func keys(m map[string]*tar.Header) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	return ks
}
