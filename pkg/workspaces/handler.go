package workspaces

import (
	"context"
	"log/slog"
	"net/http"

	"github.com/tranche-dev/tranche/pkg/app"
	"github.com/tranche-dev/tranche/pkg/auth"
	"github.com/tranche-dev/tranche/pkg/groups"
	"github.com/tranche-dev/tranche/pkg/httpapi"
	"github.com/tranche-dev/tranche/pkg/identity"
	"github.com/tranche-dev/tranche/pkg/listing"
	"github.com/tranche-dev/tranche/pkg/mail"
	"github.com/tranche-dev/tranche/pkg/store"
	"github.com/tranche-dev/tranche/pkg/users"
)

// Function is the Lambda function that serves this group.
const Function = "workspaces"

// Mailer sends e-mail; *mail.Sender is one.
type Mailer interface {
	Send(ctx context.Context, m mail.Message) (string, error)
}

// NewHandler returns the group's handler. It fails when Clerk sessions are
// not configured, so the function fails at start-up.
func NewHandler(deps app.Deps) (http.Handler, error) {
	a, err := auth.NewAuthenticator(deps)
	if err != nil {
		return nil, err
	}
	rt := httpapi.NewRouter(Function)
	rt.Use(a.For)
	addRoutes(rt, deps.DB)
	return rt.Handler(), nil
}

func addRoutes(rt *httpapi.Router, db *store.DB) {
	ids := identity.NewService(db, identity.SystemClock)
	rt.HandleFunc("GET /api/accounts/companies/", listing.Handler(companiesSpec(db)))
	rt.HandleFunc("GET /api/accounts/users/", handleUsers(db))
	rt.HandleFunc("GET /api/accounts/users/me/", handleMe(ids, db, false))
	rt.HandleFunc("GET /api/accounts/me/", handleMe(ids, db, true))
	rt.HandleFunc("GET /api/accounts/workspaces/", handleWorkspaces(db))
	rt.HandleFunc("POST /api/accounts/workspaces/switch/", handleSwitch(ids))
}

// NewInvitationsHandler serves seed 004's invitation routes of the
// invitations function.
func NewInvitationsHandler(deps app.Deps) (http.Handler, error) {
	a, err := auth.NewAuthenticator(deps)
	if err != nil {
		return nil, err
	}
	rt := httpapi.NewRouter("invitations")
	rt.Use(a.For)
	BindInvitations(rt, deps.DB, mail.FromDeps(deps), deps.Log)
	users.BindInvitations(rt, deps.DB, mail.FromDeps(deps), users.ResendGap) // seed 001 (issue 12)
	groups.BindInvitations(rt, deps.DB, mail.FromDeps(deps), deps.Log)       // shell, signatory (issue 12)
	return rt.Handler(), nil
}

// BindInvitations binds seed 004's invitation routes on the invitations
// function's router.
func BindInvitations(rt *httpapi.Router, db *store.DB, m Mailer, logger *slog.Logger) {
	svc := NewInvitations(db, m)
	rt.HandleFunc("POST /api/accounts/invitations/", handleInvite(svc))
	rt.HandleFunc("GET /api/accounts/invitations/{id}/", handleInvitation(svc))
}
