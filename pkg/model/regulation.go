package model

import (
	"fmt"
	"strings"
	"time"

	"github.com/shopspring/decimal"
)

// Offering types as constants for the rules.
const (
	TypeRegA          = "reg_a"
	TypeRegD506b      = "reg_d_506b"
	TypeRegD506c      = "reg_d_506c"
	TypeRegS          = "reg_s"
	TypeRegCF         = "reg_cf"
	TypeTestTheWaters = "test_the_waters"
)

// InvestorLimit names how a regulation caps what one investor may put in.
type InvestorLimit int

// The investor limits.
const (
	NoInvestorLimit InvestorLimit = iota
	// RegCFLimit: 17 CFR 227.100(a)(2), across all Reg CF offerings over a
	// rolling 12 months; accredited investors are not limited.
	RegCFLimit
	// RegATier2Limit: 17 CFR 230.251(d)(2)(i)(C), per offering, for
	// non-accredited purchasers of Tier 2 securities not listed on an
	// exchange.
	RegATier2Limit
)

// RegATier1 is the key of Regulation A Tier 1's rules in Regulations: an
// offering of type reg_a whose reg_a_tier is 1 (RegulationFor picks it).
// Tier 2 keeps the type's own key, as every reg_a offering was Tier 2
// before reg_a_tier existed.
const RegATier1 = "reg_a/tier_1"

// Regulation is what one offering type's rules say, each figure with the
// section of Title 17 of the Code of Federal Regulations that sets it.
// Figures as of 2026. The SEC adjusts the Reg CF dollar figures for
// inflation at least every five years (227.100(a)(2) note); change them
// here and nowhere else.
//
// The unit and the time of each rule:
//
//	rule                     unit                                   time
//	MaxRaise (ceiling)       per issuer and regulation (Reg CF;     rolling 12 months before the sale (the
//	                         Reg A Tier 2; Reg A Tier 1), all its   sale's UTC day and the days after the
//	                         offerings under it together            same date a year before: ceiling.go)
//	Limit, Reg CF            per person (RegCFPerson: a user's      rolling 12 months, as the ceiling
//	                         person investor records are one
//	                         natural person; a company or trust
//	                         is its own)
//	Limit, Reg A Tier 2      per investor record in the offering    the offering's life
//	MaxNonAccredited         per offering, each purchaser by its    at each sale
//	                         status at each sale
//	AccreditedOnly           per sale, from the investor's          at each sale
//	                         verification record
//	NoUSPersons              per sale, from declaration and         at each sale
//	                         residence
//	maximum_amount_raised    per offering (committed amounts,       at each sale
//	                         fees included: the issuer's take)
//	max_investment_amount    per investor record across the         at each sale
//	                         offering (committed prices)
//	deadline_date            per offering                           no opening and no sale after the end of
//	                                                                the deadline day in the offering's zone
//	Reg CF 21 days           per offering                           no sale (escrow close) before opened_at
//	  (227.303(a))                                                  + 21 days (timerules.go)
//	CancelUntil (227.304(a)) per investment                         until 48 h before the deadline
//	early close (227.304(b)) per offering                           new deadline >= 5 business days after
//	                                                                the notice, >= 21 days public, target met
//	reconfirmation           per investment commitment              within 5 business days of a material
//	  (227.304(c))                                                  change, or cancelled
//
// Both Reg CF figures count committed sales on this platform from
// maintained ledgers (store/ledger.go), in the same transaction as the
// sale with a version condition, so racing sales cannot together pass a
// limit. Of the declared amounts,
// amount_invested_in_reg_cf_offering_this_year is the investor's total in
// Reg CF offerings over the past 12 months on every platform, this one
// included, and so includes
// amount_invested_in_reg_cf_offering_this_year_other_platforms, the part
// bought through other intermediaries. Both measure the same purchases,
// so they are never added: what was bought before counts as the greater
// of the declared total and other platforms + this platform's own records
// (see RegCFPrior). The limit is computed from the income and net worth
// of the entity invested through; a joint (spousal) figure declared there
// is used once, as one person's, never added to the individual's. All the
// limits count securities sold (the price), not the fees an investor pays
// on top: the limits are on the purchase price of the securities.
type Regulation struct {
	// Key is the regulation's key in Regulations: the offering type, or
	// RegATier1. It names the issuer's ceiling ledger, so the offerings of
	// one tier share a ceiling and the two tiers do not.
	Key  string
	Type string
	Name string

	// MaxRaise is the most the issuer may raise under the regulation in
	// 12 months, all its offerings under it together (and so also the most
	// one offering's maximum_amount_raised may be); nil means the
	// regulation sets no ceiling.
	MaxRaise    *Money
	MaxRaiseCFR string

	Limit    InvestorLimit
	LimitCFR string

	// AccreditedOnly: only (verified) accredited investors may invest.
	AccreditedOnly    bool
	AccreditedOnlyCFR string

	// MaxNonAccredited caps the non-accredited purchasers; 0 means no cap.
	MaxNonAccredited    int
	MaxNonAccreditedCFR string

	// NoUSPersons: offshore transactions only.
	NoUSPersons    bool
	NoUSPersonsCFR string

	// CancelUntil: investors may cancel until this long before the
	// deadline; escrow may close only once the window has passed.
	CancelUntil    time.Duration
	CancelUntilCFR string

	// Escrow: accepted investments stay in escrow until the offering's
	// escrow closes (accepted_escrow_closed), then are invested.
	Escrow bool
}

