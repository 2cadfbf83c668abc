package model

import (
	"encoding/json"
	"log/slog"
)

// Investor is who invests: a user acting as a person, company, trust or IRA
// trust, with the entity that holds the investment and the user's personal
// entity.
type Investor struct {
	ID               int64   `json:"id" dynamo:"id"`
	User             int64   `json:"user" dynamo:"user"`
	Entity           *int64  `json:"entity" dynamo:"entity"`
	IndividualEntity *int64  `json:"individual_entity" dynamo:"individual_entity"`
	Type             string  `json:"type" dynamo:"type"`
	ReceiveSMS       bool    `json:"receive_sms" dynamo:"receive_sms"`
	ReceiveEmails    bool    `json:"receive_emails" dynamo:"receive_emails"`
	UTMParameters    RawJSON `json:"utm_parameters" dynamo:"utm_parameters"`
	// AccreditationVerification is beyond seed 000, so not in the
	// investor's seed views: it is read and written through
	// /api/investors/{id}/accreditation/.
	AccreditationVerification *AccreditationVerification `json:"-" dynamo:"accreditation_verification,omitempty"`
	Version                   int64                      `json:"-" dynamo:"version"`
}

// InvestorTypes are the choices of an investor's type.
var InvestorTypes = []Choice{
	{"person", "Person"}, {"company", "Company"}, {"trust", "Trust"}, {"trust_ira", "Trust Ira"},
}

// KYCStatuses are the choices of an entity's kyc_status.
var KYCStatuses = []Choice{
	{"unverified", "Unverified"}, {"processing", "Processing"}, {"passed", "Passed"}, {"failed", "Failed"},
}

// Entity is a legal person: an individual (a user's personal entity) or the
// company or trust an investor invests through. It is the union of every
// field the documents show of an entity in any view.
type Entity struct {
	ID                                                  int64   `json:"id" dynamo:"id"`
	Email                                               *string `json:"email" dynamo:"email,allowempty"`
	Phone                                               *string `json:"phone" dynamo:"phone,allowempty"`
	StreetAddress1                                      *string `json:"street_address_1" dynamo:"street_address_1,allowempty"`
	StreetAddress2                                      *string `json:"street_address_2" dynamo:"street_address_2,allowempty"`
	City                                                *string `json:"city" dynamo:"city,allowempty"`
	State                                               *string `json:"state" dynamo:"state,allowempty"`
	Region                                              *string `json:"region" dynamo:"region,allowempty"`
	PostalCode                                          *string `json:"postal_code" dynamo:"postal_code,allowempty"`
	Country                                             *string `json:"country" dynamo:"country,allowempty"`
	KYCStatus                                           *string `json:"kyc_status" dynamo:"kyc_status"`
	FirstName                                           *string `json:"first_name" dynamo:"first_name,allowempty"`
	LastName                                            *string `json:"last_name" dynamo:"last_name,allowempty"`
	DateOfBirth                                         *Date   `json:"date_of_birth" dynamo:"date_of_birth"`
	NetWorth                                            *Money  `json:"net_worth" dynamo:"net_worth"`
	AnnualIncome                                        *Money  `json:"annual_income" dynamo:"annual_income"`
	AccreditedInvestor                                  *bool   `json:"accredited_investor" dynamo:"accredited_investor"`
	Citizenship                                         *string `json:"citizenship" dynamo:"citizenship,allowempty"`
	USPerson                                            *bool   `json:"us_person" dynamo:"us_person"`
	ExemptFromBackupWithholding                         *bool   `json:"exempt_from_backup_withholding" dynamo:"exempt_from_backup_withholding"`
	AmountInvestedInRegCFOfferingThisYear               *Money  `json:"amount_invested_in_reg_cf_offering_this_year" dynamo:"amount_invested_in_reg_cf_offering_this_year"`
	AmountInvestedInRegCFOfferingThisYearOtherPlatforms *Money  `json:"amount_invested_in_reg_cf_offering_this_year_other_platforms" dynamo:"amount_invested_in_reg_cf_offering_this_year_other_platforms"`
	AccreditedInvestorType                              *string `json:"accredited_investor_type" dynamo:"accredited_investor_type,allowempty"`
	CanadianEligibleInvestorType                        *string `json:"canadian_eligible_investor_type" dynamo:"canadian_eligible_investor_type,allowempty"`
	HouseholdW9                                         *bool   `json:"household_w9" dynamo:"household_w9"`
	TaxIDNumber                                         *TaxID  `json:"tax_id_number" dynamo:"tax_id_number,allowempty"`
	// RegCFDeclaredAt is when either declared Reg CF amount was last set
	// through the API (beyond seed 000, never rendered): the as-of time a
	// limit decision records for them. Nil for imported declarations.
	RegCFDeclaredAt *Time `json:"-" dynamo:"reg_cf_declared_at,omitempty"`
	Version         int64 `json:"-" dynamo:"version"`
}

// TaxID is an SSN/EIN/ITIN, stored as its digits only (NewTaxID) and
// rendered and logged masked to its last four digits. A value imported
// already masked ("***-**-8622") is stored as the digits it shows.
type TaxID string

// NewTaxID is the stored form of a tax id as given: its digits. Dashes,
// spaces and mask characters carry nothing, and keeping them is what let a
// value with a '*' be mistaken for an already masked one.
func NewTaxID(s string) TaxID { return TaxID(taxDigits(s)) }

func taxDigits(s string) string {
	var digits []byte
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			digits = append(digits, s[i])
		}
	}
	return string(digits)
}

// Masked is the form clients see: "***-**-1234". It masks whatever is
// stored, whatever its shape (values stored before NewTaxID included):
// only the last four digits ever leave.
func (t TaxID) Masked() string {
	digits := taxDigits(string(t))
	if len(digits) < 4 {
		return "***-**-****"
	}
	return "***-**-" + digits[len(digits)-4:]
}

// MarshalJSON renders the masked form; the full number never leaves.
func (t TaxID) MarshalJSON() ([]byte, error) { return []byte(`"` + t.Masked() + `"`), nil }

// UnmarshalJSON reads a JSON string into the stored form (NewTaxID), so an
// import stores digits like the API does.
func (t *TaxID) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	*t = NewTaxID(s)
	return nil
}

// LogValue keeps the number out of logs.
func (t TaxID) LogValue() slog.Value { return slog.StringValue(t.Masked()) }

// User is a person who signs in: an investor's user, and, when
// ThirdPartyIssuerEmail is set, one of the issuer's users (the only users
// /api/users/ shows).
type User struct {
	ID                    int64   `json:"id" dynamo:"id"`
	Email                 string  `json:"email" dynamo:"email"`
	FirstName             string  `json:"first_name" dynamo:"first_name,allowempty"`
	LastName              string  `json:"last_name" dynamo:"last_name,allowempty"`
	DateJoined            Time    `json:"date_joined" dynamo:"date_joined"`
	LastLogin             *Time   `json:"last_login" dynamo:"last_login"`
	ThirdPartyIssuerEmail *string `json:"thirdpartyissueruser_email" dynamo:"thirdpartyissueruser_email"`
	PasswordHash          string  `json:"-" dynamo:"password_hash,omitempty"`
	IsActive              bool    `json:"-" dynamo:"is_active"`
	Version               int64   `json:"-" dynamo:"version"`
}

// Issuer is the company that runs offerings.
type Issuer struct {
	ID       int64 `json:"id" dynamo:"id"`
	Archived bool  `json:"archived" dynamo:"archived"`
}
