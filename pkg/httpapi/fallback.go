package httpapi

import (
	"net/http"
	"strings"

	"github.com/tranche-dev/tranche/pkg/apierr"
	"github.com/tranche-dev/tranche/pkg/routes"
)

// GatewayFallback answers the requests API Gateway sends to the stack's
// $default route: those whose method and path match no route of the
// table. It answers as the path's own function would (its Router's
// fallback): 405 with Allow on a known path, OPTIONS, the 301 to the
// slashed path, or 404.
//
// Why a $default route rather than an ANY route per path (the first
// design): with 130-odd paths those routes put the stack over
// CloudFormation's 500 resources and near API Gateway's 300 routes per
// API. One function (own, whose handler is ownHandler) serves $default;
// requests on its own paths go to its real handler.
func GatewayFallback(own string, ownHandler http.Handler) http.Handler {
	owners := http.NewServeMux()
	routers := map[string]http.Handler{own: ownHandler}
	seen := map[string]bool{}
	for _, fn := range routes.Functions() {
		if fn != own {
			rt := NewRouter(fn)
			for _, r := range routes.ByFunction(fn) {
				rt.Handle(r.Key(), notRouted)
			}
			routers[fn] = rt.Handler()
		}
		for _, r := range routes.ByFunction(fn) {
			_, path, _ := strings.Cut(r.Pattern(), " ")
			if !seen[path] { // a path split across functions: the first owns the 405
				seen[path] = true
				owners.Handle(path, owner(fn))
			}
		}
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fn, ok := ownerOf(owners, r)
		if !ok && !strings.HasSuffix(r.URL.Path, "/") {
			probe := r.Clone(r.Context())
			u := *r.URL
			u.Path += "/"
			u.RawPath = ""
			probe.URL = &u
			fn, ok = ownerOf(owners, probe)
		}
		if !ok {
			notRouted.ServeHTTP(w, r)
			return
		}
		routers[fn].ServeHTTP(w, r)
	})
}

// owner marks the function owning a path in GatewayFallback's mux.
type owner string

func (owner) ServeHTTP(http.ResponseWriter, *http.Request) {}

func ownerOf(mux *http.ServeMux, r *http.Request) (string, bool) {
	h, _ := mux.Handler(r)
	fn, ok := h.(owner)
	return string(fn), ok
}

// notRouted is the 404 of a path no function serves (and of a route API
// Gateway would never send to $default).
var notRouted = HandlerFunc(func(http.ResponseWriter, *http.Request) error { return apierr.NotFoundError() })
