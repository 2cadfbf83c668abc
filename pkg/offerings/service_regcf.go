package offerings

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/tranche-dev/tranche/pkg/apierr"
	"github.com/tranche-dev/tranche/pkg/auth"
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
// the result counts what was sent and what SES refused (a refused notice
// does not undo the change: send it again by other means).

// reconfirmable are the statuses of a commitment a material change asks
// to reconfirm: not yet cancelled, refused or made (escrow closed or
// invested).
var reconfirmable = []string{model.StatusStarted, model.StatusNotReceived, model.StatusReceived, model.StatusApproved, model.StatusAccepted}

// EarlyClose moves a Reg CF offering's deadline earlier to deadline
// (227.304(b)) and notifies the investors with commitments of the new
// deadline and of their right to cancel until 48 hours before it.
func (s *Service) EarlyClose(ctx context.Context, p *auth.Principal, id int64, deadline model.Date) (*model.EarlyCloseResult, error) {
	var out model.EarlyCloseResult
	var o *model.Offering
	err := s.change(ctx, p, id, func(read *model.Offering, version int64) error {
		o = read
		aggs, err := s.investingReads.OfferingAggregates(ctx, p.Workspace, []int64{o.ID})
		if err != nil {
			return err
		}
		t := now()
		errs, conflictMsg := model.EarlyCloseAllowed(o, deadline, aggs[o.ID].Committed.Amount, t)
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
		nd := deadline
		o.DeadlineDate = &nd
		until, _ := model.RegulationFor(o).CancelDeadline(o.DeadlineDate, loadLocation(o.DefaultTimezone))
		out = model.EarlyCloseResult{Offering: o.ID, DeadlineDate: nd, PreviousDeadlineDate: prev, CancelUntil: model.NewTime(until)}
		note := &store.OfferingNote{Action: "early_close", From: prev, To: nd.String(),
			Detail: fmt.Sprintf("deadline moved from %s to %s (17 CFR 227.304(b)); investors may cancel until %s", prev, nd, out.CancelUntil)}
		return s.offerings.UpdateOfferingNoted(ctx, p.Workspace, o, version, note, p.Actor(), t)
	})
	if err != nil {
		return nil, err
	}
	to, err := s.committedRecipients(ctx, p.Workspace, o.ID)
	if err != nil {
		return nil, err
	}
	subject := fmt.Sprintf("%s will close early, on %s", o.Name, out.DeadlineDate)
	text := fmt.Sprintf("The issuer of %s reached its target and moved the offering's deadline from %s to %s (17 CFR 227.304(b)).\n\n"+
		"You may cancel your investment commitment until %s, 48 hours before the new deadline (17 CFR 227.304(a)). "+
		"After that it can no longer be cancelled, and your investment will be made when the offering closes.\n",
		o.Name, out.PreviousDeadlineDate, out.DeadlineDate, out.CancelUntil)
	out.Notified, out.NotNotified = s.notify(ctx, to, subject, text)
	return &out, nil
}

// MaterialChange records a material change of a Reg CF offering
// (227.304(c)) — what changed is the issuer's judgement, described in desc —
// marks every open commitment as awaiting reconfirmation within five
// business days, and notifies the investors.
func (s *Service) MaterialChange(ctx context.Context, p *auth.Principal, id int64, desc string) (*model.MaterialChangeResult, error) {
	o, version, err := s.writable(ctx, p, id)
	if err != nil {
		return nil, err
	}
	if !model.RegulationFor(o).Escrow {
		return nil, apierr.ConflictError(fmt.Sprintf("Reconfirmation after a material change applies to Regulation Crowdfunding offerings (17 CFR 227.304(c)), not %s.", o.Type))
	}
	t := now()
	by := model.ReconfirmDeadline(o, t)
	note := &store.OfferingNote{Action: "material_change", From: o.Status, To: o.Status,
		Detail: fmt.Sprintf("%s — investors must reconfirm by %s (17 CFR 227.304(c))", desc, by)}
	if err := s.offerings.UpdateOfferingNoted(ctx, p.Workspace, o, version, note, p.Actor(), t); err != nil {
		return nil, err
	}
	marked := []int64{}
	for _, st := range reconfirmable {
		invs, err := s.investing.OfOfferingInStatus(ctx, p.Workspace, o.ID, st)
		if err != nil {
			return nil, err
		}
		for i := range invs {
			invID := invs[i].ID
			err := s.changeInvestment(ctx, p, invID, t, func(inv *model.Investment) (*model.Investment, []model.Step, error) {
				if inv.Status != st {
					return nil, nil, nil // it moved on in the meantime
				}
				next := *inv
				next.ReconfirmBy = &by
				step := model.Step{Action: "reconfirmation_required", From: inv.Status, To: inv.Status,
					Detail: fmt.Sprintf("material change: %s; reconfirm by %s or the commitment is cancelled (17 CFR 227.304(c))", desc, by)}
				return &next, []model.Step{step}, nil
			})
			if err != nil {
				return nil, err
			}
			marked = append(marked, invID)
		}
	}
	to, err := s.committedRecipients(ctx, p.Workspace, o.ID)
	if err != nil {
		return nil, err
	}
	subject := fmt.Sprintf("%s changed: reconfirm your investment by %s", o.Name, by)
	text := fmt.Sprintf("The issuer of %s made a material change to the offering:\n\n%s\n\n"+
		"Your investment commitment must be reconfirmed by %s, or it will be cancelled and your money returned (17 CFR 227.304(c)).\n",
		o.Name, desc, by)
	sent, failed := s.notify(ctx, to, subject, text)
	return &model.MaterialChangeResult{Offering: o.ID, ReconfirmBy: by, Investments: marked, Notified: sent, NotNotified: failed}, nil
}

