package objstore

import (
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"net/url"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/feature/s3/manager"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// DefaultPartSize is the multipart part size used when S3Config.PartSize is
// zero. Bodies larger than one part are uploaded in parts.
const DefaultPartSize = 16 << 20

// DefaultTimeout is the longest an S3 request may go without progress when
// S3Config.Timeout is zero.
const DefaultTimeout = 60 * time.Second

// DefaultConcurrency is how many parts of one upload are in flight when
// S3Config.Concurrency is zero. Memory held by an upload is at most about
// part size × concurrency.
const DefaultConcurrency = 4

// S3Config says where an S3-compatible bucket is. Credentials are not part
// of it: they come from the AWS SDK's default chain (AWS_ACCESS_KEY_ID and
// AWS_SECRET_ACCESS_KEY, a shared profile, a web identity or instance role).
type S3Config struct {
	Endpoint    string // base URL of a non-AWS service such as MinIO; empty for AWS
	Region      string // empty: the SDK's configured region, else us-east-1
	PathStyle   bool   // address buckets as endpoint/bucket (MinIO), not bucket.endpoint
	Bucket      string
	PartSize    int64 // multipart part size in bytes; 0 means DefaultPartSize, minimum 5 MiB
	Concurrency int   // parts in flight per upload; 0 means DefaultConcurrency
	MaxAttempts int   // attempts per request by the SDK; 0 means the SDK default (3)
	// Timeout bounds each attempt of a request by its progress: connecting,
	// and then any stretch without a byte sent or received, fails the
	// attempt after this long. A long transfer that keeps moving is never
	// cut; a silent store is. 0 means DefaultTimeout.
	Timeout time.Duration
}

// Validate checks the configuration without any I/O.
func (c S3Config) Validate() error {
	if c.Bucket == "" {
		return errors.New("missing bucket")
	}
	if err := checkBucket(c.Bucket); err != nil {
		return err
	}
	if c.Endpoint != "" {
		u, err := url.Parse(c.Endpoint)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("invalid endpoint %q: want http(s)://host[:port]", c.Endpoint)
		}
	}
	if c.PartSize != 0 && c.PartSize < manager.MinUploadPartSize {
		return fmt.Errorf("part size %d is below the S3 minimum of %d bytes", c.PartSize, manager.MinUploadPartSize)
	}
	if c.Concurrency < 0 || c.MaxAttempts < 0 || c.Timeout < 0 {
		return errors.New("concurrency, max attempts and timeout must not be negative")
	}
	return nil
}

// s3API is what S3 needs of an S3 client.
type s3API interface {
	manager.UploadAPIClient
	s3.HeadObjectAPIClient
	s3.ListObjectsV2APIClient
	GetObject(context.Context, *s3.GetObjectInput, ...func(*s3.Options)) (*s3.GetObjectOutput, error)
	DeleteObject(context.Context, *s3.DeleteObjectInput, ...func(*s3.Options)) (*s3.DeleteObjectOutput, error)
}

var _ s3API = (*s3.Client)(nil)

// S3 is a Store in one S3 bucket.
type S3 struct {
	client   s3API
	uploader *manager.Uploader
	bucket   string
	pageSize int32 // keys per ListObjectsV2 page; 0 means the service default
}

var _ Store = (*S3)(nil)

// NewS3 returns a Store for cfg.Bucket. It loads the SDK's default
// configuration (region, credentials) but makes no request.
func NewS3(ctx context.Context, cfg S3Config) (*S3, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("configuring s3: %w", err)
	}
	var opts []func(*config.LoadOptions) error
	if cfg.Region != "" {
		opts = append(opts, config.WithRegion(cfg.Region))
	}
	if cfg.MaxAttempts > 0 {
		opts = append(opts, config.WithRetryMaxAttempts(cfg.MaxAttempts))
	}
	awsCfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return nil, fmt.Errorf("loading aws configuration: %w", err)
	}
	if awsCfg.Region == "" {
		awsCfg.Region = "us-east-1"
	}
	timeout := cfg.Timeout
	if timeout == 0 {
		timeout = DefaultTimeout
	}
	client := s3.NewFromConfig(awsCfg, func(o *s3.Options) {
		o.HTTPClient = httpClient(timeout)
		if cfg.Endpoint != "" {
			o.BaseEndpoint = aws.String(cfg.Endpoint)
		}
		o.UsePathStyle = cfg.PathStyle
		// Multipart objects carry no whole-object checksum to validate on
		// Get; the SDK would say so on stderr, outside the step's JSON logs.
		o.DisableLogOutputChecksumValidationSkipped = true
	})
	uploader := manager.NewUploader(client, func(u *manager.Uploader) {
		u.PartSize = cfg.PartSize
		if u.PartSize == 0 {
			u.PartSize = DefaultPartSize
		}
		u.Concurrency = cfg.Concurrency
		if u.Concurrency == 0 {
			u.Concurrency = DefaultConcurrency
		}
	})
	return &S3{client: client, uploader: uploader, bucket: cfg.Bucket}, nil
}

// URI returns "s3://bucket/key".
func (s *S3) URI(key string) string {
	return URI{Scheme: "s3", Bucket: s.bucket, Key: key}.String()
}

