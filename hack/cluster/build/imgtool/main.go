// Command imgtool writes a single-layer container image as an OCI image
// archive that `ctr images import` understands, without a registry or a
// container engine. The index names the image twice: containerd's
// io.containerd.image.name annotation (the full reference, which ctr uses as
// the image name) and the OCI ref name (the tag). The cluster script uses it for the pause, argoexec and
// argo-events images.
//
//	imgtool -o out.tar -name quay.io/argoproj/argoexec:v3.7.18 \
//	    -entrypoint /bin/argoexec SRC=/bin/argoexec DIR=/tmp/ ...
//
// Each argument is SRC=DEST (a file copied to DEST, mode kept) or DEST/ (an
// empty directory, mode 1777 for /tmp/, 0755 otherwise).
package main

import (
	"archive/tar"
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// epoch is the fixed time stamp of every file, so the same inputs give the
// same image digest.
var epoch = time.Unix(0, 0).UTC()

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintf(os.Stderr, "imgtool: %v\n", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	fs := flag.NewFlagSet("imgtool", flag.ContinueOnError)
	out := fs.String("o", "", "output archive (OCI image layout as tar)")
	name := fs.String("name", "", "full image reference, e.g. registry.k8s.io/pause:3.10")
	entry := fs.String("entrypoint", "", "comma-separated entrypoint")
	cmd := fs.String("cmd", "", "comma-separated default arguments")
	user := fs.String("user", "", "user to run as (uid or uid:gid)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *out == "" || *name == "" || fs.NArg() == 0 {
		return errors.New("usage: imgtool -o OUT.tar -name REF [-entrypoint A,B] [-cmd A,B] [-user U] SRC=DEST|DIR/ ...")
	}
	layerTar, err := layerTar(fs.Args())
	if err != nil {
		return err
	}
	layer, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader(layerTar)), nil
	}, tarball.WithMediaType(types.OCILayer))
	if err != nil {
		return fmt.Errorf("making layer: %w", err)
	}
	base := mutate.ConfigMediaType(mutate.MediaType(empty.Image, types.OCIManifestSchema1), types.OCIConfigJSON)
	img, err := mutate.AppendLayers(base, layer)
	if err != nil {
		return fmt.Errorf("appending layer: %w", err)
	}
	cf, err := img.ConfigFile()
	if err != nil {
		return fmt.Errorf("reading config: %w", err)
	}
	cf = cf.DeepCopy()
	cf.Architecture = "amd64"
	cf.OS = "linux"
	cf.Created = v1.Time{Time: epoch}
	cf.Config.Env = []string{"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"}
	cf.Config.Entrypoint = split(*entry)
	cf.Config.Cmd = split(*cmd)
	cf.Config.User = *user
	img, err = mutate.ConfigFile(img, cf)
	if err != nil {
		return fmt.Errorf("setting config: %w", err)
	}
	return writeArchive(*out, *name, img)
}

func split(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

// layerTar builds the uncompressed layer from SRC=DEST and DIR/ arguments,
// adding parent directories as needed.
func layerTar(specs []string) ([]byte, error) {
	type entry struct {
		hdr *tar.Header
		src string
	}
	entries := map[string]entry{}
	addDirs := func(p string) {
		for d := path.Dir(p); d != "/" && d != "."; d = path.Dir(d) {
			if _, ok := entries[d]; !ok {
				entries[d] = entry{hdr: &tar.Header{Typeflag: tar.TypeDir, Name: strings.TrimPrefix(d, "/") + "/", Mode: 0o755, ModTime: epoch}}
			}
		}
	}
	for _, s := range specs {
		if src, dest, ok := strings.Cut(s, "="); ok {
			dest = path.Clean("/" + dest)
			fi, err := os.Stat(src)
			if err != nil {
				return nil, fmt.Errorf("reading %s: %w", src, err)
			}
			if !fi.Mode().IsRegular() {
				return nil, fmt.Errorf("%s is not a regular file", src)
			}
			entries[dest] = entry{
				hdr: &tar.Header{Typeflag: tar.TypeReg, Name: strings.TrimPrefix(dest, "/"), Mode: int64(fi.Mode().Perm()), Size: fi.Size(), ModTime: epoch},
				src: src,
			}
			addDirs(dest)
			continue
		}
		if !strings.HasSuffix(s, "/") {
			return nil, fmt.Errorf("argument %q is neither SRC=DEST nor DIR/", s)
		}
		dir := path.Clean("/" + s)
		mode := int64(0o755)
		if dir == "/tmp" {
			mode = 0o1777
		}
		entries[dir] = entry{hdr: &tar.Header{Typeflag: tar.TypeDir, Name: strings.TrimPrefix(dir, "/") + "/", Mode: mode, ModTime: epoch}}
		addDirs(dir)
	}
	names := make([]string, 0, len(entries))
	for n := range entries {
		names = append(names, n)
	}
	sort.Strings(names)
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, n := range names {
		e := entries[n]
		if err := tw.WriteHeader(e.hdr); err != nil {
			return nil, fmt.Errorf("writing header of %s: %w", n, err)
		}
		if e.src == "" {
			continue
		}
		if err := copyFile(tw, e.src); err != nil {
			return nil, err
		}
	}
	if err := tw.Close(); err != nil {
		return nil, fmt.Errorf("closing layer: %w", err)
	}
	return buf.Bytes(), nil
}

func copyFile(w io.Writer, src string) error {
	f, err := os.Open(src)
	if err != nil {
		return fmt.Errorf("opening %s: %w", src, err)
	}
	defer f.Close()
	if _, err := io.Copy(w, f); err != nil {
		return fmt.Errorf("copying %s: %w", src, err)
	}
	return nil
}

// writeArchive writes img as an OCI image layout in a tar file. The index
// entry carries containerd's image-name annotation, so `ctr images import`
// names the image exactly as NAME, and the OCI ref name (the tag).
func writeArchive(out, name string, img v1.Image) error {
	tmp, err := os.MkdirTemp(filepath.Dir(out), ".imgtool-")
	if err != nil {
		return fmt.Errorf("making temp dir: %w", err)
	}
	defer os.RemoveAll(tmp)
	p, err := layout.Write(tmp, empty.Index)
	if err != nil {
		return fmt.Errorf("writing layout: %w", err)
	}
	tag := name[strings.LastIndex(name, ":")+1:]
	if err := p.AppendImage(img, layout.WithAnnotations(map[string]string{
		"io.containerd.image.name":          name,
		"org.opencontainers.image.ref.name": tag,
	})); err != nil {
		return fmt.Errorf("adding image: %w", err)
	}
	f, err := os.CreateTemp(filepath.Dir(out), ".imgtool-*.tar")
	if err != nil {
		return fmt.Errorf("creating archive: %w", err)
	}
	defer os.Remove(f.Name())
	if err := tarDir(f, tmp); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("closing archive: %w", err)
	}
	return os.Rename(f.Name(), out)
}

func tarDir(w io.Writer, root string) error {
	tw := tar.NewWriter(w)
	err := filepath.Walk(root, func(p string, fi os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(root, p)
		if err != nil || rel == "." {
			return err
		}
		hdr, err := tar.FileInfoHeader(fi, "")
		if err != nil {
			return err
		}
		hdr.Name = filepath.ToSlash(rel)
		if fi.IsDir() {
			hdr.Name += "/"
		}
		hdr.ModTime = epoch
		if err := tw.WriteHeader(hdr); err != nil {
			return err
		}
		if fi.Mode().IsRegular() {
			return copyFile(tw, p)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("writing archive: %w", err)
	}
	return tw.Close()
}