// CancelUnconfirmed cancels the commitments whose reconfirmation period
// ended without a reconfirmation (227.304(c)). The 48-hour cancellation
// window of 227.304(a) is the investor's right, not a bar to this
// cancellation, so it is not applied. Their refunds then go through
// Refunds like any cancelled investment's.
func (s *Service) CancelUnconfirmed(ctx context.Context, p *auth.Principal, id int64) (*model.CancelUnconfirmedResult, error) {
	o, _, err := s.writable(ctx, p, id)
	if err != nil {
		return nil, err
	}
	t := now()
	cancelled := []int64{}
	for _, st := range reconfirmable {
		invs, err := s.investing.OfOfferingInStatus(ctx, p.Workspace, o.ID, st)
		if err != nil {
			return nil, err
		}
		for i := range invs {
			if invs[i].ReconfirmBy == nil || !t.After(invs[i].ReconfirmBy.Time) {
				continue
			}
			invID := invs[i].ID
			done := false
			err := s.changeInvestment(ctx, p, invID, t, func(inv *model.Investment) (*model.Investment, []model.Step, error) {
				done = false
				if inv.ReconfirmBy == nil || !t.After(inv.ReconfirmBy.Time) {
					return nil, nil, nil // reconfirmed in the meantime
				}
				next := *inv
				from, err := model.Apply(&next, model.ActionCancel, t)
				if err != nil {
					var te *model.TransitionError
					if errors.As(err, &te) {
						return nil, nil, nil // it moved on
					}
					return nil, nil, err
				}
				next.ReconfirmBy = nil
				step := model.Step{Action: "cancel", From: from, To: next.Status, Detail: fmt.Sprintf("not reconfirmed by %s (17 CFR 227.304(c))", inv.ReconfirmBy)}
				done = true
				return &next, []model.Step{step}, nil
			})
			if err != nil {
				return nil, err
			}
			if done {
				cancelled = append(cancelled, invID)
			}
		}
	}
	return &model.CancelUnconfirmedResult{Offering: o.ID, Cancelled: len(cancelled), Investments: cancelled}, nil
}

// pendingReconfirmations counts the offering's commitments still marked
// for reconfirmation: the escrow may not close over them.
func (s *Service) pendingReconfirmations(ctx context.Context, ws string, o int64) (int, error) {
	n := 0
	for _, st := range reconfirmable {
		invs, err := s.investing.OfOfferingInStatus(ctx, ws, o, st)
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

// committedRecipients are the distinct e-mail addresses of the users of
// the offering's investors with committed investments (every investment
// of the offering is read once: these are rare, issuer-initiated
// actions).
func (s *Service) committedRecipients(ctx context.Context, ws string, o int64) ([]string, error) {
	invs, err := s.investingReads.InvestmentsOfOffering(ctx, ws, o)
	if err != nil {
		return nil, err
	}
	var ids []int64
	for i := range invs {
		if model.IsCommitted(invs[i].Status) {
			ids = append(ids, invs[i].Investor)
		}
	}
	graphs, err := s.investors.InvestorGraphs(ctx, ws, ids)
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
func (s *Service) notify(ctx context.Context, to []string, subject, text string) (sent, failed int) {
	for _, addr := range to {
		if _, err := s.sender.Send(ctx, mail.Message{To: []string{addr}, Subject: subject, Text: text}); err != nil {
			s.log.ErrorContext(ctx, "offerings: notice not sent", "subject", subject, "err", err)
			failed++
			continue
		}
		sent++
	}
	return sent, failed
}

func loadLocation(name string) *time.Location {
	if loc, err := time.LoadLocation(name); err == nil && name != "" {
		return loc
	}
	return time.UTC
}
