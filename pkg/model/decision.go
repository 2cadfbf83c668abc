package model

// LimitDecision is the record of why a sale was allowed: every rule the
// investment was checked against, with the inputs the rule read and the
// limit it computed, as of the sale. It is stored with the investment's
// create audit record (and a copy on its offering's trail) and read
// through GET /api/investments/{id}/audit/ and /api/offerings/{id}/audit/,
// so an examiner sees the facts as they were, not as the investor's
// record says today.
type LimitDecision struct {
	Regulation string `json:"regulation"` // the rules' name, e.g. "Regulation Crowdfunding"
	At         Time   `json:"at"`
	// Price is what the limits count (the securities sold); Amount adds
	// the fees the investor pays on top.
	Price  Money          `json:"price"`
	Amount Money          `json:"amount"`
	Inputs DecisionInputs `json:"inputs"`
	Rules  []RuleCheck    `json:"rules"`
}

// DecisionInputs are the investor facts the rules read.
type DecisionInputs struct {
	Investor               int64   `json:"investor"`
	Entity                 *int64  `json:"entity"` // the entity the rules read (the investor's, or its user's personal one)
	Person                 string  `json:"person"` // the Reg CF unit (RegCFPerson)
	AccreditedInvestor     bool    `json:"accredited_investor"`
	AccreditedInvestorType *string `json:"accredited_investor_type"`
	// Verification is the accreditation verification record as of the
	// sale, and VerificationStatus what it was worth that day.
	Verification       *AccreditationVerification `json:"verification"`
	VerificationStatus string                     `json:"verification_status"`
	AnnualIncome       *Money                     `json:"annual_income"`
	NetWorth           *Money                     `json:"net_worth"`
	USPerson           *bool                      `json:"us_person"`
	Country            *string                    `json:"country"`
	// The declared Reg CF amounts (227.100(a)(2)) and when they were last
	// declared (null when imported or never declared through the API).
	RegCFDeclaredThisYear       *Money `json:"amount_invested_in_reg_cf_offering_this_year"`
	RegCFDeclaredOtherPlatforms *Money `json:"amount_invested_in_reg_cf_offering_this_year_other_platforms"`
	RegCFDeclaredAsOf           *Time  `json:"declared_as_of"`
}

// RuleCheck is one rule applied to the sale: the rule, its section, its
// unit and window, what it counted before the sale, the limit it computed
// and the outcome (passed, or exempt with the reason).
type RuleCheck struct {
	Rule   string `json:"rule"`
	CFR    string `json:"cfr"`
	Unit   string `json:"unit"`
	Window string `json:"window"` // e.g. "2025-12-02..2026-12-01" (UTC days), "" when the rule has none
	// Money rules: the total counted before this sale and the limit.
	Prior *Money `json:"prior"`
	Limit *Money `json:"limit"`
	// Count rules (506(b) purchasers).
	Count *int64 `json:"count"`
	Max   *int64 `json:"max"`
	// Outcome: "passed" or "exempt"; Note says why when it is not plain.
	Outcome string `json:"outcome"`
	Note    string `json:"note"`
}

// The rule names of RuleCheck.
const (
	RuleInvestorLimit         = "investor_limit"
	RuleIssuerCeiling         = "issuer_ceiling"
	RuleNonAccredited         = "non_accredited_purchasers"
	RuleAccreditedOnly        = "accredited_only"
	RuleAccreditationVerified = "accreditation_verified"
	RuleNoUSPersons           = "no_us_persons"
	RuleMaximumRaised         = "maximum_amount_raised"
	RuleInvestmentBounds      = "investment_amount_bounds"
	RuleOfferingDeadline      = "deadline"
	OutcomePassed             = "passed"
	OutcomeExempt             = "exempt"
	OutcomeNotApplicable      = "not_applicable"
	decisionWindowDivider     = ".."
)

// Window renders a rolling-12-month window of a sale at t.
func Window(first, last string) string { return first + decisionWindowDivider + last }

// AuditEntry is one record of an audit trail as the audit routes render
// it: a state change (action, from, to), an accreditation verification,
// or a sale with its limit decision; each with its time and actor.
type AuditEntry struct {
	Kind       string         `json:"kind"` // INVESTMENT, OFFERING or INVESTOR
	Object     int64          `json:"object"`
	Action     string         `json:"action"`
	From       string         `json:"from"`
	To         string         `json:"to"`
	Actor      string         `json:"actor"`
	At         Time           `json:"at"`
	Investment *int64         `json:"investment"` // the sale an offering's "sale" record names
	Detail     string         `json:"detail"`
	Decision   *LimitDecision `json:"decision"`
}

// AuditPage is the body of GET /api/investments/{id}/audit/ and
// /api/offerings/{id}/audit/: a page of the trail, oldest first, and the
// URL of the next page (null at the end).
type AuditPage struct {
	Next    *string      `json:"next"`
	Results []AuditEntry `json:"results"`
}
