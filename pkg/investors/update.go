package investors

import (
	"encoding/json"
	"net/http"

	"github.com/tranche-dev/tranche/pkg/apierr"
	"github.com/tranche-dev/tranche/pkg/app"
	"github.com/tranche-dev/tranche/pkg/auth"
	"github.com/tranche-dev/tranche/pkg/httpapi"
	"github.com/tranche-dev/tranche/pkg/model"
	"github.com/tranche-dev/tranche/pkg/store"
)

// handleUpdate changes an investor and its entities (KYC status,
// accreditation, finances, address), each conditioned on its version. The
// user and type are fixed once created.
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
		if ok, err := Visible(r.Context(), deps.DB, p, id); err != nil {
			return err
		} else if !ok {
			return apierr.NotFoundError()
		}
		var raw map[string]json.RawMessage
		if err := httpapi.Decode(w, r, &raw); err != nil {
			return err
		}
		ctx := r.Context()
		err = store.Retry(ctx, func() error {
			inv, ent, ind, err := deps.DB.InvestorForWrite(ctx, p.Workspace, id)
			if err != nil {
				return err
			}
			f := model.NewForm(raw, true)
			readInvestorFlags(f, inv)
			person := inv.Type == "person"
			nestedErrs := map[string]any{}
			var entities []store.EntityVersion
			if ent != nil {
				old := ent.Version
				if nested(f, "entity", true, nestedErrs, func(g *model.Form) { readEntity(g, ent, person) }) {
					entities = append(entities, store.EntityVersion{Entity: ent, Old: old})
				}
			}
			if ind != nil && (ent == nil || ind.ID != ent.ID) {
				old := ind.Version
				if nested(f, "individual_entity", true, nestedErrs, func(g *model.Form) { readEntity(g, ind, true) }) {
					entities = append(entities, store.EntityVersion{Entity: ind, Old: old})
				}
			}
			if err := fieldErrors(f, nestedErrs); err != nil {
				return err
			}
			return deps.DB.SaveInvestor(ctx, p.Workspace, inv, inv.Version, false, entities)
		})
		if err != nil {
			return err
		}
		return respond(w, r, deps, p.Workspace, id, http.StatusOK)
	}
}
