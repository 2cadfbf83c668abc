package workspaces

import (
	"errors"
	"net/http"

	"github.com/guregu/dynamo/v2"

	"github.com/tranche-dev/tranche/pkg/auth"
	"github.com/tranche-dev/tranche/pkg/filter"
	"github.com/tranche-dev/tranche/pkg/filter/py"
	"github.com/tranche-dev/tranche/pkg/httpapi"
	"github.com/tranche-dev/tranche/pkg/identity"
	"github.com/tranche-dev/tranche/pkg/listing"
	"github.com/tranche-dev/tranche/pkg/page"
	"github.com/tranche-dev/tranche/pkg/store"
)

// handleMe is GET /api/accounts/users/me/ and, with a Deprecation header,
// the deprecated GET /api/accounts/me/.
func handleMe(ids *identity.Service, db *store.DB, deprecated bool) httpapi.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		p, err := auth.Must(r)
		if err != nil {
			return err
		}
		id, err := ids.Caller(r.Context(), p.UserID)
		if err != nil {
			return err
		}
		var m *store.Membership
		var ws *store.Workspace
		if p.Workspace != "" {
			if m, err = db.Membership(r.Context(), p.Workspace, p.UserID); err != nil && !errors.Is(err, dynamo.ErrNotFound) {
				return err
			}
			if ws, err = db.Workspace(r.Context(), p.Workspace); err != nil && !errors.Is(err, dynamo.ErrNotFound) {
				return err
			}
		}
		if deprecated {
			w.Header().Set("Deprecation", "true")
			w.Header().Set("Link", `</api/accounts/users/me/>; rel="successor-version"`)
		}
		return httpapi.JSON(w, http.StatusOK, newUser(p.UserID, id, m, ws))
	}
}

// handleUsers is GET /api/accounts/users/: the users of the active
// workspace, for callers holding view_user. Without limit it is the plain
// array seed 004 shows; with limit (or offset), the limit/offset envelope.
func handleUsers(db *store.DB) httpapi.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		p, err := auth.Must(r)
		if err != nil {
			return err
		}
		if err := p.Require("view_user"); err != nil {
			return err
		}
		ctx := r.Context()
		ws, err := db.Workspace(ctx, p.Workspace)
		if err != nil {
			return err
		}
		ms, err := db.Members(ctx, p.Workspace)
		if err != nil {
			return err
		}
		ids := make([]string, len(ms))
		for i := range ms {
			ids[i] = ms[i].ClerkID
		}
		idents, err := db.Identities(ctx, ids)
		if err != nil {
			return err
		}
		query := py.ParseQuery(r.URL.RawQuery)
		q, err := filter.Parse(ctx, filter.AccountUserFilters, query, nil)
		if err != nil {
			return err
		}
		var all []*user
		for i := range ms {
			id := idents[ms[i].ClerkID]
			if id != nil && !id.IsActive {
				continue
			}
			u := newUser(ms[i].ClerkID, id, &ms[i], ws)
			all = append(all, &u)
		}
		rows := listing.Select(listing.Table[*user]{Key: "accounts/users", Memo: listing.NoMemo,
			Rows: func() []*user { return all }}, q)
		users := make([]user, len(rows))
		for i, u := range rows {
			users[i] = *u
		}
		// Unpaginated unless the client asks for a window (seed 004).
		if !query.Has("limit") && !query.Has("offset") {
			return httpapi.JSON(w, http.StatusOK, users)
		}
		win := page.Offsets.Paginate(httpapi.BaseURL(r), query, len(users))
		return httpapi.JSON(w, http.StatusOK, page.NewEnvelope(win, page.Slice(win, users)))
	}
}

// Value reads a user as AccountUserFilters does.
func (u *user) Value(path string) filter.Value {
	switch path {
	case "id":
		return filter.Int(u.ID)
	case "first_name":
		return filter.Str(u.FirstName)
	case "last_name":
		return filter.Str(u.LastName)
	case "email":
		return filter.Str(u.Email)
	}
	return filter.Null()
}
