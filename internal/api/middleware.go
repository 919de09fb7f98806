package api

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// httpMetrics are the request counters and latency histograms, labelled
// by route pattern (never by raw path, so the label set stays small) and
// status code.
type httpMetrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
}

func newHTTPMetrics(reg prometheus.Registerer) (*httpMetrics, error) {
	m := &httpMetrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "farepipe_http_requests_total",
			Help: "HTTP requests answered, by route pattern and status code.",
		}, []string{"route", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "farepipe_http_request_duration_seconds",
			Help:    "Time to answer an HTTP request, by route pattern and status code.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"route", "code"}),
	}
	for _, c := range []prometheus.Collector{m.requests, m.duration} {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// wrap guards and measures the handler of one route pattern: a panic
// becomes a 500, the request gets a deadline, an oversized body is refused
// and the answer is counted and timed under the pattern.
func (s *server) wrap(pattern string, h http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.log.Error("handler panicked", "route", pattern, "panic", v)
				if sw.status == 0 {
					s.writeJSON(sw, http.StatusInternalServerError, ErrorDocument{Errors: []Issue{{
						Status: http.StatusInternalServerError, Code: codeSystem, Title: "SYSTEM ERROR HAS OCCURRED"}}})
				}
			}
			code := strconv.Itoa(sw.code())
			if sw.status == 0 && r.Context().Err() != nil {
				code = "499" // the client went away before an answer
			}
			took := time.Since(start)
			s.metrics.requests.WithLabelValues(pattern, code).Inc()
			s.metrics.duration.WithLabelValues(pattern, code).Observe(took.Seconds())
			s.log.Debug("request", "method", r.Method, "route", pattern, "code", code, "took_ms", took.Milliseconds())
		}()
		if r.ContentLength > s.MaxBodyBytes {
			s.writeJSON(sw, http.StatusRequestEntityTooLarge, ErrorDocument{Errors: []Issue{{
				Status: http.StatusRequestEntityTooLarge, Title: "REQUEST TOO LARGE",
				Detail: "the body exceeds " + strconv.FormatInt(s.MaxBodyBytes, 10) + " bytes"}}})
			return
		}
		r.Body = http.MaxBytesReader(sw, r.Body, s.MaxBodyBytes)
		ctx, cancel := context.WithTimeout(r.Context(), s.RequestTimeout)
		defer cancel()
		h(sw, r.WithContext(ctx))
	})
}

// statusWriter remembers the status code written.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection's writer.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (w *statusWriter) code() int {
	if w.status == 0 {
		return http.StatusOK // nothing written: net/http answers 200
	}
	return w.status
}

func (s *server) metricsHandler() http.HandlerFunc {
	return promhttp.HandlerFor(s.Registry, promhttp.HandlerOpts{}).ServeHTTP
}
