package profiles

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// The choices of seed 002.
var (
	Types        = []string{"individual", "entity", "trust", "joint"}
	Roles        = []string{"investor", "manager", "founder"}
	EntityKinds  = []string{"llc", "partnership", "c corp", "s corp"}
	TrustKinds   = []string{"revokable", "irrevokable"}
	Passthroughs = []string{"yes", "no"}
	AccountTypes = []string{"checking", "savings"}
)

// Messages (DRF's wording, which the other contracts use too).
const (
	msgRequired = "This field is required."
	msgNull     = "This field may not be null."
	msgBlank    = "This field may not be blank."
	msgString   = "Not a valid string."
	msgInteger  = "A valid integer is required."
)

func msgChoice(v string) string { return fmt.Sprintf("%q is not a valid choice.", v) }

// Errors are field errors, every one of a body at once.
type Errors map[string][]string

func (e Errors) add(field, msg string) { e[field] = append(e[field], msg) }

// has reports whether the field already has an error (a type error is not
// repeated as "required").
func (e Errors) has(field string) bool { return len(e[field]) > 0 }

// Input is a profile body (POST and PUT), parsed but not yet validated.
// Field names are seed 002's, except where the seed reuses one name for
// two things (see the package doc): trust_type, business_*.
type Input struct {
	UserIDSet  bool   // user_id was sent (a number or null)
	UserID     *int64 // nil with UserIDSet: null, create the user
	Email      string // the new user's e-mail (user_id null)
	Type, Role string

	FirstName, LastName, Phone, DateOfBirth string
	TaxID                                   string
	TaxIDSet                                bool
	Address1, Address2, City, Zip           string
	CountryID, StateID                      *int64
	Accredited                              []int64

	EntityTypeID, TrustType, Passthrough, EntityName string
	StateOfFormation                                 *int64
	BeneficialOwnerID, SignatoryID                   string
	BusinessAddress1, BusinessAddress2, BusinessCity string
	BusinessZip                                      string
	BusinessCountryID, BusinessStateID               *int64
}

// form reads a JSON object field by field, recording type errors.
type form struct {
	raw  map[string]json.RawMessage
	errs Errors
}

func (f *form) present(name string) (json.RawMessage, bool) {
	v, ok := f.raw[name]
	if !ok || bytes.Equal(bytes.TrimSpace(v), []byte("null")) {
		return nil, false
	}
	return v, true
}

// str reads a string; a JSON number is taken as its digits (the seed
// types phone and zip as integers), anything else is a type error.
func (f *form) str(name string, max int) string {
	v, ok := f.present(name)
	if !ok {
		return ""
	}
	var s string
	if v[0] == '"' {
		if json.Unmarshal(v, &s) != nil {
			f.errs.add(name, msgString)
			return ""
		}
	} else if n := (json.Number)(""); json.Unmarshal(v, &n) == nil {
		s = n.String()
	} else {
		f.errs.add(name, msgString)
		return ""
	}
	s = strings.TrimSpace(s)
	if strings.IndexByte(s, 0) >= 0 || !utf8.ValidString(s) {
		f.errs.add(name, "Null characters are not allowed.")
		return ""
	}
	if utf8.RuneCountInString(s) > max {
		f.errs.add(name, fmt.Sprintf("Ensure this field has no more than %d characters.", max))
		return ""
	}
	return s
}

// int reads an integer id: a JSON integer, a string of digits, or a
// one-item list (the seed types the reference ids "integer, list").
func (f *form) int(name string) *int64 {
	v, ok := f.present(name)
	if !ok {
		return nil
	}
	if v[0] == '[' {
		var items []json.RawMessage
		if json.Unmarshal(v, &items) != nil || len(items) != 1 {
			f.errs.add(name, msgInteger)
			return nil
		}
		v = items[0]
	}
	n, ok := parseInt(v)
	if !ok {
		f.errs.add(name, msgInteger)
		return nil
	}
	return &n
}

func parseInt(v json.RawMessage) (int64, bool) {
	var s string
	if len(v) > 0 && v[0] == '"' {
		if json.Unmarshal(v, &s) != nil {
			return 0, false
		}
	} else {
		s = string(bytes.TrimSpace(v))
	}
	n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	return n, err == nil
}

