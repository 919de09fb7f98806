package main

import (
	"archive/tar"
	"bytes"
	"fmt"
	"io"
	"os"
	"path"
	"runtime"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
)

// User is the user and group the images run as (distroless' nonroot).
const User = 65532

// BinDir is where the binary goes in the image.
const BinDir = "/usr/local/bin"

// CertPath is where the CA certificates go, the first place Go's
// crypto/x509 looks on Linux.
const CertPath = "/etc/ssl/certs/ca-certificates.crt"

// Spec is what goes into one image.
type Spec struct {
	Name    string // command name: the binary is BinDir/Name, the entrypoint
	Binary  []byte // the static executable
	Certs   []byte // PEM CA bundle; none when empty
	Version string // recorded as the org.opencontainers.image.version label
	Arch    string // GOARCH of the binary; runtime.GOARCH when empty
}

// Build returns the image of s: one layer on an empty base holding the
// binary, the CA certificates, /etc/passwd and /etc/group naming the
// nonroot user, its home and a world-writable /tmp; the config runs the
// binary as User. Timestamps are fixed, so the same binary always gives
// the same image ID.
func Build(s Spec) (v1.Image, error) {
	layerTar, err := rootfs(s)
	if err != nil {
		return nil, err
	}
	layer, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader(layerTar)), nil
	})
	if err != nil {
		return nil, fmt.Errorf("making layer of %s: %w", s.Name, err)
	}
	img, err := mutate.AppendLayers(empty.Image, layer)
	if err != nil {
		return nil, fmt.Errorf("adding layer of %s: %w", s.Name, err)
	}
	cfg, err := img.ConfigFile()
	if err != nil {
		return nil, fmt.Errorf("reading config of %s: %w", s.Name, err)
	}
	cfg = cfg.DeepCopy()
	arch := s.Arch
	if arch == "" {
		arch = runtime.GOARCH
	}
	cfg.OS, cfg.Architecture = "linux", arch
	cfg.Created = v1.Time{Time: time.Unix(0, 0).UTC()}
	cfg.Config = v1.Config{
		User:       fmt.Sprintf("%d:%d", User, User),
		Entrypoint: []string{path.Join(BinDir, s.Name)},
		WorkingDir: "/",
		Env:        []string{"PATH=" + BinDir, "HOME=/home/nonroot"},
		Labels: map[string]string{
			"org.opencontainers.image.title":   s.Name,
			"org.opencontainers.image.version": s.Version,
		},
	}
	if len(s.Certs) > 0 {
		cfg.Config.Env = append(cfg.Config.Env, "SSL_CERT_FILE="+CertPath)
	}
	img, err = mutate.ConfigFile(img, cfg)
	if err != nil {
		return nil, fmt.Errorf("setting config of %s: %w", s.Name, err)
	}
	return img, nil
}

// rootfs returns the tar stream of the image's only layer.
func rootfs(s Spec) ([]byte, error) {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	epoch := time.Unix(0, 0).UTC()
	dir := func(name string, mode int64, uid int) error {
		return tw.WriteHeader(&tar.Header{Typeflag: tar.TypeDir, Name: name + "/", Mode: mode,
			Uid: uid, Gid: uid, ModTime: epoch, Format: tar.FormatPAX})
	}
	file := func(name string, mode int64, body []byte) error {
		if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeReg, Name: name, Mode: mode,
			Size: int64(len(body)), ModTime: epoch, Format: tar.FormatPAX}); err != nil {
			return err
		}
		_, err := tw.Write(body)
		return err
	}
	passwd := fmt.Sprintf("root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:%d:%d:nonroot:/home/nonroot:/sbin/nologin\n", User, User)
	group := fmt.Sprintf("root:x:0:\nnonroot:x:%d:\n", User)
	steps := []func() error{
		func() error { return dir("etc", 0o755, 0) },
		func() error { return file("etc/passwd", 0o644, []byte(passwd)) },
		func() error { return file("etc/group", 0o644, []byte(group)) },
		func() error { return dir("home", 0o755, 0) },
		func() error { return dir("home/nonroot", 0o700, User) },
		func() error { return dir("tmp", 0o1777, 0) },
		func() error { return dir("usr", 0o755, 0) },
		func() error { return dir("usr/local", 0o755, 0) },
		func() error { return dir("usr/local/bin", 0o755, 0) },
		func() error { return file(path.Join(BinDir, s.Name)[1:], 0o755, s.Binary) },
	}
	if len(s.Certs) > 0 {
		steps = append(steps,
			func() error { return dir("etc/ssl", 0o755, 0) },
			func() error { return dir("etc/ssl/certs", 0o755, 0) },
			func() error { return file(CertPath[1:], 0o644, s.Certs) },
		)
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return nil, fmt.Errorf("writing layer of %s: %w", s.Name, err)
		}
	}
	if err := tw.Close(); err != nil {
		return nil, fmt.Errorf("writing layer of %s: %w", s.Name, err)
	}
	return buf.Bytes(), nil
}

// readOptional returns the file at p, or nothing when p is empty or the
// file does not exist.
func readOptional(p string) ([]byte, error) {
	if p == "" {
		return nil, nil
	}
	b, err := os.ReadFile(p)
	if os.IsNotExist(err) {
		return nil, nil
	}
	return b, err
}
