package users

import (
	"net/http"
	"time"

	"github.com/tranche-dev/tranche/pkg/app"
	"github.com/tranche-dev/tranche/pkg/auth"
	"github.com/tranche-dev/tranche/pkg/httpapi"
	"github.com/tranche-dev/tranche/pkg/listing"
	"github.com/tranche-dev/tranche/pkg/store"
)

// Function is the name of the Lambda function that serves this group.
const Function = "users"

// NewHandler returns the group's handler.
func NewHandler(deps app.Deps) http.Handler {
	return newHandler(deps, Exporter{Blobs: blobsOf(deps), Inline: DefaultInline, LinkTTL: DefaultLinkTTL})
}

func newHandler(deps app.Deps, ex Exporter) http.Handler {
	rt := httpapi.NewRouter(Function)
	rt.Use(auth.FromDeps(deps).For)
	s := Service{DB: deps.DB}
	addRoutes(rt, s)
	add001(rt, s, ex)
	return rt.Handler()
}

// add001 binds seed 001's users routes (issue 12).
func add001(rt *httpapi.Router, s Service, ex Exporter) {
	rt.HandleFunc("GET /api/user-types/{type}/users/", typedList(s))
	rt.HandleFunc("GET /api/user-types/{type}/export/", handleExport(s, ex, true))
	rt.HandleFunc("GET /api/users/export/", handleExport(s, ex, false))
	rt.HandleFunc("GET /api/users/{id}/all/", handleGraph(s))
	rt.HandleFunc("PATCH /api/users/{id}/profile/", handleProfile(s))
	rt.HandleFunc("PATCH /api/users/me/", handleMe(s))
}

// BindInvitations binds seed 001's invitation routes (issue 12) on the
// invitations function's router (pkg/workspaces.NewInvitationsHandler),
// beside seed 004's. gap is the least time between two e-mails of an
// invitation (ResendGap).
func BindInvitations(rt *httpapi.Router, db *store.DB, m Mailer, gap time.Duration) {
	svc := NewInvitations(db, m, gap)
	rt.HandleFunc("POST /api/invitations/", handleInvite(svc, false))
	rt.HandleFunc("POST /api/invitations/internal/", handleInvite(svc, true))
	rt.HandleFunc("POST /api/invitations/{id}/resend/", handleResend(svc))
	rt.HandleFunc("POST /api/invitations/login-token/", handleLoginToken(svc))
	rt.HandleFunc("POST /api/invitations/login-token/exchange/", handleExchange(svc))
}

func addRoutes(rt *httpapi.Router, s Service) {
	rt.HandleFunc("GET /api/users/{id}/", handleDetail(s))
	rt.HandleFunc("GET /api/users/", listing.Handler(listSpec(s)))
	rt.Handle("POST /api/users/", httpapi.Idempotent(s.DB, auth.IdempotencyCaller, handleCreate(s)))
	rt.HandleFunc("PATCH /api/users/{id}/", handleUpdate(s))
}
