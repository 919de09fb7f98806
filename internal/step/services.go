package step

import (
	"crypto/tls"
	"fmt"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/elastic/elastic-transport-go/v8/elastictransport"
	"github.com/elastic/go-elasticsearch/v8"
	"github.com/urfave/cli/v2"

	"github.com/farepipe/farepipe/internal/objstore"
)

// S3 flag names.
const (
	FlagS3Endpoint    = "s3-endpoint"
	FlagS3Region      = "s3-region"
	FlagS3PathStyle   = "s3-path-style"
	FlagS3Timeout     = "s3-timeout"
	FlagS3MaxAttempts = "s3-max-attempts"
)

// S3Flags are the flags of a step that reads or writes S3. Credentials come
// from the AWS SDK default chain (AWS_ACCESS_KEY_ID and
// AWS_SECRET_ACCESS_KEY, a shared profile, or a pod's web identity), never
// from flags.
func S3Flags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: FlagS3Endpoint, EnvVars: []string{"FAREPIPE_S3_ENDPOINT"},
			Usage: "S3 endpoint URL of a non-AWS store such as MinIO (empty: AWS)"},
		&cli.StringFlag{Name: FlagS3Region, EnvVars: []string{"AWS_REGION"},
			Usage: "S3 region (empty: from the AWS config, else us-east-1)"},
		&cli.BoolFlag{Name: FlagS3PathStyle, EnvVars: []string{"FAREPIPE_S3_PATH_STYLE"},
			Usage: "address buckets by path (default: on when --s3-endpoint is set)"},
		&cli.DurationFlag{Name: FlagS3Timeout, Value: objstore.DefaultTimeout, EnvVars: []string{"FAREPIPE_S3_TIMEOUT"},
			Usage:  "give up an attempt of an S3 request after this long without a byte sent or received (or to connect); a transfer that keeps moving is never cut",
			Action: positive(FlagS3Timeout)},
		&cli.IntFlag{Name: FlagS3MaxAttempts, Value: 3, EnvVars: []string{"FAREPIPE_S3_MAX_ATTEMPTS"},
			Usage: "attempts of an S3 request, with backoff, after network errors, timeouts, 5xx and throttling",
			Action: func(_ *cli.Context, n int) error {
				if n < 1 {
					return Usagef("--%s %d: want at least 1", FlagS3MaxAttempts, n)
				}
				return nil
			}},
	}
}

// positive is the action of a duration flag that must be above zero.
func positive(name string) func(*cli.Context, time.Duration) error {
	return func(_ *cli.Context, d time.Duration) error {
		if d <= 0 {
			return Usagef("--%s %s: want a positive duration such as 30s", name, d)
		}
		return nil
	}
}

// S3Config returns the S3 settings of the flags.
func S3Config(c *cli.Context) objstore.S3Config {
	cfg := objstore.S3Config{
		Endpoint:    c.String(FlagS3Endpoint),
		Region:      c.String(FlagS3Region),
		Timeout:     c.Duration(FlagS3Timeout),
		MaxAttempts: c.Int(FlagS3MaxAttempts),
	}
	cfg.PathStyle = cfg.Endpoint != ""
	if c.IsSet(FlagS3PathStyle) {
		cfg.PathStyle = c.Bool(FlagS3PathStyle)
	}
	return cfg
}

// Elasticsearch flag names.
const (
	FlagESURL       = "es-url"
	FlagIndexPrefix = "index-prefix"
	FlagESCACert    = "es-ca-cert"
	FlagESTimeout   = "es-timeout"
)

// ESFlags are the flags of a step that talks to Elasticsearch. Credentials
// come from the environment only: FAREPIPE_ES_API_KEY, or
// FAREPIPE_ES_USERNAME and FAREPIPE_ES_PASSWORD.
func ESFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: FlagESURL, Value: "http://127.0.0.1:9200", EnvVars: []string{"FAREPIPE_ES_URL"},
			Usage: "Elasticsearch URL; several separated by commas"},
		&cli.StringFlag{Name: FlagIndexPrefix, Value: "farepipe", EnvVars: []string{"FAREPIPE_INDEX_PREFIX"},
			Usage: "prefix of every index name farepipe uses"},
		&cli.StringFlag{Name: FlagESCACert, EnvVars: []string{"FAREPIPE_ES_CA_CERT"},
			Usage: "PEM file of the CA that signed the Elasticsearch certificate"},
		&cli.DurationFlag{Name: FlagESTimeout, Value: 60 * time.Second, EnvVars: []string{"FAREPIPE_ES_TIMEOUT"},
			Usage:  "give up an attempt of an Elasticsearch request that has not been answered in full after this long",
			Action: positive(FlagESTimeout)},
	}
}

