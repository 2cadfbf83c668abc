package investments

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/guregu/dynamo/v2"

	"github.com/tranche-dev/tranche/pkg/apierr"
	"github.com/tranche-dev/tranche/pkg/auth"
	"github.com/tranche-dev/tranche/pkg/model"
	"github.com/tranche-dev/tranche/pkg/store"
)

// Service is the investing aggregate's write side: starting an investment
// (the offering's settings and the regulation's rules, then one
// transaction with the running totals and ledgers), its lifecycle actions,
// reconfirmation and PATCH. It owns the rules, the re-read-and-replan
// retries (store.Retry) and the domain errors; every error it returns is
// one httpapi.WriteError renders (field errors and conflicts as
// *apierr.Error, store.ErrStale/ErrBusy, *model.TransitionError,
// *model.PreconditionError, dynamo.ErrNotFound), so handlers only decode
// and render. It knows nothing of HTTP: tests call it directly.
//
// Its storage is the investing aggregate, which it writes, and the
// offerings and investors it reads for the rules.
type Service struct {
	investing store.InvestingStore
	offerings store.OfferingStore
	investors store.InvestorStore
}

// NewService returns the investing service over db's aggregates.
func NewService(db *store.DB) *Service {
	if db == nil {
		db = &store.DB{} // routes bound without a store (tests): nothing is usable, as with a nil *DB
	}
	return &Service{investing: db.InvestingStore, offerings: db.OfferingStore, investors: db.InvestorStore}
}

// Create starts an investment: status started, priced from the offering,
// every offering and regulation rule applied, written with the running
// totals in one transaction (re-planned if anything it read moved). It
// returns the investment and its investor's graph, which its view needs.
func (s *Service) Create(ctx context.Context, p *auth.Principal, c CreateInput) (*model.Investment, model.InvestorGraph, error) {
	var inv *model.Investment
	var graph model.InvestorGraph
	err := store.Retry(ctx, func() error {
		o, version, err := s.offerings.OfferingForWrite(ctx, p.Workspace, c.Offering)
		if errors.Is(err, dynamo.ErrNotFound) || (err == nil && !p.SeesOffering(o.ID, o.Issuer)) {
			return invalidPK("offering", c.Offering)
		}
		if err != nil {
			return err
		}
		graphs, err := s.investors.InvestorGraphs(ctx, p.Workspace, []int64{c.Investor})
		if err != nil {
			return err
		}
		g, ok := graphs[c.Investor]
		if !ok {
			return invalidPK("investor", c.Investor)
		}
		graph = g
		var plan *store.InvestmentCreate
		inv, plan, err = s.newInvestment(ctx, p, o, g, &c)
		if err != nil {
			return err
		}
		plan.OfferingVersion = version
		err = s.investing.CreateInvestment(ctx, p.Workspace, inv, *plan)
		var lim *store.LimitError
		if errors.As(err, &lim) {
			return s.limitError(ctx, p.Workspace, o, inv, lim)
		}
		return err
	})
	if err != nil {
		return nil, model.InvestorGraph{}, err
	}
	return inv, graph, nil
}

// forWrite reads an investment for a conditioned update; one the principal
// may not see is a 404, like one that does not exist.
func (s *Service) forWrite(ctx context.Context, p *auth.Principal, id int64) (*model.Investment, error) {
	inv, err := s.investing.InvestmentForWrite(ctx, p.Workspace, id)
	if err != nil {
		return nil, err
	}
	if !p.SeesOffering(inv.Offering, inv.Issuer) {
		return nil, apierr.NotFoundError()
	}
	return inv, nil
}

