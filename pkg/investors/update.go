package investors

import (
	"encoding/json"
	"net/http"

	"github.com/tranche-dev/tranche/pkg/apierr"
	"github.com/tranche-dev/tranche/pkg/auth"
	"github.com/tranche-dev/tranche/pkg/httpapi"
)

// handleUpdate is PATCH /api/investors/{id}/ (Service.Update): an investor
// the caller does not see is a 404 before its body is read.
func handleUpdate(svc *Service) httpapi.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		p, id, err := auth.WriterOn(r)
		if err != nil {
			return err
		}
		if ok, err := svc.Visible(r.Context(), p, id); err != nil {
			return err
		} else if !ok {
			return apierr.NotFoundError()
		}
		var raw map[string]json.RawMessage
		if err := httpapi.Decode(w, r, &raw); err != nil {
			return err
		}
		g, err := svc.Update(r.Context(), p, id, raw)
		if err != nil {
			return err
		}
		return httpapi.JSON(w, http.StatusOK, g.View())
	}
}
