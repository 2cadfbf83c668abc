package investors

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/guregu/dynamo/v2"

	"github.com/tranche-dev/tranche/pkg/apierr"
	"github.com/tranche-dev/tranche/pkg/auth"
	"github.com/tranche-dev/tranche/pkg/model"
	"github.com/tranche-dev/tranche/pkg/store"
)

// Service is the investor aggregate's write side: creating an investor
// with its entities, PATCHing them, and recording an accreditation
// verification. It owns the rules, the re-read-and-replan retries
// (store.Retry) and the domain errors; every error it returns is one
// httpapi.WriteError renders, so handlers only decode and render. It knows
// nothing of HTTP: tests call it directly.
//
// Its storage is the investor aggregate, and the users it checks an
// investor's user against.
type Service struct {
	investors store.InvestorStore
	users     store.UserStore
}

// NewService returns the investor service over db's aggregates.
func NewService(db *store.DB) *Service {
	if db == nil {
		db = &store.DB{} // routes bound without a store (tests): nothing is usable, as with a nil *DB
	}
	return &Service{investors: db.InvestorStore, users: db.UserStore}
}

// CreateInput is a new investor: its user and type, its flags (receive_*,
// utm_parameters) on Investor, its entity and, for a company, trust or IRA
// trust, the user's personal entity (nil when not given). Entity is
// required; a nil Investor is one with the defaults (receive_emails).
type CreateInput struct {
	User       int64
	Type       string
	Investor   *model.Investor
	Entity     *model.Entity
	Individual *model.Entity
}

// Create creates an investor of a user. A person invests as the user's own
// entity (entity and individual_entity are the same); a company, trust or
// IRA trust invests through its entity, with the user's personal entity as
// individual_entity when given. An unknown user is a field error. It
// returns the investor's graph, which its view needs.
func (s *Service) Create(ctx context.Context, p *auth.Principal, in CreateInput) (model.InvestorGraph, error) {
	noUser := apierr.Field("user", fmt.Sprintf("Invalid pk \"%d\" - object does not exist.", in.User))
	if _, err := s.users.User(ctx, p.Workspace, in.User); errors.Is(err, dynamo.ErrNotFound) {
		return model.InvestorGraph{}, noUser
	} else if err != nil {
		return model.InvestorGraph{}, err
	}
	inv, ent, ind := in.Investor, in.Entity, in.Individual
	if inv == nil {
		inv = &model.Investor{ReceiveEmails: true}
	}
	inv.User, inv.Type = in.User, in.Type
	entities := []store.EntityVersion{{Entity: ent, New: true}}
	if ind != nil {
		entities = append(entities, store.EntityVersion{Entity: ind, New: true})
	}
	var err error
	for _, ev := range entities {
		if ev.Entity.ID, err = s.investors.NextID(ctx, p.Workspace, store.KindEntity); err != nil {
			return model.InvestorGraph{}, err
		}
	}
	inv.Entity = &ent.ID
	switch {
	case in.Type == "person":
		inv.IndividualEntity = &ent.ID
	case ind != nil:
		inv.IndividualEntity = &ind.ID
	}
	if inv.ID, err = s.investors.NextID(ctx, p.Workspace, store.KindInvestor); err != nil {
		return model.InvestorGraph{}, err
	}
	err = s.investors.SaveInvestor(ctx, p.Workspace, inv, 0, true, entities)
	if errors.Is(err, dynamo.ErrNotFound) {
		return model.InvestorGraph{}, noUser // deleted in the meantime
	}
	if err != nil {
		return model.InvestorGraph{}, err
	}
	return s.graph(ctx, p.Workspace, inv.ID)
}

// Update applies a PATCH body (the decoded JSON object) to an investor and
// its entities (KYC status, accreditation, finances, address), each
// conditioned on its version and applied afresh to each re-read. The user
// and type are fixed once created. An investor the principal does not see
// is a 404.
func (s *Service) Update(ctx context.Context, p *auth.Principal, id int64, raw map[string]json.RawMessage) (model.InvestorGraph, error) {
	err := store.Retry(ctx, func() error {
		inv, ent, ind, err := s.investors.InvestorForWrite(ctx, p.Workspace, id)
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
		return s.investors.SaveInvestor(ctx, p.Workspace, inv, inv.Version, false, entities)
	})
	if err != nil {
		return model.InvestorGraph{}, err
	}
	return s.graph(ctx, p.Workspace, id)
}

// Visible reports whether the principal sees the investor (see the
// package function Visible); handlers check it before decoding a body, as
// they always have.
func (s *Service) Visible(ctx context.Context, p *auth.Principal, id int64) (bool, error) {
	return Visible(ctx, s.investors, p, id)
}

// Verify records (replaces) the investor's accreditation verification v,
// recorded at t by the principal, with an audit record naming it. Only a
// workspace write key or an OWNER/ADMIN session may (mayVerify: 403).
func (s *Service) Verify(ctx context.Context, p *auth.Principal, id int64, v *model.AccreditationVerification, t time.Time) (model.AccreditationView, error) {
	if !mayVerify(p) {
		return model.AccreditationView{}, apierr.Forbid()
	}
	v.RecordedBy, v.RecordedAt = p.Actor(), model.NewTime(t)
	var out model.AccreditationView
	err := store.Retry(ctx, func() error {
		inv, ent, ind, err := s.investors.InvestorForWrite(ctx, p.Workspace, id)
		if errors.Is(err, dynamo.ErrNotFound) {
			return apierr.NotFoundError()
		}
		if err != nil {
			return err
		}
		from := "unverified"
		if inv.AccreditationVerification != nil {
			from = inv.AccreditationVerification.Method
		}
		inv.AccreditationVerification = v
		if err := s.investors.SaveAccreditationVerification(ctx, p.Workspace, inv, inv.Version, from, p.Actor(), t); err != nil {
			return err
		}
		out = accreditationOf(inv, ent, ind, t)
		return nil
	})
	return out, err
}

func (s *Service) graph(ctx context.Context, ws string, id int64) (model.InvestorGraph, error) {
	graphs, err := s.investors.InvestorGraphs(ctx, ws, []int64{id})
	if err != nil {
		return model.InvestorGraph{}, err
	}
	return graphs[id], nil
}