// change re-reads the investment, lets plan compute its next state and
// steps, and writes it conditioned on what was read (at t, the time of the
// attempt), until nothing moved in between. It returns the investment as
// written and its investor's graph.
func (s *Service) change(ctx context.Context, p *auth.Principal, id int64, plan func(inv *model.Investment, t time.Time) (*model.Investment, []model.Step, error)) (*model.Investment, model.InvestorGraph, error) {
	after, err := s.Change(ctx, p, id, time.Time{}, plan)
	if err != nil {
		return nil, model.InvestorGraph{}, err
	}
	graphs, err := s.investors.InvestorGraphs(ctx, p.Workspace, []int64{after.Investor})
	if err != nil {
		return nil, model.InvestorGraph{}, err
	}
	return after, graphs[after.Investor], nil
}

// Change is the one conditioned write of an existing investment: re-read
// it, let plan compute its next state and steps (a nil next state: nothing
// to write, the investment is returned as read), write it with the running
// totals and its audit records in one transaction conditioned on what was
// read, and re-read and plan again while it moved in between. at is the
// time of the write; zero means the time of each attempt. The offering
// lifecycle's sweeps (refunds, escrow close, Reg CF's material change and
// cancellations) change investments through it, so every change of an
// investment goes through this service's retries and visibility rule.
func (s *Service) Change(ctx context.Context, p *auth.Principal, id int64, at time.Time, plan func(inv *model.Investment, t time.Time) (*model.Investment, []model.Step, error)) (*model.Investment, error) {
	var after *model.Investment
	err := store.Retry(ctx, func() error {
		inv, err := s.forWrite(ctx, p, id)
		if err != nil {
			return err
		}
		t := at
		if t.IsZero() {
			t = now()
		}
		next, steps, err := plan(inv, t)
		if err != nil {
			return err
		}
		if next == nil {
			after = inv
			return nil
		}
		after = next
		return s.investing.UpdateInvestment(ctx, p.Workspace, inv, next, steps, p.Actor(), t)
	})
	if err != nil {
		return nil, err
	}
	return after, nil
}

// OfOfferingInStatus lists the offering's investments in one status (GSI3,
// the status partition within the offering): the candidates of an
// offering-wide sweep, each then changed through Change.
func (s *Service) OfOfferingInStatus(ctx context.Context, ws string, offering int64, status string) ([]model.Investment, error) {
	return s.investing.InvestmentsOfOfferingInStatus(ctx, ws, offering, status)
}

// Act runs one lifecycle action on an investment: the state machine's
// precondition, the action's own rules (the KYC/AML gate of approve, Reg
// CF's cancellation window and escrow), then the offering's auto approve /
// auto accept, all written with the running totals and one audit record per
// step in one transaction. An action the status does not allow is a
// *model.TransitionError.
func (s *Service) Act(ctx context.Context, p *auth.Principal, id int64, a model.Action) (*model.Investment, model.InvestorGraph, error) {
	return s.change(ctx, p, id, func(inv *model.Investment, t time.Time) (*model.Investment, []model.Step, error) {
		o, _, err := s.offerings.OfferingForWrite(ctx, p.Workspace, inv.Offering)
		if err != nil {
			return nil, nil, err
		}
		graphs, err := s.investors.InvestorGraphs(ctx, p.Workspace, []int64{inv.Investor})
		if err != nil {
			return nil, nil, err
		}
		return model.Run(o, entityOf(graphs[inv.Investor]), inv, a, t)
	})
}

// Reconfirm records the investor's reconfirmation of a commitment marked
// after a material change of a Reg CF offering (17 CFR 227.304(c)), within
// its period; after it, the commitment is due for cancellation (the
// offering's cancel-unconfirmed) and cannot be reconfirmed (409).
func (s *Service) Reconfirm(ctx context.Context, p *auth.Principal, id int64) (*model.Investment, model.InvestorGraph, error) {
	return s.change(ctx, p, id, func(inv *model.Investment, t time.Time) (*model.Investment, []model.Step, error) {
		switch {
		case inv.ReconfirmBy == nil:
			return nil, nil, apierr.ConflictError("This investment has nothing to reconfirm: no material change of its offering awaits its reconfirmation.")
		case t.After(inv.ReconfirmBy.Time):
			return nil, nil, apierr.ConflictError(fmt.Sprintf("The reconfirmation period ended at %s: the commitment is cancelled (17 CFR 227.304(c)).", inv.ReconfirmBy))
		}
		next := *inv
		next.ReconfirmBy = nil
		next.UpdatedAt = model.NewTime(t)
		step := model.Step{Action: "reconfirm", From: inv.Status, To: inv.Status, Detail: fmt.Sprintf("reconfirmed before %s (17 CFR 227.304(c))", inv.ReconfirmBy)}
		return &next, []model.Step{step}, nil
	})
}

