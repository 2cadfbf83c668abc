package httpapi

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"runtime/debug"
	"strings"
	"sync/atomic"
	"time"

	"github.com/awslabs/aws-lambda-go-api-proxy/core"

	"github.com/tranche-dev/tranche/pkg/apierr"
	"github.com/tranche-dev/tranche/pkg/emf"
	"github.com/tranche-dev/tranche/pkg/routes"
)

type loggerKey struct{}

// LoggerFrom returns the request's logger (carrying request_id), or the
// default logger outside a request.
func LoggerFrom(ctx context.Context) *slog.Logger {
	if l, ok := ctx.Value(loggerKey{}).(*slog.Logger); ok {
		return l
	}
	return slog.Default()
}

// RequestIDHeader carries the request id on every response, so a client's
// report of a failure leads to its log line.
const RequestIDHeader = "X-Request-Id"

// The request metrics (package emf), per function and per route: Requests
// counts every answer, ClientErrors the 4xx, ServerErrors the 5xx (a
// handler's 500 is answered by the adapter, so Lambda's Errors metric never
// sees it), Latency the time in the handler.
const (
	MetricRequests     = "Requests"
	MetricClientErrors = "ClientErrors"
	MetricServerErrors = "ServerErrors"
	MetricLatency      = "Latency"
)

// caller is filled in by authentication deeper in the chain: the handler
// below Wrap sees a derived request, so the log line reads it through this
// pointer, which Wrap put in the context.
type caller struct{ workspace, actor string }

type callerKey struct{}

// SetCaller records who the request acts for, for its log line: the
// workspace and an actor that identifies without being a credential
// ("key:<key id>", "user:<clerk id>"). Never pass a secret, token, tax id
// or bank number.
func SetCaller(ctx context.Context, workspace, actor string) {
	if c, ok := ctx.Value(callerKey{}).(*caller); ok {
		c.workspace, c.actor = workspace, actor
	}
}

// Option adjusts Wrap.
type Option func(*wrapConfig)

type wrapConfig struct {
	function string
	metrics  io.Writer
}

// WithFunction names the function in logs and metrics. Without it the name
// comes from the route table entry the request matched, which leaves
// unmatched paths (404) unnamed.
func WithFunction(fn string) Option { return func(c *wrapConfig) { c.function = fn } }

// WithMetrics sends the EMF lines to w (nil: none). The default is stdout
// on Lambda, where CloudWatch Logs reads them, and none elsewhere.
func WithMetrics(w io.Writer) Option { return func(c *wrapConfig) { c.metrics = w } }

// Wrap adds what every function's handler needs around its router: a
// request id (API Gateway's, or a fresh one) on the response and in a
// request-scoped logger, one log line and one EMF metrics line per request,
// and a recovered panic rendered as a 500 rather than a dropped connection.
// The log line's fields are chosen, never the headers: Authorization and
// the body stay out of the logs.
func Wrap(h http.Handler, logger *slog.Logger, opts ...Option) http.Handler {
	cfg := wrapConfig{}
	if os.Getenv("AWS_LAMBDA_FUNCTION_NAME") != "" {
		cfg.metrics = os.Stdout
	}
	for _, o := range opts {
		o(&cfg)
	}
	// One Wrap is one function's process on Lambda (and one function of
	// the local gateway), so its first request is the cold start.
	var served atomic.Bool
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		cold := !served.Swap(true)
		reqID := ""
		if gw, ok := core.GetAPIGatewayV2ContextFromContext(r.Context()); ok && gw.RequestID != "" {
			reqID = gw.RequestID
		}
		if reqID == "" {
			reqID = NewRequestID()
		}
		w.Header().Set(RequestIDHeader, reqID)
		l := logger.With(slog.String("request_id", reqID))
		who := &caller{}
		ctx, counts := emf.WithCounts(r.Context())
		ctx = context.WithValue(context.WithValue(ctx, loggerKey{}, l), callerKey{}, who)
		r = r.WithContext(ctx)
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		defer func() {
			if p := recover(); p != nil {
				l.ErrorContext(r.Context(), "panic", slog.Any("panic", p), slog.String("stack", string(debug.Stack())))
				WriteError(sw, r, apierr.Wrap(nil))
			}
			elapsed := float64(time.Since(start).Microseconds()) / 1000
			fn := cfg.function
			if fn == "" {
				fn = functionOf(r.Pattern)
			}
			l.InfoContext(r.Context(), "request",
				slog.String("function", fn),
				slog.String("route", r.Pattern),
				slog.String("method", r.Method),
				slog.String("path", r.URL.Path),
				slog.Int("status", sw.status),
				slog.Float64("duration_ms", elapsed),
				slog.Bool("cold_start", cold),
				slog.String("workspace", who.workspace),
				slog.String("actor", who.actor),
			)
			if cfg.metrics != nil {
				emitRequest(cfg.metrics, fn, r.Pattern, sw.status, elapsed, counts.Metrics())
			}
		}()
		h.ServeHTTP(sw, r)
	})
}

