package model

import (
	"fmt"
	"time"

	"github.com/shopspring/decimal"
)

// The rolling 12 months of the per-issuer ceilings (227.100(a)(1),
// 230.251(a)) and of the Reg CF per-person limit (227.100(a)(2)) are
// counted from ledgers the store keeps per unit (an issuer's offerings of
// one regulation; one person's Reg CF purchases): the price of the
// securities sold, per UTC day of the sale. A sale counts on the UTC day
// it was made (the investment's created_at); the window of a sale at t is
// that day and the days after the same date a year earlier, so a purchase
// made exactly a year before the day no longer counts.

// LedgerDay is the ledger's key of the day of an instant: its UTC date.
func LedgerDay(t time.Time) string { return t.UTC().Format(time.DateOnly) }

// WindowStart is the first ledger day counted for a sale at t: the day
// after the same UTC date a year before.
func WindowStart(t time.Time) string { return t.UTC().AddDate(-1, 0, 1).Format(time.DateOnly) }

// SumSince adds a ledger's days from first (a LedgerDay) on.
func SumSince(days map[string]Money, first string) Money {
	sum := decimal.Zero
	for d, m := range days {
		if d >= first {
			sum = sum.Add(m.Decimal)
		}
	}
	return Money{sum}
}

// CeilingLedger names the ledger of the issuer's ceiling a sale in the
// offering counts toward: the issuer's sales under the offering's
// regulation (Reg CF; Reg A Tier 2; Reg A Tier 1) over 12 months. "" when
// the regulation sets no ceiling.
func CeilingLedger(o *Offering) string {
	r := RegulationFor(o)
	if r.MaxRaise == nil {
		return ""
	}
	return fmt.Sprintf("CEILING#%s#ISSUER#%012d", r.Key, o.Issuer)
}

// RegCFPerson is the unit of the Reg CF investor limit (227.100(a)(2) is a
// limit on the investor, not on one account of it): every investor record
// of type person of one user is that user, the natural person, so they
// share one ledger; a company, trust or IRA trust is a person of its own,
// identified by its entity (or, without one, by the investor record).
func RegCFPerson(inv *Investor) string {
	switch {
	case inv.Type == "person" || inv.Type == "":
		return fmt.Sprintf("USER#%012d", inv.User)
	case inv.Entity != nil:
		return fmt.Sprintf("ENTITY#%012d", *inv.Entity)
	}
	return fmt.Sprintf("INVESTOR#%012d", inv.ID)
}

// PersonLedger names the Reg CF ledger of the person an investor is, or ""
// when the offering's regulation has no Reg CF investor limit.
func PersonLedger(o *Offering, inv *Investor) string {
	if RegulationFor(o).Limit != RegCFLimit {
		return ""
	}
	return "REGCF#" + RegCFPerson(inv)
}

// CheckCeiling applies the regulation's per-issuer ceiling to a sale of
// price amount when the issuer already sold soFar under the regulation in
// the sale's 12-month window.
func (r Regulation) CheckCeiling(amount, soFar Money) *RegulationError {
	if r.MaxRaise == nil || amount.Add(soFar.Decimal).LessThanOrEqual(r.MaxRaise.Decimal) {
		return nil
	}
	left := r.MaxRaise.Sub(soFar.Decimal)
	if left.IsNegative() {
		left = decimal.Zero
	}
	return &RegulationError{"amount", fmt.Sprintf("This investment would bring the issuer's %s sales over the past 12 months, all its offerings under that regulation together, to more than %s (%s); the issuer sold %s, so at most %s remains.",
		r.Name, r.MaxRaise.String(), r.MaxRaiseCFR, soFar.String(), Money{left}.String())}
}

// CheckInvestorMax applies the offering's max_investment_amount per
// investor across the offering: what the investor record already holds
// in it (the price of its committed investments) plus this sale. Issuers
// set the field to cap one investor's stake (a concentration or allocation
// limit), which a cap per investment would let anyone pass by buying
// twice; CheckAmount still refuses a single investment over it with its
// own message.
func CheckInvestorMax(o *Offering, price, held Money) FieldErrors {
	errs := FieldErrors{}
	if o.MaxInvestmentAmount == nil || price.GreaterThan(o.MaxInvestmentAmount.Decimal) {
		return errs
	}
	if price.Add(held.Decimal).GreaterThan(o.MaxInvestmentAmount.Decimal) {
		left := o.MaxInvestmentAmount.Sub(held.Decimal)
		if left.IsNegative() {
			left = decimal.Zero
		}
		errs.Add("amount", fmt.Sprintf("The maximum investment, %s, is per investor across the offering: this investor already holds %s in it, so at most %s more.",
			o.MaxInvestmentAmount.String(), held.String(), Money{left}.String()))
	}
	return errs
}