// UpdateInput is a PATCH of an investment: payment and signing details
// (while it is editable) and AML screening results (at any time).
type UpdateInput struct {
	details      details
	watchlist    []watchlistForm
	watchlistSet bool
}

// Update changes an investment's payment and signing details while it is
// editable (409 otherwise), and its AML screening results at any time
// (resolving a hit unblocks approval).
func (s *Service) Update(ctx context.Context, p *auth.Principal, id int64, in UpdateInput) (*model.Investment, model.InvestorGraph, error) {
	return s.change(ctx, p, id, func(inv *model.Investment, t time.Time) (*model.Investment, []model.Step, error) {
		if len(in.details.set) > 0 && !editable(inv.Status) {
			return nil, nil, apierr.ConflictError(fmt.Sprintf("Cannot change the payment or signing details of an investment whose status is %s.", inv.Status))
		}
		next := *inv
		next.WatchlistEntitySet = append([]model.Watchlist(nil), inv.WatchlistEntitySet...)
		in.details.apply(&next)
		if in.watchlistSet {
			if err := s.applyWatchlist(ctx, p.Workspace, &next, in.watchlist); err != nil {
				return nil, nil, err
			}
		}
		next.UpdatedAt = model.NewTime(t)
		return &next, nil, nil
	})
}

// entityOf is the entity the rules read: the investor's entity, or its
// user's personal entity when it has none.
func entityOf(g model.InvestorGraph) *model.Entity {
	if g.Entity != nil {
		return g.Entity
	}
	return g.IndividualEntity
}

func orZero(m *model.Money) model.Money {
	if m == nil {
		return zero
	}
	return *m
}

// newInvestment applies the offering's settings and the regulation's rules
// (checkSale) and builds the investment (sale.investment) and its write
// plan: the running totals' caps, the ledgers to add the sale to and the
// record of the decision.
func (s *Service) newInvestment(ctx context.Context, p *auth.Principal, o *model.Offering, g model.InvestorGraph, c *CreateInput) (*model.Investment, *store.InvestmentCreate, error) {
	t := now()
	sl, err := s.checkSale(ctx, p.Workspace, o, g, c, t)
	if err != nil {
		return nil, nil, err
	}
	inv := sl.investment(o, g, c, t)
	plan := &store.InvestmentCreate{
		Maximum: o.MaximumAmountRaised, NonAccredited: !sl.facts.Accredited,
		MaxNonAcc: sl.reg.MaxNonAccredited, Actor: p.Actor(), Held: &sl.holding,
		Decision: decision(decisionFacts{o: o, reg: sl.reg, g: g, e: sl.e, facts: sl.facts, price: sl.pricing.Price, total: sl.pricing.Amount,
			held: sl.held, ceilingPrior: sl.ceilingPrior, nonAcc: sl.nonAccSoFar, nonAccounted: sl.counted, t: t}),
	}
	for _, k := range []string{sl.ceilingKey, sl.personKey} {
		if k != "" {
			plan.Ledgers = append(plan.Ledgers, sl.ledgers[k])
		}
	}
	return inv, plan, nil
}

// sale is what the rules read and decided about one sale: its pricing,
// the entity and facts they judged, what the investor already holds, the
// 12-month ledgers and the 506(b) count, for the investment, its write
// plan and the decision record.
type sale struct {
	pricing               model.Pricing
	e                     *model.Entity
	reg                   model.Regulation
	facts                 model.InvestorFacts
	held                  model.Money
	holding               store.Holding // what held and counted were read from; conditions the write
	ledgers               map[string]*store.Ledger
	ceilingKey, personKey string
	ceilingPrior          *model.Money
	nonAccSoFar           int
	counted               bool
}

