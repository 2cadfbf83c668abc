package users

import (
	"net/http"

	"github.com/tranche-dev/tranche/pkg/apierr"
	"github.com/tranche-dev/tranche/pkg/auth"
	"github.com/tranche-dev/tranche/pkg/httpapi"
	"github.com/tranche-dev/tranche/pkg/model"
)

func handleDetail(s Service) httpapi.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		p, err := auth.Must(r)
		if err != nil {
			return err
		}
		id, err := httpapi.PathID(r, "id")
		if err != nil {
			return err
		}
		q, err := parse(r) // filters apply to the detail route too
		if err != nil {
			return err
		}
		u, err := s.DB.User(r.Context(), p.Workspace, id)
		if err != nil {
			return err
		}
		if u.ThirdPartyIssuerEmail == nil || !matchesDetail(q, u) {
			return apierr.NotFoundError()
		}
		return httpapi.JSON(w, http.StatusOK, model.UserRef{ID: u.ID, Email: u.Email})
	}
}
