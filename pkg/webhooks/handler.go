package webhooks

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	svix "github.com/svix/svix-webhooks/go"

	"github.com/tranche-dev/tranche/pkg/app"
	"github.com/tranche-dev/tranche/pkg/httpapi"
	"github.com/tranche-dev/tranche/pkg/identity"
)

// Function is the Lambda function that serves this group.
const Function = "webhooks"

// Tolerance is how far a delivery's svix-timestamp may be from now.
const Tolerance = 5 * time.Minute

// ReceiptTTL is how long a delivery id is remembered (Svix retries for
// about three days): the identity service's receipt policy.
const ReceiptTTL = identity.ReceiptTTL

// ErrNoSecret is returned at start-up without a signing secret.
var ErrNoSecret = errors.New("webhooks: " + app.EnvSvixSecret + " is not set")

// Option changes a handler (tests: a fixed clock).
type Option func(*handler)

// WithClock makes the handler read time from now.
func WithClock(now func() time.Time) Option { return func(h *handler) { h.now = now } }

type handler struct {
	ids *identity.Service
	wh  *svix.Webhook
	log *slog.Logger
	now func() time.Time
}

// NewHandler returns the group's handler. An unset or malformed signing
// secret is an error here, so the function fails at start-up rather than on
// every delivery.
func NewHandler(deps app.Deps, opts ...Option) (http.Handler, error) {
	if deps.Config.SvixSecret == "" {
		return nil, ErrNoSecret
	}
	wh, err := svix.NewWebhook(deps.Config.SvixSecret)
	if err != nil {
		return nil, fmt.Errorf("webhooks: %s is not a Svix secret (whsec_<base64>): %w", app.EnvSvixSecret, err)
	}
	h := &handler{ids: identity.NewService(deps.DB, identity.SystemClock), wh: wh, log: deps.Log, now: time.Now}
	for _, o := range opts {
		o(h)
	}
	rt := httpapi.NewRouter(Function)
	rt.HandleFunc("POST /api/v1/account/clerk_webhook/", h.handleClerk)
	return rt.Handler(), nil
}