// Put uploads body through the SDK's upload manager: one PutObject for a
// body within one part, a multipart upload (aborted on error) beyond.
func (s *S3) Put(ctx context.Context, key string, body io.Reader, size int64, meta map[string]string) error {
	if err := checkKey(key); err != nil {
		return fmt.Errorf("putting %s: %w", s.URI(key), err)
	}
	m, err := cleanMeta(meta)
	if err != nil {
		return fmt.Errorf("putting %s: %w", s.URI(key), err)
	}
	body, err = sized(body, size)
	if err != nil {
		return fmt.Errorf("putting %s: %w", s.URI(key), err)
	}
	in := &s3.PutObjectInput{Bucket: aws.String(s.bucket), Key: aws.String(key), Body: body, Metadata: m}
	_, err = s.uploader.Upload(ctx, in, func(u *manager.Uploader) {
		// Keep a known size within the part count limit.
		if least := size/int64(manager.MaxUploadParts) + 1; size > 0 && u.PartSize < least {
			u.PartSize = least
		}
	})
	if err != nil {
		return fmt.Errorf("putting %s: %w", s.URI(key), s3Error(err))
	}
	return nil
}

// sized returns a body that enforces size. A seekable body of the right
// length is returned as is, so the upload manager can read its parts in
// place instead of buffering them.
func sized(body io.Reader, size int64) (io.Reader, error) {
	if rs, ok := body.(io.ReadSeeker); ok && size >= 0 {
		if _, ok := body.(io.ReaderAt); ok {
			cur, err := rs.Seek(0, io.SeekCurrent)
			if err != nil {
				return nil, fmt.Errorf("measuring body: %w", err)
			}
			end, err := rs.Seek(0, io.SeekEnd)
			if err != nil {
				return nil, fmt.Errorf("measuring body: %w", err)
			}
			if _, err := rs.Seek(cur, io.SeekStart); err != nil {
				return nil, fmt.Errorf("measuring body: %w", err)
			}
			if end-cur != size {
				return nil, fmt.Errorf("body has %d bytes, declared size %d", end-cur, size)
			}
			return body, nil
		}
	}
	return &sizedReader{r: body, want: size}, nil
}

// Get opens the object with GetObject.
func (s *S3) Get(ctx context.Context, key string) (io.ReadCloser, Info, error) {
	if err := checkKey(key); err != nil {
		return nil, Info{}, fmt.Errorf("getting %s: %w", s.URI(key), err)
	}
	out, err := s.client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(s.bucket), Key: aws.String(key)})
	if err != nil {
		return nil, Info{}, fmt.Errorf("getting %s: %w", s.URI(key), s3Error(err))
	}
	info := Info{
		Key:          key,
		Size:         aws.ToInt64(out.ContentLength),
		Metadata:     out.Metadata,
		ETag:         strings.Trim(aws.ToString(out.ETag), `"`),
		LastModified: aws.ToTime(out.LastModified),
	}
	return out.Body, info, nil
}

// Stat describes the object with HeadObject. S3 answers HEAD for a missing
// bucket with the same bare 404 as for a missing key, so that too reads as
// ErrNotExist; the Put that usually follows fails with NoSuchBucket.
func (s *S3) Stat(ctx context.Context, key string) (Info, error) {
	if err := checkKey(key); err != nil {
		return Info{}, fmt.Errorf("statting %s: %w", s.URI(key), err)
	}
	out, err := s.client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(s.bucket), Key: aws.String(key)})
	if err != nil {
		return Info{}, fmt.Errorf("statting %s: %w", s.URI(key), s3Error(err))
	}
	return Info{
		Key:          key,
		Size:         aws.ToInt64(out.ContentLength),
		Metadata:     out.Metadata,
		ETag:         strings.Trim(aws.ToString(out.ETag), `"`),
		LastModified: aws.ToTime(out.LastModified),
	}, nil
}

// Delete removes the object with DeleteObject, which S3 answers 204
// whether or not the key held one.
func (s *S3) Delete(ctx context.Context, key string) error {
	if err := checkKey(key); err != nil {
		return fmt.Errorf("deleting %s: %w", s.URI(key), err)
	}
	_, err := s.client.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(s.bucket), Key: aws.String(key)})
	if err != nil {
		if err = s3Error(err); errors.Is(err, ErrNotExist) {
			return nil
		}
		return fmt.Errorf("deleting %s: %w", s.URI(key), err)
	}
	return nil
}

// List pages through ListObjectsV2.
func (s *S3) List(ctx context.Context, prefix string) iter.Seq2[Info, error] {
	return func(yield func(Info, error) bool) {
		in := &s3.ListObjectsV2Input{Bucket: aws.String(s.bucket), Prefix: aws.String(prefix)}
		if s.pageSize > 0 {
			in.MaxKeys = aws.Int32(s.pageSize)
		}
		pages := s3.NewListObjectsV2Paginator(s.client, in)
		for pages.HasMorePages() {
			page, err := pages.NextPage(ctx)
			if err != nil {
				yield(Info{}, fmt.Errorf("listing %s: %w", s.URI(prefix), s3Error(err)))
				return
			}
			for _, o := range page.Contents {
				info := Info{
					Key:          aws.ToString(o.Key),
					Size:         aws.ToInt64(o.Size),
					ETag:         strings.Trim(aws.ToString(o.ETag), `"`),
					LastModified: aws.ToTime(o.LastModified),
				}
				if !yield(info, nil) {
					return
				}
			}
		}
	}
}
