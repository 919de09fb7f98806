package objstore

import (
	"context"

	"github.com/farepipe/farepipe/internal/fault"
)

// Open parses uri and returns the store it names and the key (or key
// prefix) within it. An s3 URI's bucket replaces s3cfg.Bucket; the rest of
// s3cfg (endpoint, region, path style, part size) applies. A file URI opens
// a Dir on "/" or the working directory, with the path as the key. Its
// errors are configuration errors (fault.Config): a URI that names no
// store, or S3 settings that do not load.
func Open(ctx context.Context, uri string, s3cfg S3Config) (Store, string, error) {
	u, err := ParseURI(uri)
	if err != nil {
		return nil, "", fault.New(fault.Config, err)
	}
	switch u.Scheme {
	case "file":
		return NewDir(u.Bucket), u.Key, nil
	default:
		s3cfg.Bucket = u.Bucket
		s, err := NewS3(ctx, s3cfg)
		if err != nil {
			return nil, "", fault.Configf("opening %s: %w", uri, err)
		}
		return s, u.Key, nil
	}
}
