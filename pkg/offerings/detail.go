package offerings

import (
	"net/http"

	"github.com/tranche-dev/tranche/pkg/apierr"
	"github.com/tranche-dev/tranche/pkg/auth"
	"github.com/tranche-dev/tranche/pkg/httpapi"
	"github.com/tranche-dev/tranche/pkg/store"
)

func handleDetail(db *store.DB) httpapi.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		p, err := auth.Must(r)
		if err != nil {
			return err
		}
		id, err := httpapi.PathID(r, "id")
		if err != nil {
			return err
		}
		q, err := parse(r.Context(), db, p, r) // filters apply to the detail route too
		if err != nil {
			return err
		}
		o, err := db.Offering(r.Context(), p.Workspace, id)
		if err != nil {
			return err
		}
		if !p.SeesOffering(o.ID, o.Issuer) {
			return apierr.NotFoundError()
		}
		if ok, err := matchesDetail(r.Context(), db, p, q, o); err != nil {
			return err
		} else if !ok {
			return apierr.NotFoundError()
		}
		return httpapi.JSON(w, http.StatusOK, o)
	}
}
