package investments

import (
	"fmt"
	"time"

	"github.com/tranche-dev/tranche/pkg/model"
)

// decisionFacts is what newInvestment read and computed for the rules,
// gathered for the sale's limit decision record.
type decisionFacts struct {
	o            *model.Offering
	reg          model.Regulation
	g            model.InvestorGraph
	e            *model.Entity
	facts        model.InvestorFacts
	price, total model.Money
	held         model.Money // the investor record's committed price in the offering
	ceilingPrior *model.Money
	nonAcc       int  // the offering's non-accredited purchasers before the sale
	nonAccounted bool // this investor already counts among them
	t            time.Time
}

func ptrMoney(m model.Money) *model.Money { return &m }
func ptrInt(n int64) *int64               { return &n }

// decision builds the record of every rule the sale was checked against,
// with its inputs, unit, window and computed limit (model.LimitDecision).
func decision(d decisionFacts) *model.LimitDecision {
	f, reg, o := d.facts, d.reg, d.o
	window := model.Window(model.WindowStart(d.t), model.LedgerDay(d.t))
	in := model.DecisionInputs{
		Investor: d.g.Investor.ID, Person: model.RegCFPerson(d.g.Investor),
		AccreditedInvestor: f.Accredited,
		Verification:       f.Verification, VerificationStatus: model.VerificationStatus(f.Verification, d.t),
	}
	if e := d.e; e != nil {
		in.Entity = &e.ID
		in.AccreditedInvestorType, in.AnnualIncome, in.NetWorth = e.AccreditedInvestorType, e.AnnualIncome, e.NetWorth
		in.USPerson, in.Country = e.USPerson, e.Country
		in.RegCFDeclaredThisYear, in.RegCFDeclaredOtherPlatforms = e.AmountInvestedInRegCFOfferingThisYear, e.AmountInvestedInRegCFOfferingThisYearOtherPlatforms
		in.RegCFDeclaredAsOf = e.RegCFDeclaredAt
	}
	rec := &model.LimitDecision{Regulation: reg.Name, At: model.NewTime(d.t), Price: d.price, Amount: d.total, Inputs: in}
	add := func(c model.RuleCheck) {
		if c.Outcome == "" {
			c.Outcome = model.OutcomePassed
		}
		rec.Rules = append(rec.Rules, c)
	}
	if o.DeadlineDate != nil {
		add(model.RuleCheck{Rule: model.RuleOfferingDeadline, Unit: fmt.Sprintf("offering %d", o.ID),
			Note: fmt.Sprintf("deadline_date %s, in %s", o.DeadlineDate, zoneName(o))})
	}
	bounds := model.RuleCheck{Rule: model.RuleInvestmentBounds, Unit: fmt.Sprintf("investor %d in offering %d", d.g.Investor.ID, o.ID), Prior: ptrMoney(d.held), Limit: o.MaxInvestmentAmount}
	if o.MinInvestmentAmount != nil {
		bounds.Note = "min_investment_amount " + o.MinInvestmentAmount.String() + "; max_investment_amount is per investor across the offering"
	}
	add(bounds)
	if o.MaximumAmountRaised != nil {
		add(model.RuleCheck{Rule: model.RuleMaximumRaised, Unit: fmt.Sprintf("offering %d (committed amounts, fees included)", o.ID), Limit: o.MaximumAmountRaised,
			Note: "enforced by a condition on the offering's committed total in the sale's transaction"})
	}
	if reg.MaxRaise != nil {
		add(model.RuleCheck{Rule: model.RuleIssuerCeiling, CFR: reg.MaxRaiseCFR, Unit: fmt.Sprintf("issuer %d, its %s offerings together", o.Issuer, reg.Name),
			Window: window, Prior: d.ceilingPrior, Limit: reg.MaxRaise})
	}
	if reg.NoUSPersons {
		add(model.RuleCheck{Rule: model.RuleNoUSPersons, CFR: reg.NoUSPersonsCFR, Unit: "this sale", Note: "not a U.S. person by residence and declaration (17 CFR 230.902(k))"})
	}
	if reg.AccreditedOnly {
		add(model.RuleCheck{Rule: model.RuleAccreditedOnly, CFR: reg.AccreditedOnlyCFR, Unit: "this sale",
			Note: fmt.Sprintf("declared accredited; verification %s (%s by %s, %s..%s)", in.VerificationStatus, f.Verification.Method, f.Verification.Verifier, f.Verification.VerifiedOn, f.Verification.ExpiresOn)})
	}
	if !reg.AccreditedOnly && f.VerificationRequired && f.Accredited {
		add(model.RuleCheck{Rule: model.RuleAccreditationVerified, CFR: "17 CFR 230.506(c)(2)(ii)", Unit: "this sale",
			Note: fmt.Sprintf("the offering requires verified accreditation; verification %s (%s by %s, %s..%s)", in.VerificationStatus, f.Verification.Method, f.Verification.Verifier, f.Verification.VerifiedOn, f.Verification.ExpiresOn)})
	}
	if reg.MaxNonAccredited > 0 {
		c := model.RuleCheck{Rule: model.RuleNonAccredited, CFR: reg.MaxNonAccreditedCFR, Unit: fmt.Sprintf("offering %d, each purchaser by its status at each sale", o.ID),
			Count: ptrInt(int64(d.nonAcc)), Max: ptrInt(int64(reg.MaxNonAccredited))}
		switch {
		case f.Accredited:
			c.Outcome, c.Note = model.OutcomeExempt, "accredited at this sale: not counted"
		case d.nonAccounted:
			c.Note = "already counted as a non-accredited purchaser"
		default:
			c.Note = "this sale makes the investor a non-accredited purchaser"
		}
		add(c)
	}
	switch reg.Limit {
	case model.RegCFLimit:
		c := model.RuleCheck{Rule: model.RuleInvestorLimit, CFR: reg.LimitCFR, Unit: "person " + in.Person + " (every person investor record of the user together)",
			Window: window, Prior: ptrMoney(f.RegCFPrior()), Limit: ptrMoney(model.RegCFInvestorLimit(f.AnnualIncome, f.NetWorth)),
			Note: fmt.Sprintf("this platform's 12-month total %s; declared 12-month total %s, of which other platforms %s; counted once: the greater of the declared total and other platforms + this platform",
				f.RegCFThisPlatform, f.RegCFThisYear, f.RegCFOtherPlatforms)}
		if f.Accredited {
			c.Outcome, c.Note = model.OutcomeExempt, "accredited investors are not limited (17 CFR 227.100(a)(2)); "+c.Note
		}
		add(c)
	case model.RegATier2Limit:
		c := model.RuleCheck{Rule: model.RuleInvestorLimit, CFR: reg.LimitCFR, Unit: fmt.Sprintf("investor %d in offering %d", d.g.Investor.ID, o.ID),
			Prior: ptrMoney(f.InOffering), Limit: ptrMoney(model.RegATier2InvestorLimit(f.AnnualIncome, f.NetWorth)),
			Note: "10% of the greater of annual income and net worth"}
		if f.Accredited {
			c.Outcome, c.Note = model.OutcomeExempt, "accredited investors are not limited (17 CFR 230.251(d)(2)(i)(C))"
		}
		add(c)
	}
	return rec
}

func zoneName(o *model.Offering) string {
	if o.DefaultTimezone != "" {
		return o.DefaultTimezone
	}
	return "UTC"
}