// Reg CF investor-limit figures (17 CFR 227.100(a)(2)), 2026.
var (
	RegCFFloor     = MustMoney("2500.00")   // the least any investor may invest
	RegCFThreshold = MustMoney("124000.00") // income and net worth both at or above: 10%
	RegCFCap       = MustMoney("124000.00") // the most a non-accredited investor may invest in 12 months
	RegCFLowRate   = decimal.RequireFromString("0.05")
	RegCFHighRate  = decimal.RequireFromString("0.10")
	// RegATier2Rate is the share of the greater of income or net worth a
	// non-accredited Tier 2 purchaser may invest (230.251(d)(2)(i)(C)).
	RegATier2Rate = decimal.RequireFromString("0.10")
)

func money(s string) *Money { m := MustMoney(s); return &m }

// Regulations is the one table of regulation rules.
var Regulations = map[string]Regulation{
	TypeRegCF: {
		Key: TypeRegCF, Type: TypeRegCF, Name: "Regulation Crowdfunding",
		MaxRaise: money("5000000.00"), MaxRaiseCFR: "17 CFR 227.100(a)(1)",
		Limit: RegCFLimit, LimitCFR: "17 CFR 227.100(a)(2)",
		CancelUntil: 48 * time.Hour, CancelUntilCFR: "17 CFR 227.304(a)",
		Escrow: true,
	},
	// reg_a with reg_a_tier 2 (the default).
	TypeRegA: {
		Key: TypeRegA, Type: TypeRegA, Name: "Regulation A Tier 2",
		MaxRaise: money("75000000.00"), MaxRaiseCFR: "17 CFR 230.251(a)(2)",
		Limit: RegATier2Limit, LimitCFR: "17 CFR 230.251(d)(2)(i)(C)",
	},
	// reg_a with reg_a_tier 1: a lower ceiling and no investor limit
	// (230.251(d)(2)(i)(C) limits Tier 2 purchasers only; Tier 1 offerings
	// are reviewed by the states instead).
	RegATier1: {
		Key: RegATier1, Type: TypeRegA, Name: "Regulation A Tier 1",
		MaxRaise: money("20000000.00"), MaxRaiseCFR: "17 CFR 230.251(a)(1)",
	},
	TypeRegD506b: {
		Key: TypeRegD506b, Type: TypeRegD506b, Name: "Regulation D 506(b)",
		MaxNonAccredited: 35, MaxNonAccreditedCFR: "17 CFR 230.506(b)(2)(i)",
	},
	TypeRegD506c: {
		Key: TypeRegD506c, Type: TypeRegD506c, Name: "Regulation D 506(c)",
		AccreditedOnly: true, AccreditedOnlyCFR: "17 CFR 230.506(c)(2)(ii)",
	},
	TypeRegS: {
		Key: TypeRegS, Type: TypeRegS, Name: "Regulation S",
		NoUSPersons: true, NoUSPersonsCFR: "17 CFR 230.903",
	},
	TypeTestTheWaters: {Key: TypeTestTheWaters, Type: TypeTestTheWaters, Name: "Test The Waters"},
}

// RegulationOf returns the rules of an offering type (the zero Regulation,
// which limits nothing, for an unknown type).
func RegulationOf(offeringType string) Regulation { return Regulations[offeringType] }