// ints reads a list of at most max integer ids (or a single one). The
// bound comes first: unbounded, a body of 300,000 ids reached DynamoDB's
// item limit (a 500), or answered a message per unknown id (a 422 past
// Lambda's 6 MB response).
func (f *form) ints(name string, max int) []int64 {
	v, ok := f.present(name)
	if !ok {
		return nil
	}
	var items []json.RawMessage
	if v[0] == '[' {
		if json.Unmarshal(v, &items) != nil {
			f.errs.add(name, "Expected a list of items.")
			return nil
		}
	} else {
		items = []json.RawMessage{v}
	}
	if len(items) > max {
		f.errs.add(name, fmt.Sprintf("Ensure this field has no more than %d elements.", max))
		return nil
	}
	out := []int64{}
	for _, it := range items {
		n, ok := parseInt(it)
		if !ok {
			f.errs.add(name, msgInteger)
			return nil
		}
		out = append(out, n)
	}
	return out
}

// Parse reads a profile body. Type errors are returned with the input;
// Validate adds the rest.
func Parse(raw map[string]json.RawMessage) (Input, Errors) {
	f := &form{raw: raw, errs: Errors{}}
	var in Input
	if v, ok := raw["user_id"]; ok {
		in.UserIDSet = true
		if _, notNull := f.present("user_id"); notNull {
			if n, ok := parseInt(v); ok {
				in.UserID = &n
			} else {
				f.errs.add("user_id", msgInteger)
			}
		}
	}
	in.Email = f.str("email", 254)
	in.Type = f.str("type", 20)
	in.Role = f.str("role", 20)
	in.FirstName = f.str("first_name", 100)
	in.LastName = f.str("last_name", 100)
	in.Phone = f.str("phone", 30)
	in.DateOfBirth = f.str("date_of_birth", 10)
	_, in.TaxIDSet = f.present("tax_id")
	in.TaxID = f.str("tax_id", 20)
	in.Address1 = f.str("address1", 200)
	in.Address2 = f.str("address2", 200)
	in.City = f.str("city", 100)
	in.Zip = f.str("zip", 12)
	in.CountryID = f.int("country_id")
	in.StateID = f.int("state_id")
	// One claim per qualification at most.
	in.Accredited = f.ints("accredited_investor_document", len(Qualifications))
	in.EntityTypeID = f.str("entity_type_id", 20)
	in.TrustType = f.str("trust_type", 20)
	in.Passthrough = f.str("passthrough", 3)
	in.EntityName = f.str("entity_name", 200)
	in.StateOfFormation = f.int("state_of_formation")
	in.BeneficialOwnerID = f.str("beneficialOwnerID", 100)
	in.SignatoryID = f.str("signatoryID", 100)
	in.BusinessAddress1 = f.str("business_address1", 200)
	in.BusinessAddress2 = f.str("business_address2", 200)
	in.BusinessCity = f.str("business_city", 100)
	in.BusinessZip = f.str("business_zip", 12)
	in.BusinessCountryID = f.int("business_country_id")
	in.BusinessStateID = f.int("business_state_id")
	return in, f.errs
}

// isEntity reports whether the type files taxes under an EIN with a
// business address (entity, trust).
func isEntity(typ string) bool { return typ == "entity" || typ == "trust" }

// Required lists the fields a profile of that type and role must have
// (the seed's matrix). tax_id is required on create; an update may leave
// it out to keep the one on file, which it cannot read back.
func Required(typ, role string) []string {
	req := []string{"type", "role", "first_name", "last_name", "phone", "date_of_birth", "tax_id", "address1", "city", "country_id", "zip"}
	if role == "investor" {
		req = append(req, "accredited_investor_document")
	}
	switch typ {
	case "entity":
		req = append(req, "entity_type_id", "passthrough", "entity_name", "business_address1", "business_city", "business_country_id")
	case "trust":
		req = append(req, "trust_type", "passthrough", "entity_name", "business_address1", "business_city", "business_country_id")
	}
	return req
}

