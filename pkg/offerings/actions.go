package offerings

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/tranche-dev/tranche/pkg/apierr"
	"github.com/tranche-dev/tranche/pkg/app"
	"github.com/tranche-dev/tranche/pkg/auth"
	"github.com/tranche-dev/tranche/pkg/httpapi"
	"github.com/tranche-dev/tranche/pkg/model"
	"github.com/tranche-dev/tranche/pkg/store"
)

// handleStatus runs open, pause or close. Opening checks that the offering
// has every field its regulation type needs and that its deadline has not
// passed (400 naming them); an action the status does not allow is a 409.
func handleStatus(deps app.Deps, action string) httpapi.HandlerFunc {
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
		var out *model.Offering
		err = store.Retry(ctx, func() error {
			o, version, err := loadForWrite(r, deps, p, id)
			if err != nil {
				return err
			}
			to, err := model.NextOfferingStatus(o.Status, action)
			if err != nil {
				return apierr.ConflictError(err.Error())
			}
			if action == "open" {
				errs := model.OfferingFieldsToOpen(o)
				if !errs.Has("deadline_date") {
					for f, m := range model.DeadlineToOpen(o, now()) {
						errs[f] = append(errs[f], m...)
					}
				}
				if err := apierr.Fields(errs); err != nil {
					return err
				}
				if o.OpenedAt == nil {
					t := model.NewTime(now())
					o.OpenedAt = &t
				}
			}
			from := o.Status
			o.Status = to
			out = o
			return deps.DB.UpdateOffering(ctx, p.Workspace, o, version, action, from, p.Actor(), now())
		})
		if err != nil {
			return err
		}
		return httpapi.JSON(w, http.StatusOK, out)
	}
}

// moveAll runs action on each of the offering's investments in the given
// statuses that keep returns true for, each in its own transaction (with
// the running totals and its audit record). It returns the ids moved.
func moveAll(r *http.Request, deps app.Deps, p *auth.Principal, o *model.Offering, a model.Action, statuses []string, keep func(*model.Investment) bool) ([]int64, error) {
	ctx := r.Context()
	moved := []int64{}
	for _, st := range statuses {
		invs, err := deps.DB.InvestmentsOfOfferingInStatus(ctx, p.Workspace, o.ID, st)
		if err != nil {
			return moved, err
		}
		for i := range invs {
			if keep != nil && !keep(&invs[i]) {
				continue
			}
			invID := invs[i].ID
			err := store.Retry(ctx, func() error {
				inv, err := deps.DB.InvestmentForWrite(ctx, p.Workspace, invID)
				if err != nil {
					return err
				}
				next, steps, err := model.Run(o, nil, inv, a, now())
				if err != nil {
					return err
				}
				return deps.DB.UpdateInvestment(ctx, p.Workspace, inv, next, steps, p.Actor(), now())
			})
			var te *model.TransitionError
			var pe *model.PreconditionError
			if errors.As(err, &te) || errors.As(err, &pe) {
				continue // it moved on in the meantime
			}
			if err != nil {
				return moved, err
			}
			moved = append(moved, invID)
		}
	}
	return moved, nil
}

// handleEscrowClose closes a Reg CF offering's escrow: once the target
// (minimum amount raised) is reached by received money and the 48-hour
// cancellation window before the deadline has passed (17 CFR 227.304),
// every accepted investment becomes accepted_escrow_closed.
func handleEscrowClose(deps app.Deps) httpapi.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		p, err := auth.Writer(r)
		if err != nil {
			return err
		}
		id, err := httpapi.PathID(r, "id")
		if err != nil {
			return err
		}
		o, _, err := loadForWrite(r, deps, p, id)
		if err != nil {
			return err
		}
		aggs, err := deps.DB.OfferingAggregates(r.Context(), p.Workspace, []int64{o.ID})
		if err != nil {
			return err
		}
		if msg := model.EscrowCloseAllowed(o, aggs[o.ID].Received.Amount, now()); msg != "" {
			return apierr.ConflictError(msg)
		}
		// 227.304(c): no sale while commitments await reconfirmation after
		// a material change (reconfirmed, or cancelled once their period
		// ended by cancel-unconfirmed).
		if n, err := pendingReconfirmations(r.Context(), deps, p.Workspace, o.ID); err != nil {
			return err
		} else if n > 0 {
			return apierr.ConflictError(fmt.Sprintf("The escrow cannot close while %d investment commitments await reconfirmation after a material change (17 CFR 227.304(c)): each is reconfirmed, or cancelled with POST /api/offerings/%d/cancel-unconfirmed/ once its period ends.", n, o.ID))
		}
		moved, err := moveAll(r, deps, p, o, model.ActionEscrowClose, []string{model.StatusAccepted}, nil)
		if err != nil {
			return err
		}
		return httpapi.JSON(w, http.StatusOK, EscrowCloseResult{Offering: o.ID, EscrowClosed: len(moved), Investments: moved})
	}
}

// handleRefunds refunds the money of cancelled and not-approved
// investments, and, when the offering ended (closed, or past its deadline)
// without reaching its minimum amount raised, of every investment still
// holding money (received, approved, accepted).
func handleRefunds(deps app.Deps) httpapi.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		p, err := auth.Writer(r)
		if err != nil {
			return err
		}
		id, err := httpapi.PathID(r, "id")
		if err != nil {
			return err
		}
		o, _, err := loadForWrite(r, deps, p, id)
		if err != nil {
			return err
		}
		statuses := []string{model.StatusCancelled, model.StatusNotApproved}
		failed := false
		if o.MinimumAmountRaised != nil && ended(o) {
			aggs, err := deps.DB.OfferingAggregates(r.Context(), p.Workspace, []int64{o.ID})
			if err != nil {
				return err
			}
			if aggs[o.ID].Received.Amount.LessThan(o.MinimumAmountRaised.Decimal) {
				failed = true
				statuses = append(statuses, model.StatusReceived, model.StatusApproved, model.StatusAccepted)
			}
		}
		received := func(inv *model.Investment) bool { return inv.ReceivedAt != nil }
		moved, err := moveAll(r, deps, p, o, model.ActionRefund, statuses, received)
		if err != nil {
			return err
		}
		return httpapi.JSON(w, http.StatusOK, RefundsResult{Offering: o.ID, Refunded: len(moved), FailedMinimum: failed, Investments: moved})
	}
}

// ended reports whether the offering stopped taking money: closed, or past
// its deadline.
func ended(o *model.Offering) bool {
	if o.Status == "closed" {
		return true
	}
	return o.DeadlineDate != nil && now().UTC().After(o.DeadlineDate.AddDate(0, 0, 1))
}