// checkSale applies the offering's settings (open, pricing, amounts,
// per-investor maximum, who may invest) and the regulation's rules (the
// investor's limits, 506(b)'s non-accredited purchasers, the issuer's
// 12-month ceiling) at t; each refusal is a field error.
func (s *Service) checkSale(ctx context.Context, ws string, o *model.Offering, g model.InvestorGraph, c *CreateInput, t time.Time) (*sale, error) {
	if err := model.OfferingOpen(o, t); err != nil {
		var re *model.RegulationError
		errors.As(err, &re)
		return nil, apierr.Field(re.Field, re.Message)
	}
	pricing, errs := model.Price(o, c.Quantity, c.Amount, c.ProcessingFees)
	if len(errs) > 0 {
		return nil, apierr.Fields(errs)
	}
	if errs := model.CheckAmount(o, pricing.Price); len(errs) > 0 {
		return nil, apierr.Fields(errs)
	}
	// What the investor record already holds in the offering: the
	// per-investor max_investment_amount and Reg A Tier 2's limit count it
	// (the holding item's committed_price, written under a version
	// condition with every sale, so racing sales are re-checked).
	holding, err := s.investing.Holding(ctx, ws, o.ID, g.Investor.ID)
	if err != nil {
		return nil, err
	}
	held := holding.CommittedPrice
	if errs := model.CheckInvestorMax(o, pricing.Price, held); len(errs) > 0 {
		return nil, apierr.Fields(errs)
	}
	e := entityOf(g)
	if errs := model.CheckInvestorAllowed(o, e); len(errs) > 0 {
		return nil, apierr.Fields(errs)
	}
	reg := model.RegulationFor(o)
	facts := investorFacts(o, g, e, t)
	// The rolling-12-month units: the issuer's sales under the regulation
	// (its ceiling) and, for Reg CF, the person's purchases across all its
	// investor records, each one maintained ledger (store/ledger.go).
	ceilingKey, personKey := model.CeilingLedger(o), model.PersonLedger(o, g.Investor)
	ledgers, err := s.investing.Ledgers(ctx, ws, ceilingKey, personKey)
	if err != nil {
		return nil, err
	}
	first := model.WindowStart(t)
	// The limits count securities sold (prices), not investor-paid fees.
	switch reg.Limit {
	case model.RegCFLimit:
		facts.RegCFThisPlatform = ledgers[personKey].Since(first)
	case model.RegATier2Limit:
		facts.InOffering = held
	}
	nonAcc, nonAccSoFar, counted := 0, 0, false
	if reg.MaxNonAccredited > 0 && !facts.Accredited {
		aggs, err := s.investing.OfferingAggregates(ctx, ws, []int64{o.ID})
		if err != nil {
			return nil, err
		}
		nonAcc = int(aggs[o.ID].NonAccredited)
		nonAccSoFar = nonAcc
		// An investor already counted as non-accredited does not count
		// twice; one who bought only as accredited so far becomes a
		// non-accredited purchaser with this sale (status at each sale).
		// Read with the held price, in the same holding version that
		// conditions the write.
		counted = holding.CountedNonAccredited
		if counted {
			nonAcc = 0
		}
	}
	if re := reg.CheckInvestor(pricing.Price, facts, nonAcc); re != nil {
		return nil, apierr.Field(re.Field, re.Message)
	}
	var ceilingPrior *model.Money
	if ceilingKey != "" {
		sold := ledgers[ceilingKey].Since(first)
		if re := reg.CheckCeiling(pricing.Price, sold); re != nil {
			return nil, apierr.Field(re.Field, re.Message)
		}
		ceilingPrior = &sold
	}
	return &sale{pricing: pricing, e: e, reg: reg, facts: facts, held: held, holding: holding, ledgers: ledgers, ceilingKey: ceilingKey, personKey: personKey,
		ceilingPrior: ceilingPrior, nonAccSoFar: nonAccSoFar, counted: counted}, nil
}

