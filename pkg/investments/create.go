package investments

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/guregu/dynamo/v2"

	"github.com/tranche-dev/tranche/pkg/apierr"
	"github.com/tranche-dev/tranche/pkg/app"
	"github.com/tranche-dev/tranche/pkg/auth"
	"github.com/tranche-dev/tranche/pkg/emf"
	"github.com/tranche-dev/tranche/pkg/httpapi"
	"github.com/tranche-dev/tranche/pkg/model"
	"github.com/tranche-dev/tranche/pkg/store"
)

// now is the clock of the write handlers (a variable for tests).
var now = time.Now

func invalidPK(field string, id int64) error {
	return apierr.Field(field, fmt.Sprintf("Invalid pk \"%d\" - object does not exist.", id))
}

// createForm is the body of POST /api/investments/.
type createForm struct {
	offering, investor int64
	quantity           *int64
	amount             *model.Money
	processing         model.Money
	details            details
}

// details are the payment and signing fields a client may set on create
// and, while the investment is editable, on PATCH.
type details struct {
	set                    map[string]bool
	paymentMethod          *string
	requestedPaymentMethod *string
	paymentIntentID        *string
	referenceID            *string
	individualName         *string
	browser                *string
	hasSigned              *bool
	bonusCode              *string
}

func readDetails(f *model.Form) details {
	d := details{set: map[string]bool{}}
	str := func(name string, max int, dst **string) {
		if v, set := f.String(name, model.Str{Nullable: true, AllowBlank: true, MaxLen: max}); set {
			*dst = v
			d.set[name] = true
		}
	}
	str("payment_method", 50, &d.paymentMethod)
	if v, set := f.String("requested_payment_method", model.Str{Nullable: true, Choices: model.RequestedPaymentMethods}); set {
		d.requestedPaymentMethod = v
		d.set["requested_payment_method"] = true
	}
	str("payment_intent_id", 255, &d.paymentIntentID)
	str("reference_id", 255, &d.referenceID)
	str("investor_individual_name", 255, &d.individualName)
	str("user_browser_type", 255, &d.browser)
	str("bonus_shares_code", 100, &d.bonusCode)
	if v, set := f.Bool("has_investor_signed", false, false); set {
		d.hasSigned = v
		d.set["has_investor_signed"] = true
	}
	return d
}

func (d details) apply(inv *model.Investment) {
	if d.set["payment_method"] {
		inv.PaymentMethod = d.paymentMethod
	}
	if d.set["requested_payment_method"] {
		inv.RequestedPaymentMethod = d.requestedPaymentMethod
	}
	if d.set["payment_intent_id"] {
		inv.PaymentIntentID = d.paymentIntentID
	}
	if d.set["reference_id"] {
		inv.ReferenceID = ""
		if d.referenceID != nil {
			inv.ReferenceID = *d.referenceID
		}
	}
	if d.set["investor_individual_name"] {
		inv.InvestorIndividualName = d.individualName
	}
	if d.set["user_browser_type"] {
		inv.UserBrowserType = d.browser
	}
	if d.set["bonus_shares_code"] {
		inv.BonusSharesCode = d.bonusCode
	}
	if d.set["has_investor_signed"] {
		inv.HasInvestorSigned = *d.hasSigned
	}
}

var zero = model.MustMoney("0")

func readCreate(w http.ResponseWriter, r *http.Request) (*createForm, error) {
	var raw map[string]json.RawMessage
	if err := httpapi.Decode(w, r, &raw); err != nil {
		return nil, err
	}
	f := model.NewForm(raw, false)
	c := &createForm{}
	one := int64(1)
	if v, _ := f.Int("offering", model.Int{Required: true, Min: &one}); v != nil {
		c.offering = *v
	}
	if v, _ := f.Int("investor", model.Int{Required: true, Min: &one}); v != nil {
		c.investor = *v
	}
	c.quantity, _ = f.Int("quantity", model.Int{Min: &one})
	c.amount, _ = f.Money("amount", model.Dec{Min: &zero})
	if v, _ := f.Money("price_payment_processing_fees", model.Dec{Min: &zero}); v != nil {
		c.processing = *v
	}
	c.details = readDetails(f)
	if c.quantity == nil && c.amount == nil && !f.Errors.Has("quantity") && !f.Errors.Has("amount") {
		f.Errors.Add("quantity", model.MsgRequired)
	}
	if err := apierr.Fields(f.Errors); err != nil {
		return nil, err
	}
	return c, nil
}

