package groups

import (
	"log/slog"
	"net/http"

	"github.com/tranche-dev/tranche/pkg/app"
	"github.com/tranche-dev/tranche/pkg/auth"
	"github.com/tranche-dev/tranche/pkg/httpapi"
	"github.com/tranche-dev/tranche/pkg/listing"
	"github.com/tranche-dev/tranche/pkg/mail"
	"github.com/tranche-dev/tranche/pkg/store"
)

// Function is the Lambda function that serves the groups routes.
const Function = "groups"

// NewHandler returns the groups function's handler. It fails when Clerk
// sessions are not configured, so the function fails at start-up.
func NewHandler(deps app.Deps) (http.Handler, error) {
	a, err := auth.NewAuthenticator(deps)
	if err != nil {
		return nil, err
	}
	rt := httpapi.NewRouter(Function)
	rt.Use(a.For)
	addRoutes(rt, NewService(deps.DB, mail.FromDeps(deps)))
	return rt.Handler(), nil
}

func addRoutes(rt *httpapi.Router, svc *Service) {
	rt.HandleFunc("GET /api/user-groups/", listing.Handler(groupsSpec(svc, ListFilters, "user-groups")))
	rt.HandleFunc("POST /api/user-groups/", handleCreate(svc))
	rt.HandleFunc("GET /api/user-groups/search/", listing.Handler(groupsSpec(svc, SearchFilters, "user-groups/search")))
	rt.HandleFunc("GET /api/user-groups/by-lead-user/", handleByLead(svc))
	rt.HandleFunc("GET /api/user-groups/{id}/", handleDetail(svc))
	rt.HandleFunc("PATCH /api/user-groups/{id}/", handleUpdate(svc))
	rt.HandleFunc("DELETE /api/user-groups/{id}/", handleDelete(svc))
	rt.HandleFunc("GET /api/user-groups/{id}/users/", handleMembers(svc))
	rt.HandleFunc("POST /api/user-groups/{id}/users/", handleAddMember(svc))
	rt.HandleFunc("DELETE /api/user-groups/{id}/users/{user_id}/", handleRemoveMember(svc))
	rt.HandleFunc("PATCH /api/user-groups/{id}/role/", handleRole(svc))
	rt.HandleFunc("PATCH /api/user-groups/{id}/feature-flags/", handleFlag(svc))
	rt.HandleFunc("GET /api/roles/", handleRoles())
}

// BindInvitations binds the group-centred invitation routes (shell,
// signatory) on the invitations function's router.
func BindInvitations(rt *httpapi.Router, db *store.DB, m Mailer, _ *slog.Logger) {
	svc := NewService(db, m)
	rt.HandleFunc("POST /api/invitations/shell/", handleShell(svc))
	rt.HandleFunc("POST /api/invitations/signatory/", handleSignatory(svc))
}
