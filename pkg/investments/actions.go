package investments

import (
	"fmt"
	"net/http"

	"github.com/tranche-dev/tranche/pkg/apierr"
	"github.com/tranche-dev/tranche/pkg/app"
	"github.com/tranche-dev/tranche/pkg/auth"
	"github.com/tranche-dev/tranche/pkg/httpapi"
	"github.com/tranche-dev/tranche/pkg/model"
	"github.com/tranche-dev/tranche/pkg/store"
)

// handleAction runs one lifecycle action on an investment: the state
// machine's precondition, the action's own rules (the KYC/AML gate of
// approve, Reg CF's cancellation window and escrow), then the offering's
// auto approve / auto accept, all written with the running totals and one
// audit record per step in one transaction. An action the status does not
// allow is a 409 naming the status.
func handleAction(deps app.Deps, a model.Action) httpapi.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		p, err := auth.Writer(r)
		if err != nil {
			return err
		}
		id, err := httpapi.PathID(r, "id")
		if err != nil {
			return err
		}
		ctx := r.Context()
		var after *model.Investment
		err = store.Retry(ctx, func() error {
			inv, err := deps.DB.InvestmentForWrite(ctx, p.Workspace, id)
			if err != nil {
				return err
			}
			if !p.SeesOffering(inv.Offering, inv.Issuer) {
				return apierr.NotFoundError()
			}
			o, _, err := deps.DB.OfferingForWrite(ctx, p.Workspace, inv.Offering)
			if err != nil {
				return err
			}
			graphs, err := deps.DB.InvestorGraphs(ctx, p.Workspace, []int64{inv.Investor})
			if err != nil {
				return err
			}
			next, steps, err := model.Run(o, entityOf(graphs[inv.Investor]), inv, a, now())
			if err != nil {
				return err
			}
			after = next
			return deps.DB.UpdateInvestment(ctx, p.Workspace, inv, next, steps, p.Actor(), now())
		})
		if err != nil {
			return err
		}
		graphs, err := deps.DB.InvestorGraphs(ctx, p.Workspace, []int64{after.Investor})
		if err != nil {
			return err
		}
		return httpapi.JSON(w, http.StatusOK, after.View(graphs[after.Investor].InInvestment()))
	}
}

// handleReconfirm records the investor's reconfirmation of a commitment
// marked after a material change of a Reg CF offering (17 CFR
// 227.304(c)), within its period; after it, the commitment is due for
// cancellation (POST /api/offerings/{id}/cancel-unconfirmed/) and cannot
// be reconfirmed.
func handleReconfirm(deps app.Deps) httpapi.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		p, err := auth.Writer(r)
		if err != nil {
			return err
		}
		id, err := httpapi.PathID(r, "id")
		if err != nil {
			return err
		}
		ctx := r.Context()
		var after *model.Investment
		err = store.Retry(ctx, func() error {
			inv, err := deps.DB.InvestmentForWrite(ctx, p.Workspace, id)
			if err != nil {
				return err
			}
			if !p.SeesOffering(inv.Offering, inv.Issuer) {
				return apierr.NotFoundError()
			}
			t := now()
			switch {
			case inv.ReconfirmBy == nil:
				return apierr.ConflictError("This investment has nothing to reconfirm: no material change of its offering awaits its reconfirmation.")
			case t.After(inv.ReconfirmBy.Time):
				return apierr.ConflictError(fmt.Sprintf("The reconfirmation period ended at %s: the commitment is cancelled (17 CFR 227.304(c)).", inv.ReconfirmBy))
			}
			next := *inv
			next.ReconfirmBy = nil
			next.UpdatedAt = model.NewTime(t)
			after = &next
			step := model.Step{Action: "reconfirm", From: inv.Status, To: inv.Status, Detail: fmt.Sprintf("reconfirmed before %s (17 CFR 227.304(c))", inv.ReconfirmBy)}
			return deps.DB.UpdateInvestment(ctx, p.Workspace, inv, &next, []model.Step{step}, p.Actor(), t)
		})
		if err != nil {
			return err
		}
		graphs, err := deps.DB.InvestorGraphs(ctx, p.Workspace, []int64{after.Investor})
		if err != nil {
			return err
		}
		return httpapi.JSON(w, http.StatusOK, after.View(graphs[after.Investor].InInvestment()))
	}
}
