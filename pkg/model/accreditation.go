package model

import (
	"fmt"
	"time"
)

// AccreditationVerification is the record of the reasonable steps an
// issuer took to verify that an investor is accredited, as 17 CFR
// 230.506(c)(2)(ii) requires of a 506(c) sale: how (Method), by whom
// (Verifier: the person or firm that reviewed the documents or wrote the
// letter), when (VerifiedOn) and until when it may be relied on
// (ExpiresOn). RecordedBy and RecordedAt say which caller entered it.
type AccreditationVerification struct {
	Method     string `json:"method" dynamo:"method"`
	Verifier   string `json:"verifier" dynamo:"verifier"`
	VerifiedOn Date   `json:"verified_on" dynamo:"verified_on"`
	ExpiresOn  Date   `json:"expires_on" dynamo:"expires_on"`
	RecordedBy string `json:"recorded_by" dynamo:"recorded_by"`
	RecordedAt Time   `json:"recorded_at" dynamo:"recorded_at"`
}

// AccreditationView is the body of GET and PUT
// /api/investors/{id}/accreditation/: the investor's declaration (its
// entity's accredited_investor), its verification record (null when none)
// and what that record is worth today: status verified, expired (or not
// yet valid) or unverified.
type AccreditationView struct {
	Investor           int64                      `json:"investor"`
	AccreditedInvestor *bool                      `json:"accredited_investor"`
	Status             string                     `json:"status"`
	Verification       *AccreditationVerification `json:"verification"`
}

// VerificationRequest is the body of PUT /api/investors/{id}/accreditation/
// (the handler reads it field by field, with DRF's errors; this type is
// its schema). expires_on defaults to the latest the method allows
// (VerificationLimit).
type VerificationRequest struct {
	Method     string `json:"method"`
	Verifier   string `json:"verifier"`
	VerifiedOn Date   `json:"verified_on"`
	ExpiresOn  *Date  `json:"expires_on,omitempty"`
}

// The verification methods of 230.506(c)(2)(ii)(A)–(D).
const (
	VerifyIncome            = "income"             // (A) IRS forms for the two most recent years
	VerifyNetWorth          = "net_worth"          // (B) statements dated within the prior three months
	VerifyThirdPartyLetter  = "third_party_letter" // (C) a broker-dealer, adviser, attorney or CPA within the prior three months
	VerifyPriorVerification = "prior_verification" // (D) verified by the issuer before, certified again at the sale
)

// VerificationMethods are the choices of method.
var VerificationMethods = []Choice{
	{VerifyIncome, "Income (230.506(c)(2)(ii)(A))"},
	{VerifyNetWorth, "Net worth (230.506(c)(2)(ii)(B))"},
	{VerifyThirdPartyLetter, "Third-party letter (230.506(c)(2)(ii)(C))"},
	{VerifyPriorVerification, "Prior verification (230.506(c)(2)(ii)(D))"},
}

// VerificationLife is how long after verified_on each method may be relied
// on at most, and the default expires_on: the net-worth documents and the
// third-party letter must be dated within the prior three months ((B),
// (C)); income rests on the two most recent years' returns, so a year,
// until the next year's are due ((A)); a prior verification stands for
// five years ((D), as amended in 2020 with the five-year look-back of
// (E)).
func VerificationLife(method string) (years, months int) {
	switch method {
	case VerifyIncome:
		return 1, 0
	case VerifyPriorVerification:
		return 5, 0
	}
	return 0, 3
}

// VerificationLimit is the latest expires_on the method allows for a
// verification made on day.
func VerificationLimit(method string, day Date) Date {
	y, m := VerificationLife(method)
	return Date{day.AddDate(y, m, 0)}
}

// ValidOn reports whether the verification may be relied on for a sale on
// day (a UTC date): verified on or before it, expiring on or after it.
func (v *AccreditationVerification) ValidOn(day Date) bool {
	return v != nil && !v.VerifiedOn.After(day.Time) && !v.ExpiresOn.Before(day.Time)
}

// VerificationStatus is "verified", "expired" (or not yet valid) or
// "unverified" at t.
func VerificationStatus(v *AccreditationVerification, t time.Time) string {
	switch {
	case v == nil:
		return "unverified"
	case v.ValidOn(DateOf(t)):
		return "verified"
	}
	return "expired"
}

// DateOf is the UTC date of an instant.
func DateOf(t time.Time) Date {
	u := t.UTC()
	return Date{time.Date(u.Year(), u.Month(), u.Day(), 0, 0, 0, 0, time.UTC)}
}

// checkVerified is the verification half of AccreditedOnly: a 506(c)
// purchaser's accreditation must rest on a verification valid on the day
// of the sale, not on its own declaration.
func (r Regulation) checkVerified(f InvestorFacts) *RegulationError {
	lead := fmt.Sprintf("%s offerings accept verified accredited investors only (%s)", r.Name, r.AccreditedOnlyCFR)
	if !r.AccreditedOnly {
		lead = "This offering takes an investor's accreditation only when it is verified (accreditation_verification_required; the standard of 17 CFR 230.506(c)(2)(ii))"
	}
	v := f.Verification
	switch {
	case v == nil:
		return &RegulationError{"investor", fmt.Sprintf("%s: the investor declares itself accredited, but its accreditation is not verified; a verifier records the verification (method, verifier, date) with PUT /api/investors/%d/accreditation/ first.", lead, f.InvestorID)}
	case !v.ValidOn(DateOf(f.At)):
		return &RegulationError{"investor", fmt.Sprintf("%s: the investor's accreditation verification (%s, by %s, on %s) is valid from %s until %s, not on %s; record a new verification first.", lead, v.Method, v.Verifier, v.VerifiedOn, v.VerifiedOn, v.ExpiresOn, DateOf(f.At))}
	}
	return nil
}
