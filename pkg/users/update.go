package users

import (
	"net/http"

	"github.com/tranche-dev/tranche/pkg/auth"
	"github.com/tranche-dev/tranche/pkg/httpapi"
	"github.com/tranche-dev/tranche/pkg/model"
)

// handleUpdate is seed 000's PATCH /api/users/{id}/: email and/or
// password. An e-mail change moves the uniqueness item in the same
// transaction.
func handleUpdate(s Service) httpapi.HandlerFunc {
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
		out, err := s.UpdateIssuerUser(r.Context(), p.Workspace, id, email, password)
		if err != nil {
			return err
		}
		return httpapi.JSON(w, http.StatusOK, model.UserRef{ID: out.ID, Email: out.Email})
	}
}
