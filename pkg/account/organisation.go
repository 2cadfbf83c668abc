package account

import (
	"context"
	"errors"
	"net/http"

	"github.com/guregu/dynamo/v2"

	"github.com/tranche-dev/tranche/pkg/apierr"
	"github.com/tranche-dev/tranche/pkg/auth"
	"github.com/tranche-dev/tranche/pkg/httpapi"
	"github.com/tranche-dev/tranche/pkg/identity"
	"github.com/tranche-dev/tranche/pkg/store"
)

// activeWorkspace loads the principal's active workspace, nil when it has
// none. The Authenticator only sets a workspace the caller is a member of,
// so no request reaches another tenant's organisation.
func activeWorkspace(ctx context.Context, db *store.DB, p *auth.Principal) (*store.Workspace, error) {
	if p.Workspace == "" {
		return nil, nil
	}
	w, err := db.Workspace(ctx, p.Workspace)
	if errors.Is(err, dynamo.ErrNotFound) {
		return nil, nil
	}
	return w, err
}

// handleOrganisation is GET /api/v1/account/userorganisation/: the org_*
// fields of the caller's active workspace (every field null without one).
func handleOrganisation(db *store.DB) httpapi.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		p, err := auth.Must(r)
		if err != nil {
			return err
		}
		ws, err := activeWorkspace(r.Context(), db, p)
		if err != nil {
			return err
		}
		return httpapi.JSON(w, http.StatusOK, newOrgView(ws, p, true))
	}
}

// handleUpdateOrganisation is POST /api/v1/account/userorganisation/: a
// partial update of the active workspace's organisation fields. Only an
// OWNER or ADMIN of it may (403 otherwise, also without a workspace);
// permission is checked before the body, as DRF does.
func handleUpdateOrganisation(db *store.DB) httpapi.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		p, err := auth.Must(r)
		if err != nil {
			return err
		}
		if !canManage(p) {
			return apierr.Forbid()
		}
		raw, err := decodeObject(w, r)
		if err != nil {
			return err
		}
		apply, errs := parseOrganisation(raw)
		if err := apierr.Fields(errs); err != nil {
			return err
		}
		ws, err := db.UpdateWorkspace(r.Context(), p.Workspace, func(ws *store.Workspace) error {
			if ws.Deleted {
				return dynamo.ErrNotFound
			}
			apply(ws)
			return nil
		})
		if err != nil {
			return err
		}
		return httpapi.JSON(w, http.StatusOK, newOrgView(ws, p, true))
	}
}

// handleDevTest serves /api/v1/account/devtest/ for identities with
// is_developer (403 for everyone else). It is a diagnostics probe that
// changes nothing:
//
//   - GET: the organisation the session resolved to, in the
//     UserOrganisation shape, private metadata withheld;
//   - POST, PUT: the body validated as a UserOrganisation (400 with DRF
//     field errors) and echoed as it would apply to the active workspace,
//     without storing it;
//   - DELETE: 204, nothing deleted.
//
// It never shows tokens, keys or private metadata.
func handleDevTest(ids *identity.Service, db *store.DB) httpapi.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		p, err := auth.Must(r)
		if err != nil {
			return err
		}
		id, err := ids.Caller(r.Context(), p.UserID)
		if err != nil {
			return err
		}
		if !id.IsDeveloper {
			return apierr.Forbid()
		}
		if r.Method == http.MethodDelete {
			w.WriteHeader(http.StatusNoContent)
			return nil
		}
		ws, err := activeWorkspace(r.Context(), db, p)
		if err != nil {
			return err
		}
		if r.Method == http.MethodPost || r.Method == http.MethodPut {
			raw, err := decodeObject(w, r)
			if err != nil {
				return err
			}
			apply, errs := parseOrganisation(raw)
			if err := apierr.Fields(errs); err != nil {
				return err
			}
			dry := store.Workspace{}
			if ws != nil {
				dry = *ws
			}
			apply(&dry)
			ws = &dry
		}
		return httpapi.JSON(w, http.StatusOK, newOrgView(ws, p, false))
	}
}
