// Command imagebuild packs static farepipe binaries into OCI images,
// written as image tarballs that `ctr images import` and `docker load`
// accept, without a registry or a container runtime:
//
//	go run ./hack/imagebuild -out bin/images -repo farepipe -tag dev bin/linux/fetch bin/linux/land ...
//
// writes bin/images/fetch.tar holding farepipe/fetch:dev, and so on. Each
// image is an empty base plus one layer: the binary at
// /usr/local/bin/<name> (the entrypoint), the host's CA certificates,
// /etc/passwd and /etc/group for user 65532 (nonroot), and /tmp.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "imagebuild:", err)
		os.Exit(1)
	}
}

func run(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("imagebuild", flag.ContinueOnError)
	out := fs.String("out", "bin/images", "directory to write <name>.tar into")
	repo := fs.String("repo", "farepipe", "image repository prefix: images are <repo>/<name>:<tag>")
	tag := fs.String("tag", "dev", "image tag")
	certs := fs.String("ca", CertPath, "PEM bundle of CA certificates to include (skipped when missing; empty for none)")
	arch := fs.String("arch", "", "GOARCH the binaries were built for (default: this machine's)")
	version := fs.String("version", "", "version label (default: the tag)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return fmt.Errorf("give the binaries to pack")
	}
	if *version == "" {
		*version = *tag
	}
	ca, err := readOptional(*certs)
	if err != nil {
		return fmt.Errorf("reading CA certificates: %w", err)
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return fmt.Errorf("creating %s: %w", *out, err)
	}
	for _, bin := range fs.Args() {
		n := filepath.Base(bin)
		body, err := os.ReadFile(bin)
		if err != nil {
			return fmt.Errorf("reading binary: %w", err)
		}
		img, err := Build(Spec{Name: n, Binary: body, Certs: ca, Version: *version, Arch: *arch})
		if err != nil {
			return err
		}
		ref, err := Reference(*repo, n, *tag)
		if err != nil {
			return err
		}
		dst := filepath.Join(*out, n+".tar")
		if err := tarball.WriteToFile(dst, ref, img); err != nil {
			return fmt.Errorf("writing %s: %w", dst, err)
		}
		id, err := img.ConfigName() // the image ID runtimes show; they write manifests of their own
		if err != nil {
			return fmt.Errorf("hashing %s: %w", ref, err)
		}
		fmt.Fprintf(stdout, "%s\t%s\t%s\n", dst, ref, id)
	}
	return nil
}

// Reference returns the tag of an image. It is written to the archive as
// farepipe/fetch:dev, which containerd and the kubelet both read as
// docker.io/farepipe/fetch:dev: the image a pod spec naming
// farepipe/fetch:dev runs.
func Reference(repo, image, tag string) (name.Tag, error) {
	ref, err := name.NewTag(repo+"/"+image+":"+tag, name.WithDefaultRegistry("docker.io"))
	if err != nil {
		return name.Tag{}, fmt.Errorf("naming image %s/%s:%s: %w", repo, image, tag, err)
	}
	return ref, nil
}