// emitRequest writes the request's EMF line, with what the handler counted
// (emf.Add: investments created, e-mails sent). Route is the table's
// pattern (bounded: one per route), "unmatched" for a path no route matched.
func emitRequest(w io.Writer, fn, route string, status int, ms float64, counted []emf.Metric) {
	if route == "" {
		route = "unmatched"
	}
	b2i := func(b bool) float64 {
		if b {
			return 1
		}
		return 0
	}
	_ = emf.Write(w, [][]string{{"Function"}, {"Function", "Route"}},
		map[string]string{"Function": fn, "Route": route},
		append([]emf.Metric{
			{Name: MetricRequests, Unit: "Count", Value: 1},
			{Name: MetricClientErrors, Unit: "Count", Value: b2i(status >= 400 && status < 500)},
			{Name: MetricServerErrors, Unit: "Count", Value: b2i(status >= 500)},
			{Name: MetricLatency, Unit: "Milliseconds", Value: ms},
		}, counted...), time.Now())
}

// functionOf is the function owning a ServeMux pattern of the route table.
func functionOf(pattern string) string {
	for _, rt := range routes.All {
		if rt.Pattern() == pattern {
			return rt.Function
		}
	}
	return ""
}

// NewRequestID returns a fresh request id, for requests API Gateway did not
// name (local runs, tests).
func NewRequestID() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

type statusWriter struct {
	http.ResponseWriter
	status      int
	wroteHeader bool
}

func (s *statusWriter) WriteHeader(code int) {
	if !s.wroteHeader {
		s.status, s.wroteHeader = code, true
	}
	s.ResponseWriter.WriteHeader(code)
}

// StagePrefix is "/<stage>" when API Gateway serves the API under a named
// stage, "" for the $default stage and locally.
func StagePrefix(r *http.Request) string {
	gw, ok := core.GetAPIGatewayV2ContextFromContext(r.Context())
	if !ok || gw.Stage == "" || gw.Stage == "$default" {
		return ""
	}
	if p := "/" + gw.Stage; strings.HasPrefix(gw.HTTP.Path, p+"/") {
		return p
	}
	return ""
}

// BaseURL is the absolute URL of the request as the client sent it: scheme
// from X-Forwarded-Proto (API Gateway and the local gateway set it), host,
// stage prefix and path, with the query left out.
func BaseURL(r *http.Request) *url.URL {
	scheme := r.Header.Get("X-Forwarded-Proto")
	if scheme == "" {
		scheme = "https"
		if r.TLS == nil && r.URL.Scheme == "http" {
			scheme = "http"
		}
	}
	host := r.Host
	if host == "" {
		host = r.URL.Host
	}
	return &url.URL{Scheme: scheme, Host: host, Path: StagePrefix(r) + r.URL.Path}
}