// investorFacts are the facts about the investor the regulation's rules
// read, at t.
func investorFacts(o *model.Offering, g model.InvestorGraph, e *model.Entity, t time.Time) model.InvestorFacts {
	facts := model.InvestorFacts{InvestorID: g.Investor.ID, At: t, Accredited: model.Accredited(e), Verification: g.Investor.AccreditationVerification,
		VerificationRequired: o.AccreditationVerificationRequired}
	us, known := model.USPersonOf(e)
	facts.USPerson, facts.USPersonUnknown = us, !known
	if e != nil {
		facts.AnnualIncome = orZero(e.AnnualIncome)
		facts.NetWorth = orZero(e.NetWorth)
		facts.RegCFThisYear = orZero(e.AmountInvestedInRegCFOfferingThisYear)
		facts.RegCFOtherPlatforms = orZero(e.AmountInvestedInRegCFOfferingThisYearOtherPlatforms)
	}
	return facts
}

// investment is the new investment the sale makes: status started, priced,
// with the investor's declarations as of the sale and the body's details.
func (sl *sale) investment(o *model.Offering, g model.InvestorGraph, c *CreateInput, t time.Time) *model.Investment {
	at := model.NewTime(t)
	inv := &model.Investment{
		Quantity: sl.pricing.Quantity, Price: sl.pricing.Price, PriceFees: sl.pricing.PriceFees,
		PricePaymentProcessingFees: sl.pricing.ProcessingFees, Amount: sl.pricing.Amount,
		Status: model.StatusStarted, Offering: o.ID, Investor: g.Investor.ID, Issuer: o.Issuer,
		UpdatedAt: at, CreatedAt: at, WatchlistEntitySet: []model.Watchlist{},
	}
	shares := sl.pricing.Price
	inv.SharesAmount = &shares
	if e := sl.e; e != nil {
		inv.AccreditedInvestor, inv.NetWorth, inv.AnnualIncome = e.AccreditedInvestor, e.NetWorth, e.AnnualIncome
		inv.USPerson, inv.ExemptFromBackupWithholding = e.USPerson, e.ExemptFromBackupWithholding
		inv.AmountInvestedInRegCFOfferingThisYear, inv.AccreditedInvestorType = e.AmountInvestedInRegCFOfferingThisYear, e.AccreditedInvestorType
	}
	if ind := g.IndividualEntity; ind != nil && ind.FirstName != nil && ind.LastName != nil {
		name := *ind.FirstName + " " + *ind.LastName
		inv.InvestorIndividualName = &name
	}
	c.details.apply(inv)
	return inv
}

// limitError explains which running-total condition refused the write.
func (s *Service) limitError(ctx context.Context, ws string, o *model.Offering, inv *model.Investment, lim *store.LimitError) error {
	aggs, err := s.investing.OfferingAggregates(ctx, ws, []int64{o.ID})
	if err != nil {
		return err
	}
	a := aggs[o.ID]
	if o.MaximumAmountRaised != nil && a.Committed.Amount.Add(inv.Amount.Decimal).GreaterThan(o.MaximumAmountRaised.Decimal) {
		left := o.MaximumAmountRaised.Sub(a.Committed.Amount.Decimal)
		if left.IsNegative() {
			left = zero.Decimal
		}
		return apierr.Field("amount", fmt.Sprintf("This investment would exceed the offering's maximum amount raised of %s; %s remains.", o.MaximumAmountRaised.String(), model.Money{Decimal: left}.String()))
	}
	reg := model.RegulationFor(o)
	if lim.Limit == "non_accredited" || reg.MaxNonAccredited > 0 {
		return apierr.Field("investor", fmt.Sprintf("%s offerings may have at most %d non-accredited purchasers (%s).", reg.Name, reg.MaxNonAccredited, reg.MaxNonAccreditedCFR))
	}
	return store.ErrStale
}
