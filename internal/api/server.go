package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/farepipe/farepipe/internal/query"
)

// Backend answers the queries; *query.Client is the real one.
type Backend interface {
	Calendar(ctx context.Context, r query.CalendarRequest) (query.Calendar, error)
	PriceMetrics(ctx context.Context, r query.MetricsRequest) (query.Metrics, error)
	History(ctx context.Context, seriesID string) (query.History, error)
	Routes(ctx context.Context, limit int) ([]query.RouteSummary, error)
	Ping(ctx context.Context) error
}

var _ Backend = (*query.Client)(nil)

// Options configure the API handler. Zero values take the defaults.
type Options struct {
	// Backend answers the queries. Required.
	Backend Backend
	// UI serves every path the API does not claim, "/" first: the web
	// page. GET and HEAD only; nil answers those paths with a JSON 404.
	UI http.Handler
	// Logger receives a line per failed request (nil discards).
	Logger *slog.Logger
	// RequestTimeout bounds each request; default 10s.
	RequestTimeout time.Duration
	// ReadyTimeout bounds the Elasticsearch check of /readyz; default 2s.
	ReadyTimeout time.Duration
	// MaxBodyBytes refuses larger request bodies (the API takes none);
	// default 64 KiB.
	MaxBodyBytes int64
	// Now is the clock (default time.Now): the default departure dates
	// start today, and maxAge counts back from now.
	Now func() time.Time
	// Registry receives the HTTP metrics and is served at /metrics; nil
	// makes one with the Go runtime and process collectors.
	Registry *prometheus.Registry
}

// server is the state of the handler.
type server struct {
	Options
	log     *slog.Logger
	metrics *httpMetrics
}

// route is one endpoint: its path (a ServeMux pattern without method, the
// same text as its OpenAPI path), the query parameters it takes and its
// handler. Every route answers GET (and so HEAD).
type route struct {
	path    string
	params  []string
	handler http.HandlerFunc
}

func (s *server) routes() []route {
	return []route{
		{"/v1/calendar", calendarParams, s.calendar},
		{"/v1/price-metrics", metricsParams, s.priceMetrics},
		{"/v1/series/{id}/history", nil, s.history},
		{"/v1/routes", nil, s.routeList},
		{"/openapi.json", nil, s.openAPI},
		{"/healthz", nil, s.healthz},
		{"/readyz", nil, s.readyz},
		{"/metrics", nil, s.metricsHandler()},
	}
}

// New returns the API handler.
func New(opts Options) (http.Handler, error) {
	if opts.Backend == nil {
		return nil, errors.New("api: a backend is required")
	}
	if opts.RequestTimeout <= 0 {
		opts.RequestTimeout = 10 * time.Second
	}
	if opts.ReadyTimeout <= 0 {
		opts.ReadyTimeout = 2 * time.Second
	}
	if opts.MaxBodyBytes <= 0 {
		opts.MaxBodyBytes = 64 << 10
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Registry == nil {
		opts.Registry = prometheus.NewRegistry()
		opts.Registry.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	}
	s := &server{Options: opts, log: opts.Logger}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	m, err := newHTTPMetrics(opts.Registry)
	if err != nil {
		return nil, err
	}
	s.metrics = m

	mux := http.NewServeMux()
	for _, rt := range s.routes() {
		get := "GET " + rt.path
		mux.Handle(get, s.wrap(get, rt.handler))
		mux.Handle(rt.path, s.wrap(rt.path, s.methodNotAllowed))
	}
	mux.Handle("/v1/", s.wrap("/v1/", s.notFound))
	ui := http.Handler(http.HandlerFunc(s.notFound))
	if opts.UI != nil {
		ui = getOnly(s, opts.UI)
	}
	mux.Handle("/", s.wrap("/", ui.ServeHTTP))
	return mux, nil
}

func getOnly(s *server, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			s.methodNotAllowed(w, r)
			return
		}
		h.ServeHTTP(w, r)
	})
}

func (s *server) notFound(w http.ResponseWriter, r *http.Request) {
	s.writeJSON(w, http.StatusNotFound, ErrorDocument{Errors: []Issue{{Status: http.StatusNotFound, Code: codeNotFound,
		Title: "NOT FOUND", Detail: "no such resource: see /openapi.json"}}})
}

func (s *server) methodNotAllowed(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Allow", "GET, HEAD")
	s.writeJSON(w, http.StatusMethodNotAllowed, ErrorDocument{Errors: []Issue{{Status: http.StatusMethodNotAllowed,
		Title: "METHOD NOT ALLOWED", Detail: "only GET and HEAD"}}})
}

// writeJSON writes v as the JSON answer, without escaping & < > (links
// carry query strings).
func (s *server) writeJSON(w http.ResponseWriter, status int, v any) {
	var body []byte
	if a, ok := v.(jsonAppender); ok {
		body = append(a.AppendJSON(nil), '\n')
	} else {
		var buf bytes.Buffer
		if err := encodeJSON(&buf, v); err != nil {
			s.log.Error("encoding answer", "err", err)
			status = http.StatusInternalServerError
			buf.Reset()
			buf.WriteString(`{"errors":[{"status":500,"code":141,"title":"SYSTEM ERROR HAS OCCURRED"}]}` + "\n")
		}
		body = buf.Bytes()
	}
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// jsonAppender is a document that writes itself as encodeJSON would
// write it, faster.
type jsonAppender interface {
	AppendJSON(b []byte) []byte
}

// encodeJSON writes v as the API writes every answer: encoding/json with
// HTML escaping off, and a newline.
func encodeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}
