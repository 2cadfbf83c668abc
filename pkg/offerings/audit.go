package offerings

import (
	"net/http"

	"github.com/tranche-dev/tranche/pkg/apierr"
	"github.com/tranche-dev/tranche/pkg/auth"
	"github.com/tranche-dev/tranche/pkg/httpapi"
	"github.com/tranche-dev/tranche/pkg/investments"
	"github.com/tranche-dev/tranche/pkg/store"
)

// handleAudit is GET /api/offerings/{id}/audit/: the offering's trail —
// its state changes (create, open, pause, close, escrow close, early
// close, material changes) and every sale with its limit decision — for
// whoever may read the offering.
func handleAudit(db *store.DB) httpapi.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		p, err := auth.Must(r)
		if err != nil {
			return err
		}
		id, err := httpapi.PathID(r, "id")
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
		return investments.ServeAudit(w, r, db, p.Workspace, "OFFERING", id)
	}
}
