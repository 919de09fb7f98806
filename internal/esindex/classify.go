package esindex

import "net/http"

// class is how a bulk item's answer is handled.
type class int

const (
	classOK       class = iota // 2xx: written
	classConflict              // 409: already present, or a newer version is stored
	classRetry                 // 429, 5xx or no answer: send the item again
	classReject                // any other 4xx: will never succeed, dead-letter it
)

// classify sorts one bulk item's answer. transportErr is set when the whole
// request got no usable answer.
func classify(status int, transportErr error) class {
	switch {
	case transportErr != nil:
		return classRetry
	case status >= 200 && status < 300:
		return classOK
	case status == http.StatusConflict:
		return classConflict
	case retryableStatus(status):
		return classRetry
	default:
		return classReject
	}
}

func retryableStatus(status int) bool {
	return status == http.StatusTooManyRequests || status >= 500 || status == 0
}
