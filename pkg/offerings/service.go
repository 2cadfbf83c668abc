package offerings

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/guregu/dynamo/v2"

	"github.com/tranche-dev/tranche/pkg/apierr"
	"github.com/tranche-dev/tranche/pkg/auth"
	"github.com/tranche-dev/tranche/pkg/investments"
	"github.com/tranche-dev/tranche/pkg/mail"
	"github.com/tranche-dev/tranche/pkg/model"
	"github.com/tranche-dev/tranche/pkg/store"
)

// Service is the offering lifecycle's write side: create, update, open,
// pause, close, escrow close, refunds, Reg CF's early close, material
// change and cancellation of unconfirmed commitments (service_regcf.go),
// and the offering's API keys. It owns the rules, the re-read-and-replan
// retries (store.Retry) and the domain errors; every error it returns is
// one httpapi.WriteError renders (field errors and conflicts as
// *apierr.Error, store.ErrStale/ErrBusy, *model.TransitionError,
// *model.PreconditionError, dynamo.ErrNotFound), so handlers only decode
// and render. It knows nothing of HTTP: tests call it directly.
//
// Its storage is the offering aggregate, the investing aggregate's reads
// (the totals decide what an offering may do; escrow close, refunds and
// the Reg CF notices read its investments), the investors it notifies and
// the offering's API keys. Every change of an investment goes through the
// investing service.
type Service struct {
	offerings      store.OfferingStore
	investingReads store.InvestingStore
	investors      store.InvestorStore
	apiKeys        store.APIKeyStore
	investing      *investments.Service // every change of an investment goes through it
	sender         *mail.Sender         // the Reg CF notices to investors
	log            *slog.Logger
}

// NewService returns the offering service over db's aggregates, sending
// notices with sender and logging the ones that fail to log.
func NewService(db *store.DB, sender *mail.Sender, log *slog.Logger) *Service {
	if db == nil {
		db = &store.DB{} // routes bound without a store (tests): nothing is usable, as with a nil *DB
	}
	if log == nil {
		log = slog.Default()
	}
	return &Service{
		offerings: db.OfferingStore, investingReads: db.InvestingStore, investors: db.InvestorStore,
		apiKeys:   db.APIKeyStore,
		investing: investments.NewService(db), sender: sender, log: log,
	}
}

// writable reads an offering the principal may write, with its version;
// one it may not see is a 404, like one that does not exist.
func (s *Service) writable(ctx context.Context, p *auth.Principal, id int64) (*model.Offering, int64, error) {
	o, v, err := s.offerings.OfferingForWrite(ctx, p.Workspace, id)
	if err != nil {
		return nil, 0, err
	}
	if !p.SeesOffering(o.ID, o.Issuer) {
		return nil, 0, apierr.NotFoundError()
	}
	return o, v, nil
}

// change is every conditioned write of one offering: read it (writable),
// let plan apply the rules and write with a condition on the version read,
// and re-read and plan again while that version moved in between.
func (s *Service) change(ctx context.Context, p *auth.Principal, id int64, plan func(o *model.Offering, version int64) error) error {
	return store.Retry(ctx, func() error {
		o, version, err := s.writable(ctx, p, id)
		if err != nil {
			return err
		}
		return plan(o, version)
	})
}

// Create stores a new offering o (status incomplete, its fields read and
// checked by the caller): the issuer must exist (a field error otherwise),
// a missing slug comes from the name, and the settings must agree with
// each other.
func (s *Service) Create(ctx context.Context, p *auth.Principal, o *model.Offering) error {
	if _, err := s.offerings.Issuer(ctx, p.Workspace, o.Issuer); errors.Is(err, dynamo.ErrNotFound) {
		return apierr.Field("issuer", fmt.Sprintf("Invalid pk \"%d\" - object does not exist.", o.Issuer))
	} else if err != nil {
		return err
	}
	if o.Slug == "" {
		o.Slug = slugify(o.Name)
	}
	if err := apierr.Fields(model.CheckOfferingSettings(o)); err != nil {
		return err
	}
	return s.offerings.CreateOffering(ctx, p.Workspace, o, p.Actor())
}

// Update applies a PATCH body (the decoded JSON object) to an offering:
// any writable field (amounts, unit price, fees, limits, contacts, colours,
// reminder and summary settings, auto approve/accept and their bounds,
// countries, deadline). The type may change only while the offering is
// incomplete; an open offering must keep every field its type needs to be
// open. The body is applied afresh to each re-read.
func (s *Service) Update(ctx context.Context, p *auth.Principal, id int64, raw map[string]json.RawMessage) (*model.Offering, error) {
	var out *model.Offering
	err := s.change(ctx, p, id, func(o *model.Offering, version int64) error {
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
			// An open offering keeps what it needs to be open: a PATCH
			// may not clear those fields.
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
		return s.offerings.UpdateOffering(ctx, p.Workspace, o, version, "", "", "", now())
	})
	return out, err
}

// Transition runs open, pause or close. Opening checks that the offering
// has every field its regulation type needs and that its deadline has not
// passed (field errors naming them); an action the status does not allow
// is a conflict.
func (s *Service) Transition(ctx context.Context, p *auth.Principal, id int64, action string) (*model.Offering, error) {
	var out *model.Offering
	err := s.change(ctx, p, id, func(o *model.Offering, version int64) error {
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
		return s.offerings.UpdateOffering(ctx, p.Workspace, o, version, action, from, p.Actor(), now())
	})
	return out, err
}

