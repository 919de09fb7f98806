package transform

import (
	"context"
	"fmt"
	"net/url"
	"path"
	"strconv"
	"strings"

	"github.com/farepipe/farepipe/internal/objstore"
)

// Areas of a bucket, the first segment of a key.
const (
	AreaRaw        = "raw"
	AreaCurated    = "curated"
	AreaQuarantine = "quarantine"
	AreaDeadLetter = "dead-letter"
)

// OutputKey derives the key of an output from the key of an input in area
// from by replacing the input's last path segment named from with to:
// OutputKey("raw/source=s/date=d/x.ndjson.gz", "raw", "curated") is
// "curated/source=s/date=d/x.ndjson.gz". A key without that segment gets to
// as a sibling directory of its file: in/x.ndjson.gz becomes
// in/curated/x.ndjson.gz.
func OutputKey(inKey, from, to string) string {
	segs := strings.Split(inKey, "/")
	for i := len(segs) - 2; i >= 0; i-- {
		if segs[i] == from {
			segs[i] = to
			return strings.Join(segs, "/")
		}
	}
	dir, file := path.Split(inKey)
	return dir + to + "/" + file
}

// ObjectResult is what transforming one object produced.
type ObjectResult struct {
	Summary
	Curated    string // URI of the observations
	Quarantine string // URI of the rejections; empty when there were none
	Size       int64  // bytes of the raw object as stored
}

// Object transforms the object under inKey of in and stores the
// observations under curatedKey of cur and, when anything was rejected, the
// rejections under quarantineKey of qua. Outputs are spooled to temporary
// files, so memory stays flat; an output is stored only once it is
// complete.
func Object(ctx context.Context, in objstore.Store, inKey string, cur objstore.Store, curatedKey string, qua objstore.Store, quarantineKey string, opt Options) (ObjectResult, error) {
	res := ObjectResult{}
	body, info, err := in.Get(ctx, inKey)
	if err != nil {
		return res, fmt.Errorf("opening %s: %w", in.URI(inKey), err)
	}
	defer body.Close()
	res.Size = info.Size
	curSpool, err := objstore.NewSpool("curated")
	if err != nil {
		return res, err
	}
	defer curSpool.Close()
	quaSpool, err := objstore.NewSpool("quarantine")
	if err != nil {
		return res, err
	}
	defer quaSpool.Close()

	if opt.Source == "" {
		opt.Source = in.URI(inKey)
	}
	res.Summary, err = Run(ctx, body, curSpool, quaSpool, opt)
	if err != nil {
		return res, err
	}
	meta := map[string]string{
		"source-uri":   url.PathEscape(opt.Source),
		"observations": strconv.Itoa(res.Observations),
	}
	if err := curSpool.PutTo(ctx, cur, curatedKey, meta); err != nil {
		return res, err
	}
	res.Curated = cur.URI(curatedKey)
	if res.Rejected() > 0 {
		meta := map[string]string{"source-uri": url.PathEscape(opt.Source), "rejected": strconv.Itoa(res.Rejected())}
		if err := quaSpool.PutTo(ctx, qua, quarantineKey, meta); err != nil {
			return res, err
		}
		res.Quarantine = qua.URI(quarantineKey)
	}
	return res, nil
}
