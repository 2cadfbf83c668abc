package offerings

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/tranche-dev/tranche/pkg/apierr"
	"github.com/tranche-dev/tranche/pkg/app"
	"github.com/tranche-dev/tranche/pkg/auth"
	"github.com/tranche-dev/tranche/pkg/httpapi"
	"github.com/tranche-dev/tranche/pkg/mail"
	"github.com/tranche-dev/tranche/pkg/model"
	"github.com/tranche-dev/tranche/pkg/store"
)

// The Reg CF actions of 17 CFR 227.304 (model/timerules.go has the rules):
//
//	POST /api/offerings/{id}/early-close/      {"deadline_date": "YYYY-MM-DD"}  227.304(b)
//	POST /api/offerings/{id}/material-change/  {"description": "…"}            227.304(c)
//	POST /api/offerings/{id}/cancel-unconfirmed/                                227.304(c)
//	POST /api/investments/{id}/reconfirm/      (package investments)           227.304(c)
//
// The notices go to the e-mail of the user of every investor with a
// commitment, one message per address, after the change is committed;
// the response counts what was sent and what SES refused (a refused
// notice does not undo the change: send it again by other means).

// committedRecipients are the distinct e-mail addresses of the users of
// the offering's investors with committed investments (every investment
// of the offering is read once: these are rare, issuer-initiated
// actions).
func committedRecipients(ctx context.Context, deps app.Deps, ws string, o int64) ([]string, error) {
	invs, err := deps.DB.InvestmentsOfOffering(ctx, ws, o)
	if err != nil {
		return nil, err
	}
	var ids []int64
	for i := range invs {
		if model.IsCommitted(invs[i].Status) {
			ids = append(ids, invs[i].Investor)
		}
	}
	graphs, err := deps.DB.InvestorGraphs(ctx, ws, ids)
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	var out []string
	for _, g := range graphs {
		if g.User == nil || !strings.Contains(g.User.Email, "@") {
			continue
		}
		if k := strings.ToLower(g.User.Email); !seen[k] {
			seen[k] = true
			out = append(out, g.User.Email)
		}
	}
	sort.Strings(out)
	return out, nil
}

// notify sends one message to each address and returns how many were
// sent and how many SES refused.
func notify(ctx context.Context, deps app.Deps, sender *mail.Sender, to []string, subject, text string) (sent, failed int) {
	for _, addr := range to {
		if _, err := sender.Send(ctx, mail.Message{To: []string{addr}, Subject: subject, Text: text}); err != nil {
			deps.Log.ErrorContext(ctx, "offerings: notice not sent", "subject", subject, "err", err)
			failed++
			continue
		}
		sent++
	}
	return sent, failed
}