// value returns an input field as "" (absent) or a non-empty marker, for
// the required check.
func (in *Input) value(field string) bool {
	switch field {
	case "type":
		return in.Type != ""
	case "role":
		return in.Role != ""
	case "first_name":
		return in.FirstName != ""
	case "last_name":
		return in.LastName != ""
	case "phone":
		return in.Phone != ""
	case "date_of_birth":
		return in.DateOfBirth != ""
	case "tax_id":
		return in.TaxID != ""
	case "address1":
		return in.Address1 != ""
	case "city":
		return in.City != ""
	case "country_id":
		return in.CountryID != nil
	case "state_id":
		return in.StateID != nil
	case "zip":
		return in.Zip != ""
	case "accredited_investor_document":
		return len(in.Accredited) > 0
	case "entity_type_id":
		return in.EntityTypeID != ""
	case "trust_type":
		return in.TrustType != ""
	case "passthrough":
		return in.Passthrough != ""
	case "entity_name":
		return in.EntityName != ""
	case "business_address1":
		return in.BusinessAddress1 != ""
	case "business_city":
		return in.BusinessCity != ""
	case "business_country_id":
		return in.BusinessCountryID != nil
	case "business_state_id":
		return in.BusinessStateID != nil
	}
	return true
}

var (
	reDate   = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)
	reUSZip  = regexp.MustCompile(`^\d{5}(-\d{4})?$`)
	reAnyZip = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9 -]{0,11}$`)
)

// Validate applies the seed's rules to a parsed body, adding to errs every
// violation: the required-field matrix (type × role), choices, formats
// (phone, date, zip, SSN/EIN), reference ids and the rules between fields
// (trust only for investors, state_id only where the country has states).
// keepTIN is true on update, where tax_id may be left out.
func Validate(in *Input, errs Errors, keepTIN bool, now time.Time) {
	if in.Type != "" && !slices.Contains(Types, in.Type) {
		errs.add("type", msgChoice(in.Type))
	}
	if in.Role != "" && !slices.Contains(Roles, in.Role) {
		errs.add("role", msgChoice(in.Role))
	}
	if in.Type == "trust" && in.Role != "" && in.Role != "investor" {
		errs.add("role", "A trust profile can only have the investor role.")
	}
	for _, field := range Required(in.Type, in.Role) {
		if field == "tax_id" && keepTIN && !in.TaxIDSet {
			continue
		}
		if !in.value(field) && !errs.has(field) {
			errs.add(field, msgRequired)
		}
	}
	if in.Phone != "" {
		if d := digits(in.Phone, "+-. ()"); len(d) < 10 || len(d) > 15 {
			errs.add("phone", "Enter a valid phone number (10 to 15 digits).")
		}
	}
	if in.DateOfBirth != "" {
		validBirth(in.DateOfBirth, errs, now)
	}
	if in.TaxID != "" {
		var problem string
		if isEntity(in.Type) {
			_, problem = NormalizeEIN(in.TaxID)
		} else {
			_, problem = NormalizeSSN(in.TaxID)
		}
		if problem != "" {
			errs.add("tax_id", problem)
		}
	}
	validPlace(errs, "country_id", "state_id", "zip", in.CountryID, in.StateID, in.Zip, true)
	if isEntity(in.Type) {
		validPlace(errs, "business_country_id", "business_state_id", "business_zip", in.BusinessCountryID, in.BusinessStateID, in.BusinessZip, false)
		if in.EntityTypeID != "" && in.Type == "entity" && !slices.Contains(EntityKinds, in.EntityTypeID) {
			errs.add("entity_type_id", msgChoice(in.EntityTypeID))
		}
		if in.TrustType != "" && in.Type == "trust" && !slices.Contains(TrustKinds, in.TrustType) {
			errs.add("trust_type", msgChoice(in.TrustType))
		}
		if in.Passthrough != "" && !slices.Contains(Passthroughs, in.Passthrough) {
			errs.add("passthrough", msgChoice(in.Passthrough))
		}
		if in.StateOfFormation != nil && ref.state[*in.StateOfFormation] == nil {
			errs.add("state_of_formation", fmt.Sprintf("Invalid pk \"%d\" - object does not exist.", *in.StateOfFormation))
		}
	}
	for _, q := range in.Accredited {
		qual := ref.qual[q]
		if qual == nil {
			errs.add("accredited_investor_document", fmt.Sprintf("Invalid pk \"%d\" - object does not exist.", q))
			continue
		}
		if in.Type != "" && !slices.Contains(qual.AppliesTo, in.Type) {
			errs.add("accredited_investor_document", fmt.Sprintf("Qualification %d (%s) does not apply to a %s profile.", q, qual.Rule, in.Type))
		}
	}
	if in.Accredited != nil && len(in.Accredited) == 0 && in.Role == "investor" && !errs.has("accredited_investor_document") {
		errs.add("accredited_investor_document", "This list may not be empty.")
	}
}

// validPlace checks a country, its state and a zip: the ids exist, a
// state is given exactly where the country has states (required there
// when stateRequired), and the zip has the country's form.
func validPlace(errs Errors, countryF, stateF, zipF string, country, state *int64, zip string, stateRequired bool) {
	if country != nil && ref.country[*country] == nil {
		errs.add(countryF, fmt.Sprintf("Invalid pk \"%d\" - object does not exist.", *country))
		country = nil
	}
	switch {
	case state != nil && ref.state[*state] == nil:
		errs.add(stateF, fmt.Sprintf("Invalid pk \"%d\" - object does not exist.", *state))
	case state != nil && country != nil && !hasStates(*country):
		errs.add(stateF, fmt.Sprintf("%s has no states in this list; leave %s empty.", ref.country[*country].Name, stateF))
	case state == nil && country != nil && hasStates(*country) && stateRequired && !errs.has(stateF):
		errs.add(stateF, msgRequired)
	}
	if zip != "" {
		if country != nil && *country == USCountryID {
			if !reUSZip.MatchString(zip) {
				errs.add(zipF, "Enter a valid US ZIP code (12345 or 12345-6789).")
			}
		} else if !reAnyZip.MatchString(zip) {
			errs.add(zipF, "Enter a valid postal code.")
		}
	}
}

func validBirth(s string, errs Errors, now time.Time) {
	d, err := time.Parse(time.DateOnly, s)
	if !reDate.MatchString(s) || err != nil {
		errs.add("date_of_birth", "Date has wrong format. Use one of these formats instead: YYYY-MM-DD.")
		return
	}
	switch {
	case d.Year() < 1900:
		errs.add("date_of_birth", "Enter a date of birth after 1900.")
	case d.AddDate(18, 0, 0).After(now):
		errs.add("date_of_birth", "The profile's person must be at least 18 years old.")
	}
}

// digits returns s without the separators allowed, or "" if anything
// else but digits remains.
func digits(s, seps string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case strings.ContainsRune(seps, r):
		default:
			return ""
		}
	}
	return b.String()
}

// bankAccountInput is a bank-account body (POST …/bank-account), validated.
type bankAccountInput struct {
	AccountType, Routing, Account, HolderName, BankName string
}

// readBankAccount reads and validates a bank-account body for a profile
// in the US (us) or not: ACH accounts are for U.S. profiles only (a 422
// with the body's type errors), and need a type, a routing number with a
// valid checksum and an account number of 4 to 17 digits.
func readBankAccount(raw map[string]json.RawMessage, us bool) (bankAccountInput, Errors) {
	f := &form{raw: raw, errs: Errors{}}
	var b bankAccountInput
	b.AccountType = f.str("account_type", 20)
	b.Routing = f.str("routing_number", 20)
	b.Account = f.str("account_number", 40)
	b.HolderName = f.str("account_holder_name", 200)
	b.BankName = f.str("bank_name", 200)
	errs := f.errs
	if !us {
		errs.add("non_field_errors", "ACH bank accounts are for U.S. profiles only; international investors must use wire transfer.")
		return b, errs
	}
	for name, v := range map[string]string{"account_type": b.AccountType, "routing_number": b.Routing, "account_number": b.Account} {
		if v == "" && !errs.has(name) {
			errs.add(name, msgRequired)
		}
	}
	if b.AccountType != "" && !slices.Contains(AccountTypes, b.AccountType) {
		errs.add("account_type", msgChoice(b.AccountType))
	}
	if b.Routing != "" && !ValidRouting(b.Routing) {
		errs.add("routing_number", "Enter a valid ABA routing number (nine digits with a valid checksum).")
	}
	if b.Account != "" && !ValidAccountNumber(b.Account) {
		errs.add("account_number", "Enter a valid account number (4 to 17 digits).")
	}
	return b, errs
}