// IndexPrefix returns the --index-prefix, checked against Elasticsearch's
// index naming rules.
func IndexPrefix(c *cli.Context) (string, error) {
	p := c.String(FlagIndexPrefix)
	if p == "" || strings.ToLower(p) != p || strings.ContainsAny(p, `\/*?"<>| ,#:`) || strings.HasPrefix(p, "_") || strings.HasPrefix(p, "-") {
		return "", Usagef("--%s %q: want a lower-case index name prefix without spaces or \\/*?\"<>|,#:", FlagIndexPrefix, p)
	}
	return p, nil
}

// ESClient builds the Elasticsearch client of the flags and environment.
func ESClient(c *cli.Context) (*elasticsearch.Client, error) {
	var addrs []string
	for _, a := range strings.Split(c.String(FlagESURL), ",") {
		if a = strings.TrimSpace(a); a != "" {
			addrs = append(addrs, a)
		}
	}
	if len(addrs) == 0 {
		return nil, Usagef("--%s is empty", FlagESURL)
	}
	for _, a := range addrs {
		if !strings.HasPrefix(a, "http://") && !strings.HasPrefix(a, "https://") {
			return nil, Usagef("--%s %q: want an http:// or https:// URL", FlagESURL, a)
		}
	}
	timeout := c.Duration(FlagESTimeout)
	cfg := elasticsearch.Config{
		Addresses:     addrs,
		APIKey:        os.Getenv("FAREPIPE_ES_API_KEY"),
		Username:      os.Getenv("FAREPIPE_ES_USERNAME"),
		Password:      os.Getenv("FAREPIPE_ES_PASSWORD"),
		RetryOnStatus: []int{502, 503, 504, 429},
		MaxRetries:    3,
		RetryBackoff:  func(n int) time.Duration { return time.Duration(n) * 250 * time.Millisecond },
		// Network errors and timed-out attempts are retried too, refused
		// credentials are not.
		RetryOnError: func(_ *http.Request, err error) bool { return ExitCode(err) == ExitRetryable },
		Interceptors: []elastictransport.InterceptorFunc{esAttempt(timeout)},
		// Answers are asked for uncompressed: compressing them costs the
		// node more CPU, and decompressing them the client, than sending
		// them takes on the networks between the two.
		Transport: &http.Transport{MaxIdleConnsPerHost: 8, ResponseHeaderTimeout: timeout,
			DialContext:         (&net.Dialer{Timeout: timeout, KeepAlive: 30 * time.Second}).DialContext,
			TLSHandshakeTimeout: timeout,
			DisableCompression:  true, TLSClientConfig: &tls.Config{MinVersion: tls.VersionTLS12}},
	}
	if path := c.String(FlagESCACert); path != "" {
		pem, err := os.ReadFile(path)
		if err != nil {
			return nil, Usagef("--%s: %w", FlagESCACert, err)
		}
		cfg.CACert = pem // added to the transport's TLS configuration
	}
	es, err := elasticsearch.NewClient(cfg)
	if err != nil {
		return nil, Usage(fmt.Errorf("configuring Elasticsearch client: %w", err))
	}
	return es, nil
}

// OpenInput opens the store and key of the URI flag name.
func OpenInput(c *cli.Context, flag string) (objstore.Store, string, error) {
	uri := c.String(flag)
	st, key, err := objstore.Open(c.Context, uri, S3Config(c))
	if err != nil {
		return nil, "", Usagef("--%s: %w", flag, err)
	}
	return st, key, nil
}

// OpenOutput opens the store and key of the URI flag name, or returns the
// input's store and the derived key when the flag is empty.
func OpenOutput(c *cli.Context, flag string, in objstore.Store, derived string) (objstore.Store, string, error) {
	if c.String(flag) == "" {
		return in, derived, nil
	}
	return OpenInput(c, flag)
}
