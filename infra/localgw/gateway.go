// Package localgw serves every function on one port for development and
// tests, the way API Gateway's HTTP API serves them on AWS: the request is
// matched against the route table, turned into an API Gateway v2 (payload
// 2.0) event, and handed in-process to the owning function's handler
// through aws-lambda-go-api-proxy's httpadapter — the same adapter and
// handler the function's main gives lambda.Start. Only endpoints differ.
package localgw

import (
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/aws/aws-lambda-go/events"
	"github.com/awslabs/aws-lambda-go-api-proxy/httpadapter"

	"github.com/tranche-dev/tranche/pkg/app"
	"github.com/tranche-dev/tranche/pkg/httpapi"
	"github.com/tranche-dev/tranche/pkg/routes"
)

// Proxy is one function as Lambda runs it: event in, event out.
type Proxy func(context.Context, events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error)

// Gateway routes requests to functions.
type Gateway struct {
	mux       *http.ServeMux // route table patterns → function name (exact routes)
	anyMethod *http.ServeMux // path patterns without method → function name
	proxies   map[string]Proxy
}

// New builds a gateway over every function of the route table, from deps.
// A function missing from Handlers answers 502, as an undeployed Lambda
// would; TestEveryFunctionHasAHandler keeps the list complete.
func New(deps app.Deps) (*Gateway, error) {
	proxies := map[string]Proxy{}
	for _, fn := range routes.Functions() {
		mk, ok := Handlers[fn]
		if !ok {
			continue
		}
		h, err := mk(deps)
		if err != nil {
			return nil, fmt.Errorf("localgw: start %s: %w", fn, err)
		}
		proxies[fn] = httpadapter.NewV2(httpapi.Wrap(h, deps.Log, httpapi.WithFunction(fn))).ProxyWithContext
	}
	return NewWithProxies(proxies), nil
}

// NewWithProxies builds a gateway over the given function proxies.
func NewWithProxies(proxies map[string]Proxy) *Gateway {
	g := &Gateway{mux: http.NewServeMux(), anyMethod: http.NewServeMux(), proxies: proxies}
	seenPath := map[string]bool{}
	for _, r := range routes.All {
		r := r
		g.mux.Handle(r.Pattern(), routeMarker{r})
		p := strings.TrimPrefix(r.Pattern(), r.Method+" ")
		if !seenPath[p] {
			seenPath[p] = true
			g.anyMethod.Handle(p, routeMarker{routes.Route{Function: r.Function, Path: r.Path}})
		}
	}
	return g
}

type routeMarker struct{ r routes.Route }

func (routeMarker) ServeHTTP(http.ResponseWriter, *http.Request) {}

// isMarker is false for ServeMux's own 404 and redirect handlers.
func isMarker(h http.Handler) bool {
	_, ok := h.(routeMarker)
	return ok
}

// match finds the function for a request: the exact route; else the
// function owning the path under another method (it answers DRF's 405), or
// the slashed path (it answers DRF's 301).
func (g *Gateway) match(r *http.Request) (routes.Route, bool) {
	if h, _ := g.mux.Handler(r); isMarker(h) {
		return h.(routeMarker).r, true
	}
	if h, _ := g.anyMethod.Handler(r); isMarker(h) {
		return h.(routeMarker).r, true
	}
	if !strings.HasSuffix(r.URL.Path, "/") {
		probe := r.Clone(r.Context())
		u := *r.URL
		u.Path += "/"
		probe.URL = &u
		if h, _ := g.anyMethod.Handler(probe); isMarker(h) {
			return h.(routeMarker).r, true
		}
	}
	return routes.Route{}, false
}

// ServeHTTP implements http.Handler.
func (g *Gateway) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	// The gateway's own answers (404, 502, 500) carry a request id too, as
	// API Gateway's do; the function's answer carries the same id, which
	// it reads from the event.
	reqID := httpapi.NewRequestID()
	w.Header().Set(httpapi.RequestIDHeader, reqID)
	route, ok := g.match(r)
	if !ok {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusNotFound)
		_, _ = io.WriteString(w, `{"detail":"Not found."}`+"\n")
		return
	}
	proxy := g.proxies[route.Function]
	if proxy == nil {
		http.Error(w, `{"detail":"function not running"}`, http.StatusBadGateway)
		return
	}
	ev, err := Event(r, route)
	if err != nil {
		http.Error(w, `{"detail":"bad request"}`, http.StatusBadRequest)
		return
	}
	ev.RequestContext.RequestID = reqID
	resp, err := proxy(r.Context(), ev)
	if err != nil {
		// API Gateway's answer when the function fails.
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusInternalServerError)
		_, _ = io.WriteString(w, `{"message":"Internal Server Error"}`)
		return
	}
	WriteResponse(w, resp)
}

