package offerings

import (
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/tranche-dev/tranche/pkg/apierr"
	"github.com/tranche-dev/tranche/pkg/app"
	"github.com/tranche-dev/tranche/pkg/auth"
	"github.com/tranche-dev/tranche/pkg/httpapi"
	"github.com/tranche-dev/tranche/pkg/model"
	"github.com/tranche-dev/tranche/pkg/store"
)

// handleUpdate changes any writable field of an offering (amounts, unit
// price, fees, limits, contacts, colours, reminder and summary settings,
// auto approve/accept and their bounds, countries, deadline). The type may
// change only while the offering is incomplete; an open offering must keep
// every field its type needs to be open.
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
		var raw map[string]json.RawMessage
		if err := httpapi.Decode(w, r, &raw); err != nil {
			return err
		}
		ctx := r.Context()
		var out *model.Offering
		err = store.Retry(ctx, func() error {
			o, version, err := loadForWrite(r, deps, p, id)
			if err != nil {
				return err
			}
			f := model.NewForm(raw, true)
			if typ, _ := f.String("type", model.Str{Choices: model.OfferingTypes}); typ != nil && *typ != o.Type {
				if o.Status != "incomplete" {
					f.Errors.Add("type", fmt.Sprintf("The type of an offering whose status is %s cannot change.", o.Status))
				} else {
					o.Type = *typ
				}
			}
			applyFields(f, o)
			regATier(f, o)
			if err := apierr.Fields(f.Errors); err != nil {
				return err
			}
			errs := model.CheckOfferingSettings(o)
			if o.Status == "opened" {
				// An open offering keeps what it needs to be open: a
				// PATCH may not clear those fields.
				for field, msgs := range model.OfferingFieldsToOpen(o) {
					if _, touched := raw[field]; touched && !errs.Has(field) {
						errs[field] = msgs
					}
				}
			}
			if err := apierr.Fields(errs); err != nil {
				return err
			}
			out = o
			return deps.DB.UpdateOffering(ctx, p.Workspace, o, version, "", "", "", now())
		})
		if err != nil {
			return err
		}
		return httpapi.JSON(w, http.StatusOK, out)
	}
}
