package objstore

import (
	"context"
	"net"
	"net/http"
	"time"

	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
)

// httpClient returns the SDK's HTTP client with every connection bounded by
// timeout: to connect, to shake hands, and then by progress (see idleConn).
// A deadline on a whole request would cut a healthy download of a large
// object; a bound on progress only cuts a store that has gone silent.
func httpClient(timeout time.Duration) *awshttp.BuildableClient {
	return awshttp.NewBuildableClient().
		WithDialerOptions(func(d *net.Dialer) { d.Timeout = timeout }).
		WithTransportOptions(func(tr *http.Transport) {
			dial := tr.DialContext
			tr.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
				c, err := dial(ctx, network, addr)
				if err != nil {
					return nil, err
				}
				return &idleConn{Conn: c, timeout: timeout}, nil
			}
			tr.TLSHandshakeTimeout = timeout
			tr.ResponseHeaderTimeout = timeout
			// Close pooled connections well before their pending read
			// would time out.
			tr.IdleConnTimeout = timeout / 2
		}).
		// The SDK's own read timeout counts only bytes received, which would
		// fail an upload that takes longer than timeout; idleConn counts both ways.
		WithReadTimeout(0)
}

// idleConn fails a connection on which nothing moves for timeout: a read
// waits at most timeout for its first byte, and each write pushes the
// deadline of both directions forward, so the read the HTTP transport keeps
// pending for the answer survives an upload that keeps moving. A peer that
// stops reading or answering fails the connection within timeout.
type idleConn struct {
	net.Conn
	timeout time.Duration
}

func (c *idleConn) Read(p []byte) (int, error) {
	if err := c.Conn.SetReadDeadline(time.Now().Add(c.timeout)); err != nil {
		return 0, err
	}
	return c.Conn.Read(p)
}

func (c *idleConn) Write(p []byte) (int, error) {
	if err := c.Conn.SetDeadline(time.Now().Add(c.timeout)); err != nil {
		return 0, err
	}
	return c.Conn.Write(p)
}
