package land

import (
	"context"
	"fmt"
	"strings"

	"github.com/farepipe/farepipe/internal/objstore"
)

// Metadata keys of a batch set aside in quarantine.
const (
	MetaReason = "reason" // why land refused it
	MetaStaged = "staged" // the URI it waited at
)

// maxAsideMeta caps each value of MetaReason and MetaStaged so that both,
// with their keys, fit the metadata a store accepts.
const maxAsideMeta = (objstore.MaxMeta - len(MetaReason) - len(MetaStaged)) / 2

// Aside is a staged batch land refused for good and set aside.
type Aside struct {
	Staged string // URI the batch waited at, now deleted
	URI    string // URI of its copy in quarantine
	Reason error  // why land refused it
}

// AsideError lists the batches a drain set aside, each with its reason
// and where it is.
type AsideError struct {
	Aside []Aside
}

func (e *AsideError) Error() string {
	each := make([]string, len(e.Aside))
	for i, a := range e.Aside {
		each[i] = fmt.Sprintf("%s at %s (%v)", a.Staged, a.URI, a.Reason)
	}
	return fmt.Sprintf("staged batches set aside in quarantine (%d): %s", len(e.Aside), strings.Join(each, "; "))
}

// QuarantineKey returns the key a refused staged batch is set aside at:
// its staging key under quarantine/, after prefix ("" for none), beside
// transform's quarantine/source=… and quarantine/incoming/….
func QuarantineKey(prefix, stagedKey string) string {
	key := "quarantine/" + stagedKey
	if prefix != "" {
		key = strings.TrimSuffix(prefix, "/") + "/" + key
	}
	return key
}

// setAside copies the batch under key of src to QuarantineKey in dst,
// with reason and its staged URI as metadata, then deletes it from src.
// A failure leaves the batch staged: the next drain refuses it again and
// puts the same copy.
func (l *Lander) setAside(ctx context.Context, dst, src objstore.Store, key string, reason error) (Aside, error) {
	a := Aside{Staged: src.URI(key), URI: dst.URI(QuarantineKey(l.Prefix, key)), Reason: reason}
	body, info, err := src.Get(ctx, key)
	if err != nil {
		return a, fmt.Errorf("setting aside %s: %w", a.Staged, err)
	}
	defer body.Close()
	meta := map[string]string{MetaReason: objstore.MetaValue(reason.Error(), maxAsideMeta),
		MetaStaged: objstore.MetaValue(a.Staged, maxAsideMeta)}
	if err := dst.Put(ctx, QuarantineKey(l.Prefix, key), body, info.Size, meta); err != nil {
		return a, fmt.Errorf("setting aside %s: %w", a.Staged, err)
	}
	if err := src.Delete(ctx, key); err != nil {
		return a, fmt.Errorf("deleting %s, set aside at %s: %w", a.Staged, a.URI, err)
	}
	l.logger().Debug("batch set aside", "staged", a.Staged, "uri", a.URI, "reason", reason)
	return a, nil
}
