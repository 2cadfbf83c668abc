package users

import (
	"errors"
	"net/http"

	"github.com/tranche-dev/tranche/pkg/apierr"
	"github.com/tranche-dev/tranche/pkg/app"
	"github.com/tranche-dev/tranche/pkg/auth"
	"github.com/tranche-dev/tranche/pkg/httpapi"
	"github.com/tranche-dev/tranche/pkg/model"
	"github.com/tranche-dev/tranche/pkg/store"
)

// handleUpdate is seed 000's PATCH /api/users/{id}/: email and/or
// password. An e-mail change moves the uniqueness item in the same
// transaction.
func handleUpdate(deps app.Deps) httpapi.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		p, err := auth.Writer(r)
		if err != nil {
			return err
		}
		id, err := httpapi.PathID(r, "id")
		if err != nil {
			return err
		}
		email, password, err := userForm(w, r, true)
		if err != nil {
			return err
		}
		var hash string
		if password != nil {
			if hash, err = hashPassword(*password); err != nil {
				return err
			}
		}
		ctx := r.Context()
		var out *model.User
		err = store.Retry(ctx, func() error {
			u, err := deps.DB.UserForWrite(ctx, p.Workspace, id)
			if err != nil {
				return err
			}
			if u.ThirdPartyIssuerEmail == nil {
				return apierr.NotFoundError()
			}
			old, oldEmail := u.Version, u.Email
			if email != nil {
				e := *email
				u.Email, u.ThirdPartyIssuerEmail = e, &e
			}
			if hash != "" {
				u.PasswordHash = hash
			}
			out = u
			return deps.DB.UpdateUser(ctx, p.Workspace, u, old, oldEmail)
		})
		switch {
		case errors.Is(err, store.ErrEmailTaken):
			return apierr.Field("email", msgEmailTaken)
		case err != nil:
			return err
		}
		return httpapi.JSON(w, http.StatusOK, model.UserRef{ID: out.ID, Email: out.Email})
	}
}
