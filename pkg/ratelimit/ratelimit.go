// Package ratelimit throttles each caller with a token bucket kept in
// DynamoDB (store.Take: one consistent read and one conditional write per
// request, no Scan), so every Lambda instance of a function shares one
// bucket per caller. It answers 429 with Retry-After and DRF's throttle
// body, and every response of a limited route carries
// X-RateLimit-Limit (the bucket's size), X-RateLimit-Remaining (whole
// requests left) and X-RateLimit-Reset (seconds until the bucket is full
// again, as in the IETF RateLimit header draft, not an epoch time).
package ratelimit

import (
	"net/http"
	"strconv"
	"time"

	"github.com/tranche-dev/tranche/pkg/apierr"
	"github.com/tranche-dev/tranche/pkg/app"
	"github.com/tranche-dev/tranche/pkg/auth"
	"github.com/tranche-dev/tranche/pkg/httpapi"
	"github.com/tranche-dev/tranche/pkg/routes"
	"github.com/tranche-dev/tranche/pkg/store"
)

// The headers of a limited route.
const (
	HeaderLimit     = "X-RateLimit-Limit"
	HeaderRemaining = "X-RateLimit-Remaining"
	HeaderReset     = "X-RateLimit-Reset"
)

// Limiter limits one group of routes (Name) per caller.
type Limiter struct {
	DB    *store.DB
	Name  string // the bucket's group: one bucket per caller and group
	Limit app.RateLimit
	Now   func() time.Time
}

// For wraps a route's handler; use it after authentication (it reads the
// principal: the caller is the API key or the session user, within its
// workspace).
func (l *Limiter) For(_ routes.Route, h http.Handler) http.Handler {
	return httpapi.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		p, err := auth.Must(r)
		if err != nil {
			return err
		}
		now := time.Now()
		if l.Now != nil {
			now = l.Now()
		}
		b, err := l.DB.Take(r.Context(), p.Workspace, p.Actor()+"#"+l.Name, l.Limit.Burst, l.Limit.PerSecond(), now)
		if err != nil {
			return err
		}
		w.Header().Set(HeaderLimit, strconv.Itoa(l.Limit.Burst))
		w.Header().Set(HeaderRemaining, strconv.Itoa(b.Remaining))
		w.Header().Set(HeaderReset, strconv.Itoa(int(b.Reset.Seconds()+0.999)))
		if !b.Allowed {
			return apierr.ThrottledError(b.Wait)
		}
		h.ServeHTTP(w, r)
		return nil
	})
}
