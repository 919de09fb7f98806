package objstore

import (
	"context"
	"fmt"
)

// Open parses uri and returns the store it names and the key (or key
// prefix) within it. An s3 URI's bucket replaces s3cfg.Bucket; the rest of
// s3cfg (endpoint, region, path style, part size) applies. A file URI opens
// a Dir on "/" or the working directory, with the path as the key.
func Open(ctx context.Context, uri string, s3cfg S3Config) (Store, string, error) {
	u, err := ParseURI(uri)
	if err != nil {
		return nil, "", err
	}
	switch u.Scheme {
	case "file":
		return NewDir(u.Bucket), u.Key, nil
	default:
		s3cfg.Bucket = u.Bucket
		s, err := NewS3(ctx, s3cfg)
		if err != nil {
			return nil, "", fmt.Errorf("opening %s: %w", uri, err)
		}
		return s, u.Key, nil
	}
}