// Event turns an HTTP request into the API Gateway v2 event AWS would send
// the function for that route.
func Event(r *http.Request, route routes.Route) (events.APIGatewayV2HTTPRequest, error) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return events.APIGatewayV2HTTPRequest{}, err
	}
	headers := map[string]string{}
	for k, vs := range r.Header {
		if strings.EqualFold(k, "Cookie") {
			continue
		}
		headers[strings.ToLower(k)] = strings.Join(vs, ",")
	}
	host := r.Host
	headers["host"] = host
	headers["x-forwarded-proto"] = "http"
	if r.TLS != nil {
		headers["x-forwarded-proto"] = "https"
	}
	sourceIP, port, _ := net.SplitHostPort(r.RemoteAddr)
	headers["x-forwarded-for"] = sourceIP
	if _, p, err := net.SplitHostPort(host); err == nil {
		headers["x-forwarded-port"] = p
	}
	_ = port
	var query map[string]string
	if r.URL.RawQuery != "" {
		query = map[string]string{}
		for k, vs := range r.URL.Query() {
			query[k] = strings.Join(vs, ",")
		}
	}
	pathParams := pathValues(route.Path, r.URL.Path)
	routeKey := route.GatewayKey()
	if route.Method == "" {
		routeKey = "$default"
	}
	now := time.Now().UTC()
	ev := events.APIGatewayV2HTTPRequest{
		Version:               "2.0",
		RouteKey:              routeKey,
		RawPath:               r.URL.EscapedPath(),
		RawQueryString:        r.URL.RawQuery,
		Cookies:               r.Header.Values("Cookie"),
		Headers:               headers,
		QueryStringParameters: query,
		PathParameters:        pathParams,
		RequestContext: events.APIGatewayV2HTTPRequestContext{
			RouteKey:   routeKey,
			AccountID:  "000000000000",
			Stage:      "$default",
			RequestID:  httpapi.NewRequestID(),
			APIID:      "local",
			DomainName: host,
			Time:       now.Format("02/Jan/2006:15:04:05 -0700"),
			TimeEpoch:  now.UnixMilli(),
			HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{
				Method: r.Method, Path: r.URL.Path, Protocol: r.Proto, SourceIP: sourceIP, UserAgent: r.UserAgent(),
			},
		},
	}
	if len(body) > 0 {
		if utf8.Valid(body) {
			ev.Body = string(body)
		} else {
			ev.Body, ev.IsBase64Encoded = base64.StdEncoding.EncodeToString(body), true
		}
	}
	return ev, nil
}

// WriteResponse writes a function's API Gateway v2 response.
func WriteResponse(w http.ResponseWriter, resp events.APIGatewayV2HTTPResponse) {
	for k, v := range resp.Headers {
		w.Header().Set(k, v)
	}
	for k, vs := range resp.MultiValueHeaders {
		w.Header().Del(k)
		for _, v := range vs {
			w.Header().Add(k, v)
		}
	}
	for _, c := range resp.Cookies {
		w.Header().Add("Set-Cookie", c)
	}
	body := []byte(resp.Body)
	if resp.IsBase64Encoded {
		if b, err := base64.StdEncoding.DecodeString(resp.Body); err == nil {
			body = b
		}
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	status := resp.StatusCode
	if status == 0 {
		status = http.StatusOK
	}
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// pathValues reads the {name} segments of a route path from a request path.
func pathValues(pattern, path string) map[string]string {
	ps, xs := strings.Split(pattern, "/"), strings.Split(path, "/")
	if len(ps) != len(xs) {
		return nil
	}
	var out map[string]string
	for i, seg := range ps {
		if strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "}") {
			if out == nil {
				out = map[string]string{}
			}
			out[seg[1:len(seg)-1]] = xs[i]
		}
	}
	return out
}