// EscrowCloseResult is the answer of POST /api/offerings/{id}/escrow-close/
// (fields in the order a map rendered them before).
type EscrowCloseResult struct {
	EscrowClosed int     `json:"escrow_closed"`
	Investments  []int64 `json:"investments"`
	Offering     int64   `json:"offering"`
}

// EscrowClose closes a Reg CF offering's escrow: once the target (minimum
// amount raised) is reached by received money and the 48-hour cancellation
// window before the deadline has passed (17 CFR 227.304), every accepted
// investment becomes accepted_escrow_closed.
func (s *Service) EscrowClose(ctx context.Context, p *auth.Principal, id int64) (*EscrowCloseResult, error) {
	o, _, err := s.writable(ctx, p, id)
	if err != nil {
		return nil, err
	}
	aggs, err := s.investingReads.OfferingAggregates(ctx, p.Workspace, []int64{o.ID})
	if err != nil {
		return nil, err
	}
	if msg := model.EscrowCloseAllowed(o, aggs[o.ID].Received.Amount, now()); msg != "" {
		return nil, apierr.ConflictError(msg)
	}
	// 227.304(c): no sale while commitments await reconfirmation after a
	// material change (reconfirmed, or cancelled once their period ended
	// by cancel-unconfirmed).
	if n, err := s.pendingReconfirmations(ctx, p.Workspace, o.ID); err != nil {
		return nil, err
	} else if n > 0 {
		return nil, apierr.ConflictError(fmt.Sprintf("The escrow cannot close while %d investment commitments await reconfirmation after a material change (17 CFR 227.304(c)): each is reconfirmed, or cancelled with POST /api/offerings/%d/cancel-unconfirmed/ once its period ends.", n, o.ID))
	}
	moved, err := s.moveAll(ctx, p, o, model.ActionEscrowClose, []string{model.StatusAccepted}, nil)
	if err != nil {
		return nil, err
	}
	return &EscrowCloseResult{Offering: o.ID, EscrowClosed: len(moved), Investments: moved}, nil
}

// RefundsResult is the answer of POST /api/offerings/{id}/refunds/ (fields
// in the order a map rendered them before).
type RefundsResult struct {
	FailedMinimum bool    `json:"failed_minimum"`
	Investments   []int64 `json:"investments"`
	Offering      int64   `json:"offering"`
	Refunded      int     `json:"refunded"`
}

// Refunds refunds the money of cancelled and not-approved investments,
// and, when the offering ended (closed, or past its deadline) without
// reaching its minimum amount raised, of every investment still holding
// money (received, approved, accepted).
func (s *Service) Refunds(ctx context.Context, p *auth.Principal, id int64) (*RefundsResult, error) {
	o, _, err := s.writable(ctx, p, id)
	if err != nil {
		return nil, err
	}
	statuses := []string{model.StatusCancelled, model.StatusNotApproved}
	failed := false
	if o.MinimumAmountRaised != nil && ended(o) {
		aggs, err := s.investingReads.OfferingAggregates(ctx, p.Workspace, []int64{o.ID})
		if err != nil {
			return nil, err
		}
		if aggs[o.ID].Received.Amount.LessThan(o.MinimumAmountRaised.Decimal) {
			failed = true
			statuses = append(statuses, model.StatusReceived, model.StatusApproved, model.StatusAccepted)
		}
	}
	received := func(inv *model.Investment) bool { return inv.ReceivedAt != nil }
	moved, err := s.moveAll(ctx, p, o, model.ActionRefund, statuses, received)
	if err != nil {
		return nil, err
	}
	return &RefundsResult{Offering: o.ID, Refunded: len(moved), FailedMinimum: failed, Investments: moved}, nil
}

// ended reports whether the offering stopped taking money: closed, or past
// its deadline.
func ended(o *model.Offering) bool {
	if o.Status == "closed" {
		return true
	}
	return o.DeadlineDate != nil && now().UTC().After(o.DeadlineDate.AddDate(0, 0, 1))
}

// moveAll runs action on each of the offering's investments in the given
// statuses that keep returns true for, each in its own transaction (with
// the running totals and its audit record). It returns the ids moved; one
// that moved on in the meantime (the action no longer applies) is skipped.
func (s *Service) moveAll(ctx context.Context, p *auth.Principal, o *model.Offering, a model.Action, statuses []string, keep func(*model.Investment) bool) ([]int64, error) {
	moved := []int64{}
	for _, st := range statuses {
		invs, err := s.investing.OfOfferingInStatus(ctx, p.Workspace, o.ID, st)
		if err != nil {
			return moved, err
		}
		for i := range invs {
			if keep != nil && !keep(&invs[i]) {
				continue
			}
			invID := invs[i].ID
			err := s.changeInvestment(ctx, p, invID, time.Time{}, func(inv *model.Investment) (*model.Investment, []model.Step, error) {
				return model.Run(o, nil, inv, a, now())
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

// changeInvestment changes one of the offering's investments through the
// investing service (investments.Service.Change: the re-read, the
// conditioned write with the running totals, the retries). at is the time
// of the write (zero: now, by this package's clock).
func (s *Service) changeInvestment(ctx context.Context, p *auth.Principal, id int64, at time.Time, plan func(inv *model.Investment) (*model.Investment, []model.Step, error)) error {
	if at.IsZero() {
		at = now()
	}
	_, err := s.investing.Change(ctx, p, id, at, func(inv *model.Investment, _ time.Time) (*model.Investment, []model.Step, error) {
		return plan(inv)
	})
	return err
}
