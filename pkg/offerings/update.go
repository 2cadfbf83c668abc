package offerings

import (
	"encoding/json"
	"net/http"

	"github.com/tranche-dev/tranche/pkg/auth"
	"github.com/tranche-dev/tranche/pkg/httpapi"
)

// handleUpdate is PATCH /api/offerings/{id}/: the body decoded here and
// applied, checked and written by Service.Update.
func handleUpdate(svc *Service) httpapi.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		p, id, err := auth.WriterOn(r)
		if err != nil {
			return err
		}
		var raw map[string]json.RawMessage
		if err := httpapi.Decode(w, r, &raw); err != nil {
			return err
		}
		out, err := svc.Update(r.Context(), p, id, raw)
		if err != nil {
			return err
		}
		return httpapi.JSON(w, http.StatusOK, out)
	}
}
