package land

import (
	"testing"

	"github.com/farepipe/farepipe/internal/objstore"
	"github.com/farepipe/farepipe/internal/testenv"
)

// minio returns a store on the test MinIO with the given part size (0 for
// the default) and credentials where the SDK's default chain finds them.
func minio(t *testing.T, partSize int64) objstore.Store {
	t.Helper()
	env := testenv.S3(t)
	t.Setenv("AWS_ACCESS_KEY_ID", env.AccessKey)
	t.Setenv("AWS_SECRET_ACCESS_KEY", env.SecretKey)
	s, err := objstore.NewS3(t.Context(), objstore.S3Config{
		Endpoint: env.Endpoint, Region: env.Region, PathStyle: true, Bucket: env.Bucket, PartSize: partSize,
	})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestLandIntoS3(t *testing.T) {
	testLand(t, minio(t, 0), testenv.Unique(t, "land"))
}

func TestLandLargeBatchIntoS3InParts(t *testing.T) {
	// 5 MiB is the smallest part S3 allows; a 12 MiB batch takes 3 parts.
	testLargeBatch(t, minio(t, 5<<20), testenv.Unique(t, "land"), 3)
}