// RegulationFor returns the rules of an offering: its type's, or Tier 1's
// for a reg_a offering whose reg_a_tier is 1.
func RegulationFor(o *Offering) Regulation {
	if o.Type == TypeRegA && o.RegATier != nil && *o.RegATier == 1 {
		return Regulations[RegATier1]
	}
	return Regulations[o.Type]
}

// The tiers of a Regulation A offering (reg_a_tier); DefaultRegATier is
// what a reg_a offering that names none is.
const (
	RegATierOne     int64 = 1
	RegATierTwo     int64 = 2
	DefaultRegATier       = RegATierTwo
)

// USTerritories are the ISO 3166-1 codes of the places 230.902(l) counts
// as the United States besides US itself: its territories and
// possessions.
var USTerritories = []string{"AS", "GU", "MP", "PR", "UM", "VI"}

// USPersonOf says whether the entity is a U.S. person as Regulation S
// defines it (230.902(k)): residence decides, not citizenship, so an
// entity whose country is the United States (230.902(l)) is a U.S. person
// whatever it declares, and otherwise its us_person declaration counts.
// known is false when it declares neither us_person nor a country: nothing
// shows it is not a U.S. person.
func USPersonOf(e *Entity) (us, known bool) {
	if e == nil {
		return false, false
	}
	country := ""
	if e.Country != nil {
		country = strings.ToUpper(strings.TrimSpace(*e.Country))
	}
	if country == "US" || contains(USTerritories, country) {
		return true, true
	}
	if e.USPerson != nil {
		return *e.USPerson, true
	}
	return false, country != ""
}

// InvestorFacts is what the regulation limits read about one investor and
// one prospective investment.
type InvestorFacts struct {
	InvestorID int64
	At         time.Time // the sale
	Accredited bool
	// Verification is the investor's accreditation verification record,
	// nil when none (AccreditedOnly requires one valid on the sale's day,
	// and so does VerificationRequired of an investor that is Accredited:
	// the offering's accreditation_verification_required).
	Verification         *AccreditationVerification
	VerificationRequired bool
	USPerson             bool
	// USPersonUnknown: the investor declared neither us_person nor a
	// country (USPersonOf's known is false).
	USPersonUnknown bool
	AnnualIncome    Money // entities: revenue
	NetWorth        Money // entities: net assets

	// Reg CF, rolling 12 months: the entity's declared amounts (ThisYear,
	// all platforms, includes OtherPlatforms) and the price of what it
	// committed to Reg CF offerings on this platform.
	RegCFThisYear       Money
	RegCFOtherPlatforms Money
	RegCFThisPlatform   Money

	// Reg A Tier 2: the price of what the investor already committed to
	// this offering.
	InOffering Money
}

// RegCFPrior is what the investor bought in Reg CF offerings in the 12
// months before this sale, each purchase counted once: the declared total
// (which includes the other platforms' part and this platform's purchases
// up to the declaration) or, when greater, the other platforms' part plus
// this platform's own records (which may hold purchases made after the
// declaration).
func (f InvestorFacts) RegCFPrior() Money {
	parts := f.RegCFOtherPlatforms.Add(f.RegCFThisPlatform.Decimal)
	if f.RegCFThisYear.GreaterThan(parts) {
		return f.RegCFThisYear
	}
	return Money{parts}
}

// RegCFInvestorLimit is the 12-month limit of 227.100(a)(2) for a
// non-accredited investor: if either annual income or net worth is below
// $124,000, the greater of $2,500 or 5% of the greater of the two;
// otherwise 10% of the greater, capped at $124,000.
func RegCFInvestorLimit(income, netWorth Money) Money {
	greater := income.Decimal
	if netWorth.GreaterThan(greater) {
		greater = netWorth.Decimal
	}
	if income.LessThan(RegCFThreshold.Decimal) || netWorth.LessThan(RegCFThreshold.Decimal) {
		five := greater.Mul(RegCFLowRate).RoundDown(2)
		if five.LessThan(RegCFFloor.Decimal) {
			return RegCFFloor
		}
		return Money{five}
	}
	ten := greater.Mul(RegCFHighRate).RoundDown(2)
	if ten.GreaterThan(RegCFCap.Decimal) {
		return RegCFCap
	}
	return Money{ten}
}

// RegATier2InvestorLimit is 10% of the greater of income and net worth.
func RegATier2InvestorLimit(income, netWorth Money) Money {
	greater := income.Decimal
	if netWorth.GreaterThan(greater) {
		greater = netWorth.Decimal
	}
	return Money{greater.Mul(RegATier2Rate).RoundDown(2)}
}

