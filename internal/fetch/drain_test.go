package fetch

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path"
	"slices"
	"strings"
	"testing"

	"github.com/farepipe/farepipe/internal/fault"
	"github.com/farepipe/farepipe/internal/land"
	"github.com/farepipe/farepipe/internal/objstore"
)

// drain drains staging through src as farepipe-collect's land does,
// telling the checkpoint under ckKey the parts it landed, and checks the
// drain's invariant: every batch staged before it ends in exactly one of
// raw/, quarantine with its reason, or (only when the drain failed
// retryably) staging; a batch in bad (one land refuses) never lands, and
// only those are set aside.
func drain(t *testing.T, src *faulty, st objstore.Store, root, ckKey, staging string, bad []string, at string) {
	t.Helper()
	before := stagedSums(t, st, staging)
	l := &land.Lander{Prefix: strings.TrimSuffix(root, "/"),
		Landed: func(ctx context.Context, keys []string) error { return MarkLanded(ctx, src, ckKey, keys) }}
	_, err := l.Drain(t.Context(), src, src, staging, land.Meta{})
	var aside *land.AsideError
	switch {
	case err == nil, errors.Is(err, errInjected):
	case errors.As(err, &aside) && fault.ClassOf(err) == fault.Data:
		for _, a := range aside.Aside {
			if !slices.ContainsFunc(bad, func(key string) bool { return st.URI(key) == a.Staged }) {
				t.Errorf("%s: Drain set aside %s (%v), a batch land does not refuse", at, a.Staged, a.Reason)
			}
		}
	default:
		t.Fatalf("%s: Drain = %v", at, err)
	}
	failed := errors.Is(err, errInjected)
	raw := map[string]bool{}
	for info, err := range st.List(t.Context(), root+"raw/") {
		if err != nil {
			t.Fatal(err)
		}
		raw[strings.TrimSuffix(path.Base(info.Key), land.Suffix)] = true
	}
	for key, sum := range before {
		info, err := st.Stat(t.Context(), key)
		staged := err == nil && info.Size > 0
		landed := raw[sum[:16]]
		q, err := st.Stat(t.Context(), land.QuarantineKey(l.Prefix, key))
		setAside := err == nil && q.Metadata[land.MetaReason] != ""
		n := 0
		for _, in := range []bool{staged, landed, setAside} {
			if in {
				n++
			}
		}
		switch {
		case landed && slices.Contains(bad, key):
			t.Errorf("%s: %s, a batch land refuses, is in raw/", at, key)
		case failed && n == 0:
			t.Errorf("%s: %s is neither in raw/, nor in quarantine, nor staged after a failed drain", at, key)
		case !failed && (staged || n != 1):
			t.Errorf("%s: after a drain (%v) %s is staged %v, landed %v, set aside %v; want exactly one of landed and set aside",
				at, err, key, staged, landed, setAside)
		}
	}
}

// stagedSums returns the hex SHA-256, by key, of the batches waiting
// under staging.
func stagedSums(t *testing.T, st objstore.Store, staging string) map[string]string {
	t.Helper()
	keys, err := land.Staged(t.Context(), st, staging)
	if err != nil {
		t.Fatal(err)
	}
	sums := map[string]string{}
	for _, key := range keys {
		body, _, err := st.Get(t.Context(), key)
		if err != nil {
			t.Fatal(err)
		}
		h := sha256.New()
		_, err = io.Copy(h, body)
		body.Close()
		if err != nil {
			t.Fatal(err)
		}
		sums[key] = hex.EncodeToString(h.Sum(nil))
	}
	return sums
}

// plantBad stores under staging a batch land refuses for good (one of
// land's own fixtures), as another producer or a broken writer might,
// and returns its key.
func plantBad(t *testing.T, st objstore.Store, staging string, rng *rand.Rand, round int) string {
	t.Helper()
	names := []string{"notjson.ndjson", "nofetched.ndjson", "empty.ndjson.gz", "truncated.ndjson.gz"}
	name := names[rng.IntN(len(names))]
	data, err := os.ReadFile("../land/testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	key := fmt.Sprintf("%s%s%d-%s", staging, badPrefix, round, name)
	if err := st.Put(t.Context(), key, bytes.NewReader(data), int64(len(data)), nil); err != nil {
		t.Fatal(err)
	}
	return key
}

// badPrefix begins the name of every batch plantBad stores.
const badPrefix = "bad-"
