package land

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/farepipe/farepipe/internal/ndjson"
	"github.com/farepipe/farepipe/internal/objstore"
	"github.com/farepipe/farepipe/internal/raw"
)

func TestLandLargeBatchIntoDir(t *testing.T) {
	testLargeBatch(t, objstore.NewDir(t.TempDir()), "lake", 0)
}

// testLargeBatch lands a batch of more than 12 MiB and checks the object
// byte for byte. With parts > 0 the store must have stored it as a
// multipart upload of that many parts.
func testLargeBatch(t *testing.T, store objstore.Store, prefix string, parts int) {
	ctx := t.Context()
	path, records := writeLargeBatch(t, 12<<20)
	file, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(file)
	l := &Lander{Prefix: prefix}

	res, err := l.LandFile(ctx, store, path, Meta{Source: "synthetic"})
	if err != nil {
		t.Fatalf("LandFile(%d bytes) = %v", len(file), err)
	}
	if res.SHA256 != hex.EncodeToString(sum[:]) || res.Size != int64(len(file)) || res.Records != records || res.Skipped {
		t.Errorf("LandFile = %+v, want sha256 %x, size %d, %d records", res, sum, len(file), records)
	}
	rc, info, err := store.Get(ctx, res.Key)
	if err != nil {
		t.Fatalf("Get(%q) = %v", res.Key, err)
	}
	defer rc.Close()
	h := sha256.New()
	if _, err := io.Copy(h, rc); err != nil {
		t.Fatalf("reading %q: %v", res.Key, err)
	}
	if !bytes.Equal(h.Sum(nil), sum[:]) || info.Metadata[MetaSHA256] != res.SHA256 {
		t.Errorf("stored object has sha256 %x and metadata %v, want %s", h.Sum(nil), info.Metadata, res.SHA256)
	}
	if parts > 0 && !strings.HasSuffix(info.ETag, "-"+strconv.Itoa(parts)) {
		t.Errorf("ETag = %q, want a multipart ETag of %d parts", info.ETag, parts)
	}
	again, err := l.LandFile(ctx, store, path, Meta{Source: "synthetic"})
	if err != nil || !again.Skipped || again.Key != res.Key {
		t.Errorf("second LandFile = %+v, %v; want skipped at %q", again, err, res.Key)
	}
}

// writeLargeBatch writes a gzip batch of at least size bytes of envelopes
// whose bodies hardly compress, and returns its path and record count.
func writeLargeBatch(t *testing.T, size int64) (string, int) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "large.ndjson.gz")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	w := ndjson.NewWriter(f)
	rng := rand.New(rand.NewPCG(7, 11))
	blob := make([]byte, 48<<10)
	start := time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)
	n := 0
	for ; ; n++ {
		if fi, err := f.Stat(); err != nil {
			t.Fatal(err)
		} else if fi.Size() >= size {
			break
		}
		for i := range blob {
			blob[i] = byte(rng.Uint32())
		}
		body, _ := json.Marshal(map[string]string{"blob": base64.StdEncoding.EncodeToString(blob)})
		env := raw.Envelope{
			Provider:  "synthetic",
			Search:    raw.Search{Origin: "ICN", Destination: "NRT", Departure: "2027-01-05", Adults: 1},
			FetchedAt: start.Add(time.Duration(n) * time.Second),
			Status:    200,
			Body:      body,
		}
		line, err := json.Marshal(env)
		if err != nil {
			t.Fatal(err)
		}
		if err := w.WriteLine(line); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return path, n
}