// handleEarlyClose moves a Reg CF offering's deadline earlier (227.304(b))
// and notifies the investors with commitments of the new deadline and of
// their right to cancel until 48 hours before it.
func handleEarlyClose(deps app.Deps, sender *mail.Sender) httpapi.HandlerFunc {
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
		f := model.NewForm(raw, false)
		d, _ := f.Date("deadline_date", true, false)
		if err := apierr.Fields(f.Errors); err != nil {
			return err
		}
		ctx := r.Context()
		var out model.EarlyCloseResult
		var o *model.Offering
		err = store.Retry(ctx, func() error {
			var version int64
			var err error
			o, version, err = loadForWrite(r, deps, p, id)
			if err != nil {
				return err
			}
			aggs, err := deps.DB.OfferingAggregates(ctx, p.Workspace, []int64{o.ID})
			if err != nil {
				return err
			}
			t := now()
			errs, conflictMsg := model.EarlyCloseAllowed(o, *d, aggs[o.ID].Committed.Amount, t)
			if conflictMsg != "" {
				return apierr.ConflictError(conflictMsg)
			}
			if err := apierr.Fields(errs); err != nil {
				return err
			}
			prev := ""
			if o.DeadlineDate != nil {
				prev = o.DeadlineDate.String()
			}
			nd := *d
			o.DeadlineDate = &nd
			until, _ := model.RegulationFor(o).CancelDeadline(o.DeadlineDate, loadLocation(o.DefaultTimezone))
			out = model.EarlyCloseResult{Offering: o.ID, DeadlineDate: nd, PreviousDeadlineDate: prev, CancelUntil: model.NewTime(until)}
			note := &store.OfferingNote{Action: "early_close", From: prev, To: nd.String(),
				Detail: fmt.Sprintf("deadline moved from %s to %s (17 CFR 227.304(b)); investors may cancel until %s", prev, nd, out.CancelUntil)}
			return deps.DB.UpdateOfferingNoted(ctx, p.Workspace, o, version, note, p.Actor(), t)
		})
		if err != nil {
			return err
		}
		to, err := committedRecipients(ctx, deps, p.Workspace, o.ID)
		if err != nil {
			return err
		}
		subject := fmt.Sprintf("%s will close early, on %s", o.Name, out.DeadlineDate)
		text := fmt.Sprintf("The issuer of %s reached its target and moved the offering's deadline from %s to %s (17 CFR 227.304(b)).\n\n"+
			"You may cancel your investment commitment until %s, 48 hours before the new deadline (17 CFR 227.304(a)). "+
			"After that it can no longer be cancelled, and your investment will be made when the offering closes.\n",
			o.Name, out.PreviousDeadlineDate, out.DeadlineDate, out.CancelUntil)
		out.Notified, out.NotNotified = notify(ctx, deps, sender, to, subject, text)
		return httpapi.JSON(w, http.StatusOK, out)
	}
}

// reconfirmable are the statuses of a commitment a material change asks
// to reconfirm: not yet cancelled, refused or made (escrow closed or
// invested).
var reconfirmable = []string{model.StatusStarted, model.StatusNotReceived, model.StatusReceived, model.StatusApproved, model.StatusAccepted}

// handleMaterialChange records a material change of a Reg CF offering
// (227.304(c)) — what changed is the issuer's judgement, described in the
// body — marks every open commitment as awaiting reconfirmation within five
// business days, and notifies the investors.
func handleMaterialChange(deps app.Deps, sender *mail.Sender) httpapi.HandlerFunc {
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
		f := model.NewForm(raw, false)
		desc, _ := f.String("description", model.Str{Required: true, MaxLen: 2000})
		if err := apierr.Fields(f.Errors); err != nil {
			return err
		}
		ctx := r.Context()
		o, version, err := loadForWrite(r, deps, p, id)
		if err != nil {
			return err
		}
		if !model.RegulationFor(o).Escrow {
			return apierr.ConflictError(fmt.Sprintf("Reconfirmation after a material change applies to Regulation Crowdfunding offerings (17 CFR 227.304(c)), not %s.", o.Type))
		}
		t := now()
		by := model.ReconfirmDeadline(o, t)
		note := &store.OfferingNote{Action: "material_change", From: o.Status, To: o.Status,
			Detail: fmt.Sprintf("%s — investors must reconfirm by %s (17 CFR 227.304(c))", *desc, by)}
		if err := deps.DB.UpdateOfferingNoted(ctx, p.Workspace, o, version, note, p.Actor(), t); err != nil {
			return err
		}
		marked := []int64{}
		for _, st := range reconfirmable {
			invs, err := deps.DB.InvestmentsOfOfferingInStatus(ctx, p.Workspace, o.ID, st)
			if err != nil {
				return err
			}
			for i := range invs {
				invID := invs[i].ID
				err := store.Retry(ctx, func() error {
					inv, err := deps.DB.InvestmentForWrite(ctx, p.Workspace, invID)
					if err != nil {
						return err
					}
					if inv.Status != st {
						return nil // it moved on in the meantime
					}
					next := *inv
					next.ReconfirmBy = &by
					step := model.Step{Action: "reconfirmation_required", From: inv.Status, To: inv.Status,
						Detail: fmt.Sprintf("material change: %s; reconfirm by %s or the commitment is cancelled (17 CFR 227.304(c))", *desc, by)}
					return deps.DB.UpdateInvestment(ctx, p.Workspace, inv, &next, []model.Step{step}, p.Actor(), t)
				})
				if err != nil {
					return err
				}
				marked = append(marked, invID)
			}
		}
		to, err := committedRecipients(ctx, deps, p.Workspace, o.ID)
		if err != nil {
			return err
		}
		subject := fmt.Sprintf("%s changed: reconfirm your investment by %s", o.Name, by)
		text := fmt.Sprintf("The issuer of %s made a material change to the offering:\n\n%s\n\n"+
			"Your investment commitment must be reconfirmed by %s, or it will be cancelled and your money returned (17 CFR 227.304(c)).\n",
			o.Name, *desc, by)
		sent, failed := notify(ctx, deps, sender, to, subject, text)
		return httpapi.JSON(w, http.StatusOK, model.MaterialChangeResult{Offering: o.ID, ReconfirmBy: by, Investments: marked, Notified: sent, NotNotified: failed})
	}
}