// RegulationError is one regulation rule an investment breaks: the field it
// concerns and the message naming the rule.
type RegulationError struct {
	Field   string
	Message string
}

func (e *RegulationError) Error() string { return e.Field + ": " + e.Message }

// CheckInvestor applies the regulation's investor rules to an investment
// whose price (the securities sold, without the fees the investor pays on
// top) is amount. nonAccreditedSoFar is the offering's count of distinct
// non-accredited investors with committed investments, not counting this
// investor (the store also enforces the cap with a condition, so racing
// writes cannot pass it). It returns nil or the first rule broken.
func (r Regulation) CheckInvestor(amount Money, f InvestorFacts, nonAccreditedSoFar int) *RegulationError {
	if r.NoUSPersons && f.USPerson {
		return &RegulationError{"investor", fmt.Sprintf("%s offerings are offshore transactions only: US persons may not invest (%s); anyone resident in the United States is a US person, whatever us_person says (17 CFR 230.902(k)).", r.Name, r.NoUSPersonsCFR)}
	}
	if r.NoUSPersons && f.USPersonUnknown {
		return &RegulationError{"investor", fmt.Sprintf("%s offerings are offshore transactions only (%s): the investor's entity declares neither us_person nor a country, so nothing shows it is not a US person (17 CFR 230.902(k)); set its country and us_person first.", r.Name, r.NoUSPersonsCFR)}
	}
	if r.AccreditedOnly && !f.Accredited {
		return &RegulationError{"investor", fmt.Sprintf("%s offerings accept verified accredited investors only (%s).", r.Name, r.AccreditedOnlyCFR)}
	}
	if r.AccreditedOnly || (f.VerificationRequired && f.Accredited) {
		if re := r.checkVerified(f); re != nil {
			return re
		}
	}
	if r.MaxNonAccredited > 0 && !f.Accredited && nonAccreditedSoFar >= r.MaxNonAccredited {
		return &RegulationError{"investor", fmt.Sprintf("%s offerings may have at most %d non-accredited purchasers (%s).", r.Name, r.MaxNonAccredited, r.MaxNonAccreditedCFR)}
	}
	if f.Accredited {
		return nil
	}
	switch r.Limit {
	case RegCFLimit:
		limit := RegCFInvestorLimit(f.AnnualIncome, f.NetWorth)
		prior := f.RegCFPrior()
		if amount.Add(prior.Decimal).GreaterThan(limit.Decimal) {
			left := limit.Sub(prior.Decimal)
			if left.IsNegative() {
				left = decimal.Zero
			}
			return &RegulationError{"amount", fmt.Sprintf("This investment exceeds the investor's Regulation Crowdfunding limit of %s over 12 months (%s); at most %s remains.", limit.String(), r.LimitCFR, Money{left}.String())}
		}
	case RegATier2Limit:
		limit := RegATier2InvestorLimit(f.AnnualIncome, f.NetWorth)
		if amount.Add(f.InOffering.Decimal).GreaterThan(limit.Decimal) {
			return &RegulationError{"amount", fmt.Sprintf("A non-accredited investor may invest at most 10%% of the greater of annual income or net worth, %s, in a Regulation A Tier 2 offering (%s).", limit.String(), r.LimitCFR)}
		}
	}
	return nil
}

// CheckMaxRaise reports whether an offering's maximum amount raised is
// within the regulation's ceiling.
func (r Regulation) CheckMaxRaise(max Money) *RegulationError {
	if r.MaxRaise != nil && max.GreaterThan(r.MaxRaise.Decimal) {
		return &RegulationError{"maximum_amount_raised", fmt.Sprintf("Ensure this value is less than or equal to %s: the %s maximum over 12 months (%s).", r.MaxRaise.String(), r.Name, r.MaxRaiseCFR)}
	}
	return nil
}

// CancelDeadline is the last instant investors may cancel: CancelUntil
// before the end of the deadline date in loc (the offering's timezone; nil
// is UTC). ok is false when the regulation sets no window or the offering
// has no deadline.
func (r Regulation) CancelDeadline(deadline *Date, loc *time.Location) (t time.Time, ok bool) {
	if r.CancelUntil == 0 || deadline == nil {
		return time.Time{}, false
	}
	if loc == nil {
		loc = time.UTC
	}
	end := time.Date(deadline.Year(), deadline.Month(), deadline.Day(), 0, 0, 0, 0, loc).AddDate(0, 0, 1)
	return end.Add(-r.CancelUntil).UTC(), true
}
