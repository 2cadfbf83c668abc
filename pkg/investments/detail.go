package investments

import (
	"net/http"

	"github.com/tranche-dev/tranche/pkg/apierr"
	"github.com/tranche-dev/tranche/pkg/auth"
	"github.com/tranche-dev/tranche/pkg/httpapi"
	"github.com/tranche-dev/tranche/pkg/model"
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
		inv, err := db.Investment(r.Context(), p.Workspace, id)
		if err != nil {
			return err
		}
		if !p.SeesOffering(inv.Offering, inv.Issuer) {
			return apierr.NotFoundError()
		}
		graphs, err := db.InvestorGraphs(r.Context(), p.Workspace, []int64{inv.Investor})
		if err != nil {
			return err
		}
		g := graphs[inv.Investor]
		if ok, err := matchesDetail(r.Context(), db, p, q, inv, g); err != nil {
			return err
		} else if !ok {
			return apierr.NotFoundError()
		}
		return httpapi.JSON(w, http.StatusOK, inv.View(g.InInvestment()))
	}
}

func handleStatuses() httpapi.HandlerFunc {
	body := StatusesBody{Success: true, Data: Statuses{Statuses: model.InvestmentStatuses}}
	return func(w http.ResponseWriter, r *http.Request) error {
		return httpapi.JSON(w, http.StatusOK, body)
	}
}