// handleCancelUnconfirmed cancels the commitments whose reconfirmation
// period ended without a reconfirmation (227.304(c)). The 48-hour
// cancellation window of 227.304(a) is the investor's right, not a bar to
// this cancellation, so it is not applied. Their refunds then go through
// POST /api/offerings/{id}/refunds/ like any cancelled investment's.
func handleCancelUnconfirmed(deps app.Deps) httpapi.HandlerFunc {
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
		o, _, err := loadForWrite(r, deps, p, id)
		if err != nil {
			return err
		}
		t := now()
		cancelled := []int64{}
		for _, st := range reconfirmable {
			invs, err := deps.DB.InvestmentsOfOfferingInStatus(ctx, p.Workspace, o.ID, st)
			if err != nil {
				return err
			}
			for i := range invs {
				if invs[i].ReconfirmBy == nil || !t.After(invs[i].ReconfirmBy.Time) {
					continue
				}
				invID := invs[i].ID
				done := false
				err := store.Retry(ctx, func() error {
					inv, err := deps.DB.InvestmentForWrite(ctx, p.Workspace, invID)
					if err != nil {
						return err
					}
					if inv.ReconfirmBy == nil || !t.After(inv.ReconfirmBy.Time) {
						return nil // reconfirmed in the meantime
					}
					next := *inv
					from, err := model.Apply(&next, model.ActionCancel, t)
					if err != nil {
						var te *model.TransitionError
						if errors.As(err, &te) {
							return nil // it moved on
						}
						return err
					}
					next.ReconfirmBy = nil
					step := model.Step{Action: "cancel", From: from, To: next.Status, Detail: fmt.Sprintf("not reconfirmed by %s (17 CFR 227.304(c))", inv.ReconfirmBy)}
					done = true
					return deps.DB.UpdateInvestment(ctx, p.Workspace, inv, &next, []model.Step{step}, p.Actor(), t)
				})
				if err != nil {
					return err
				}
				if done {
					cancelled = append(cancelled, invID)
				}
			}
		}
		return httpapi.JSON(w, http.StatusOK, model.CancelUnconfirmedResult{Offering: o.ID, Cancelled: len(cancelled), Investments: cancelled})
	}
}

// pendingReconfirmations counts the offering's commitments still marked
// for reconfirmation: the escrow may not close over them.
func pendingReconfirmations(ctx context.Context, deps app.Deps, ws string, o int64) (int, error) {
	n := 0
	for _, st := range reconfirmable {
		invs, err := deps.DB.InvestmentsOfOfferingInStatus(ctx, ws, o, st)
		if err != nil {
			return 0, err
		}
		for i := range invs {
			if invs[i].ReconfirmBy != nil {
				n++
			}
		}
	}
	return n, nil
}

func loadLocation(name string) *time.Location {
	if loc, err := time.LoadLocation(name); err == nil && name != "" {
		return loc
	}
	return time.UTC
}
