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
	// AreaIncoming is where producers other than farepipe put their raw
	// objects (plain answers, fare rows): the EventSources announce
	// objects created under incoming/ as under raw/.
	AreaIncoming = "incoming"
)

// OutputKey derives the key of an output from the key of an input in area
// from by replacing the input's last path segment named from with to:
// OutputKey("raw/source=s/date=d/x.ndjson.gz", "raw", "curated") is
// "curated/source=s/date=d/x.ndjson.gz". A raw key without a raw segment
// but under incoming/ keeps it below to: incoming/acme/x.csv becomes
// curated/incoming/acme/x.csv.ndjson.gz. Any other key gets to as a
// sibling directory of its file: in/x.ndjson.gz becomes
// in/curated/x.ndjson.gz. Outputs are gzip NDJSON: a name that does not
// end in .ndjson or .ndjson.gz gets .ndjson.gz appended.
func OutputKey(inKey, from, to string) string {
	dir, file := path.Split(inKey)
	if !strings.HasSuffix(file, ".ndjson.gz") && !strings.HasSuffix(file, ".ndjson") {
		file += ".ndjson.gz"
	}
	segs := strings.Split(dir+file, "/")
	for i := len(segs) - 2; i >= 0; i-- {
		if segs[i] == from {
			segs[i] = to
			return strings.Join(segs, "/")
		}
	}
	if from == AreaRaw {
		for i := len(segs) - 2; i >= 0; i-- {
			if segs[i] == AreaIncoming {
				segs[i] = to + "/" + AreaIncoming
				return strings.Join(segs, "/")
			}
		}
	}
	return dir + to + "/" + file
}

// Summary is what transforming one object produced.
type Summary struct {
	Counts
	Read
	Curated    string // URI of the observations
	Quarantine string // URI of the rejections; empty when there were none
	Size       int64  // bytes of the raw object as stored
}

// object transforms the object under inKey of in and stores the
// observations under curatedKey of cur and, when anything was rejected, the
// rejections under quarantineKey of qua. Outputs are spooled to temporary
// files, so memory stays flat; an output is stored only once it is
// complete.
func object(ctx context.Context, in objstore.Store, inKey string, cur objstore.Store, curatedKey string, qua objstore.Store, quarantineKey string, opt Options) (Summary, error) {
	res := Summary{}
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
	opt.Intake.Key, opt.Intake.LastModified = inKey, info.LastModified
	res.Counts, res.Read, err = Stream(ctx, body, curSpool, quaSpool, opt)
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
