package step

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/elastic/elastic-transport-go/v8/elastictransport"

	"github.com/farepipe/farepipe/internal/esindex"
)

// esAttempt bounds each attempt of a request to Elasticsearch by timeout,
// from sending it to the end of its answer's body, and turns an answer 401
// or 403 into a configuration error: no request of a run can succeed with
// credentials the node refuses, so there is nothing to retry.
func esAttempt(timeout time.Duration) elastictransport.InterceptorFunc {
	return func(next elastictransport.RoundTripFunc) elastictransport.RoundTripFunc {
		return func(req *http.Request) (*http.Response, error) {
			ctx, cancel := context.WithTimeout(req.Context(), timeout)
			res, err := next(req.WithContext(ctx))
			if err != nil {
				if ctx.Err() == context.DeadlineExceeded && req.Context().Err() == nil {
					err = fmt.Errorf("%s %s: no answer from Elasticsearch within %s (--%s): %w",
						req.Method, req.URL.Path, timeout, FlagESTimeout, err)
				}
				cancel()
				return nil, err
			}
			if res.StatusCode == http.StatusUnauthorized || res.StatusCode == http.StatusForbidden {
				defer cancel()
				return nil, esAccessError(req, res)
			}
			res.Body = &cancelOnClose{ReadCloser: res.Body, cancel: cancel}
			return res, nil
		}
	}
}

// esAccessError reads and closes an answer 401 or 403 and returns it as a
// usage error. Elasticsearch's reason names the user and the privilege
// missing, never a secret.
func esAccessError(req *http.Request, res *http.Response) error {
	defer res.Body.Close()
	answer := esindex.ReadError(res.StatusCode, res.Body)
	reason := ""
	if answer.Reason != "" {
		reason = fmt.Sprintf(" (%s: %s)", answer.Type, answer.Reason)
	}
	return Usagef("%s %s: Elasticsearch answered %s%s; check the credentials in FAREPIPE_ES_API_KEY, "+
		"or FAREPIPE_ES_USERNAME and FAREPIPE_ES_PASSWORD, and their privileges", req.Method, req.URL.Path, res.Status, reason)
}

// cancelOnClose releases the context of an attempt when its answer's body
// is closed.
type cancelOnClose struct {
	io.ReadCloser
	cancel context.CancelFunc
}

func (b *cancelOnClose) Close() error {
	err := b.ReadCloser.Close()
	b.cancel()
	return err
}
