package offerings

import (
	"encoding/json"
	"net/http"

	"github.com/tranche-dev/tranche/pkg/apierr"
	"github.com/tranche-dev/tranche/pkg/auth"
	"github.com/tranche-dev/tranche/pkg/httpapi"
	"github.com/tranche-dev/tranche/pkg/model"
)

// The handlers of Reg CF's 227.304 actions (service_regcf.go has the rules
// and the notices).

// handleEarlyClose is POST /api/offerings/{id}/early-close/
// {"deadline_date": "YYYY-MM-DD"} (Service.EarlyClose).
func handleEarlyClose(svc *Service) httpapi.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		p, id, err := auth.WriterOn(r)
		if err != nil {
			return err
		}
		var raw map[string]json.RawMessage
		if err := httpapi.Decode(w, r, &raw); err != nil {
			return err
		}
		d, err := readEarlyClose(raw)
		if err != nil {
			return err
		}
		out, err := svc.EarlyClose(r.Context(), p, id, d)
		if err != nil {
			return err
		}
		return httpapi.JSON(w, http.StatusOK, out)
	}
}

// handleMaterialChange is POST /api/offerings/{id}/material-change/
// {"description": "…"} (Service.MaterialChange).
func handleMaterialChange(svc *Service) httpapi.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		p, id, err := auth.WriterOn(r)
		if err != nil {
			return err
		}
		var raw map[string]json.RawMessage
		if err := httpapi.Decode(w, r, &raw); err != nil {
			return err
		}
		desc, err := readMaterialChange(raw)
		if err != nil {
			return err
		}
		out, err := svc.MaterialChange(r.Context(), p, id, desc)
		if err != nil {
			return err
		}
		return httpapi.JSON(w, http.StatusOK, out)
	}
}

// readEarlyClose validates an early-close body: {deadline_date}.
func readEarlyClose(raw map[string]json.RawMessage) (model.Date, error) {
	f := model.NewForm(raw, false)
	d, _ := f.Date("deadline_date", true, false)
	if err := apierr.Fields(f.Errors); err != nil {
		return model.Date{}, err
	}
	return *d, nil
}

// readMaterialChange validates a material-change body: {description}.
func readMaterialChange(raw map[string]json.RawMessage) (string, error) {
	f := model.NewForm(raw, false)
	desc, _ := f.String("description", model.Str{Required: true, MaxLen: 2000})
	if err := apierr.Fields(f.Errors); err != nil {
		return "", err
	}
	return *desc, nil
}

// handleCancelUnconfirmed is POST /api/offerings/{id}/cancel-unconfirmed/
// (Service.CancelUnconfirmed).
func handleCancelUnconfirmed(svc *Service) httpapi.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		p, id, err := auth.WriterOn(r)
		if err != nil {
			return err
		}
		out, err := svc.CancelUnconfirmed(r.Context(), p, id)
		if err != nil {
			return err
		}
		return httpapi.JSON(w, http.StatusOK, out)
	}
}