// handleCreate starts an investment: status started, priced from the
// offering, every offering and regulation rule applied, written with the
// running totals in one transaction.
func handleCreate(deps app.Deps) httpapi.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		p, err := auth.Writer(r)
		if err != nil {
			return err
		}
		c, err := readCreate(w, r)
		if err != nil {
			return err
		}
		ctx := r.Context()
		var inv *model.Investment
		var graph model.InvestorGraph
		err = store.Retry(ctx, func() error {
			o, version, err := deps.DB.OfferingForWrite(ctx, p.Workspace, c.offering)
			if errors.Is(err, dynamo.ErrNotFound) || (err == nil && !p.SeesOffering(o.ID, o.Issuer)) {
				return invalidPK("offering", c.offering)
			}
			if err != nil {
				return err
			}
			graphs, err := deps.DB.InvestorGraphs(ctx, p.Workspace, []int64{c.investor})
			if err != nil {
				return err
			}
			g, ok := graphs[c.investor]
			if !ok {
				return invalidPK("investor", c.investor)
			}
			graph = g
			var plan *store.InvestmentCreate
			inv, plan, err = newInvestment(r, deps, p, o, g, c)
			if err != nil {
				return err
			}
			plan.OfferingVersion = version
			err = deps.DB.CreateInvestment(ctx, p.Workspace, inv, *plan)
			var lim *store.LimitError
			if errors.As(err, &lim) {
				return limitError(r, deps, p.Workspace, o, inv, lim)
			}
			return err
		})
		if err != nil {
			return err
		}
		emf.Add(ctx, emf.MetricInvestmentsCreated, 1)
		return httpapi.JSON(w, http.StatusCreated, inv.View(graph.InInvestment()))
	}
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
// and builds the investment and its write plan.
func newInvestment(r *http.Request, deps app.Deps, p *auth.Principal, o *model.Offering, g model.InvestorGraph, c *createForm) (*model.Investment, *store.InvestmentCreate, error) {
	ctx := r.Context()
	t := now()
	if err := model.OfferingOpen(o, t); err != nil {
		var re *model.RegulationError
		errors.As(err, &re)
		return nil, nil, apierr.Field(re.Field, re.Message)
	}
	pricing, errs := model.Price(o, c.quantity, c.amount, c.processing)
	if len(errs) > 0 {
		return nil, nil, apierr.Fields(errs)
	}
	if errs := model.CheckAmount(o, pricing.Price); len(errs) > 0 {
		return nil, nil, apierr.Fields(errs)
	}
	// What the investor record already holds in the offering: the
	// per-investor max_investment_amount and Reg A Tier 2's limit count it
	// (the holding item's committed_price, written under a version
	// condition with every sale, so racing sales are re-checked).
	held, err := deps.DB.CommittedPriceInOffering(ctx, p.Workspace, o.ID, g.Investor.ID)
	if err != nil {
		return nil, nil, err
	}
	if errs := model.CheckInvestorMax(o, pricing.Price, held); len(errs) > 0 {
		return nil, nil, apierr.Fields(errs)
	}
	e := entityOf(g)
	if errs := model.CheckInvestorAllowed(o, e); len(errs) > 0 {
		return nil, nil, apierr.Fields(errs)
	}
	reg := model.RegulationFor(o)
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
	// The rolling-12-month units: the issuer's sales under the regulation
	// (its ceiling) and, for Reg CF, the person's purchases across all its
	// investor records, each one maintained ledger (store/ledger.go).
	ceilingKey, personKey := model.CeilingLedger(o), model.PersonLedger(o, g.Investor)
	ledgers, err := deps.DB.Ledgers(ctx, p.Workspace, ceilingKey, personKey)
	if err != nil {
		return nil, nil, err
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
		aggs, err := deps.DB.OfferingAggregates(ctx, p.Workspace, []int64{o.ID})
		if err != nil {
			return nil, nil, err
		}
		nonAcc = int(aggs[o.ID].NonAccredited)
		nonAccSoFar = nonAcc
		// An investor already counted as non-accredited does not count
		// twice; one who bought only as accredited so far becomes a
		// non-accredited purchaser with this sale (status at each sale).
		counted, err = deps.DB.HoldingCountedNonAccredited(ctx, p.Workspace, o.ID, g.Investor.ID)
		if err != nil {
			return nil, nil, err
		}
		if counted {
			nonAcc = 0
		}
	}
	if re := reg.CheckInvestor(pricing.Price, facts, nonAcc); re != nil {
		return nil, nil, apierr.Field(re.Field, re.Message)
	}
	var ceilingPrior *model.Money
	if ceilingKey != "" {
		sold := ledgers[ceilingKey].Since(first)
		if re := reg.CheckCeiling(pricing.Price, sold); re != nil {
			return nil, nil, apierr.Field(re.Field, re.Message)
		}
		ceilingPrior = &sold
	}
	at := model.NewTime(t)
	inv := &model.Investment{
		Quantity: pricing.Quantity, Price: pricing.Price, PriceFees: pricing.PriceFees,
		PricePaymentProcessingFees: pricing.ProcessingFees, Amount: pricing.Amount,
		Status: model.StatusStarted, Offering: o.ID, Investor: g.Investor.ID, Issuer: o.Issuer,
		UpdatedAt: at, CreatedAt: at, WatchlistEntitySet: []model.Watchlist{},
	}
	shares := pricing.Price
	inv.SharesAmount = &shares
	if e != nil {
		inv.AccreditedInvestor, inv.NetWorth, inv.AnnualIncome = e.AccreditedInvestor, e.NetWorth, e.AnnualIncome
		inv.USPerson, inv.ExemptFromBackupWithholding = e.USPerson, e.ExemptFromBackupWithholding
		inv.AmountInvestedInRegCFOfferingThisYear, inv.AccreditedInvestorType = e.AmountInvestedInRegCFOfferingThisYear, e.AccreditedInvestorType
	}
	if ind := g.IndividualEntity; ind != nil && ind.FirstName != nil && ind.LastName != nil {
		name := *ind.FirstName + " " + *ind.LastName
		inv.InvestorIndividualName = &name
	}
	c.details.apply(inv)
	plan := &store.InvestmentCreate{
		Maximum: o.MaximumAmountRaised, NonAccredited: !facts.Accredited,
		MaxNonAcc: reg.MaxNonAccredited, Actor: p.Actor(),
		Decision: decision(decisionFacts{o: o, reg: reg, g: g, e: e, facts: facts, price: pricing.Price, total: pricing.Amount,
			held: held, ceilingPrior: ceilingPrior, nonAcc: nonAccSoFar, nonAccounted: counted, t: t}),
	}
	for _, k := range []string{ceilingKey, personKey} {
		if k != "" {
			plan.Ledgers = append(plan.Ledgers, ledgers[k])
		}
	}
	return inv, plan, nil
}

// limitError explains which running-total condition refused the write.
func limitError(r *http.Request, deps app.Deps, ws string, o *model.Offering, inv *model.Investment, lim *store.LimitError) error {
	aggs, err := deps.DB.OfferingAggregates(r.Context(), ws, []int64{o.ID})
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
