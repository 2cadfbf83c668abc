package model

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"net/mail"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // offering timezones on hosts without zoneinfo (Lambda)
	"unicode"

	"github.com/shopspring/decimal"
)

// FieldErrors are DRF's 400 body: field → messages.
type FieldErrors map[string][]string

// Add appends a message to a field.
func (f FieldErrors) Add(field, msg string) { f[field] = append(f[field], msg) }

// Has reports whether the field has an error.
func (f FieldErrors) Has(field string) bool { return len(f[field]) > 0 }

// DRF's own messages, word for word.
const (
	MsgRequired      = "This field is required."
	MsgNull          = "This field may not be null."
	MsgBlank         = "This field may not be blank."
	MsgNumber        = "A valid number is required."
	MsgInteger       = "A valid integer is required."
	MsgBoolean       = "Must be a valid boolean."
	MsgString        = "Not a valid string."
	MsgNUL           = "Null characters are not allowed."
	MsgEmail         = "Enter a valid email address."
	MsgURL           = "Enter a valid URL."
	MsgDate          = "Date has wrong format. Use one of these formats instead: YYYY-MM-DD."
	MsgDecimalPlaces = "Ensure that there are no more than 2 decimal places."
)

// MsgChoice is ChoiceField's message for a value outside the choices.
func MsgChoice(v string) string { return fmt.Sprintf("%q is not a valid choice.", v) }

// MsgMaxDigits is DecimalField's message for too many digits.
func MsgMaxDigits(n int) string {
	return fmt.Sprintf("Ensure that there are no more than %d digits in total.", n)
}

// MsgMin and MsgMax are the min_value / max_value messages.
func MsgMin(v any) string { return fmt.Sprintf("Ensure this value is greater than or equal to %v.", v) }

// MsgMax is the max_value message.
func MsgMax(v any) string { return fmt.Sprintf("Ensure this value is less than or equal to %v.", v) }

// MsgMaxLength is CharField's max_length message.
func MsgMaxLength(n int) string {
	return fmt.Sprintf("Ensure this field has no more than %d characters.", n)
}

// Form reads a JSON object the way a DRF serializer validates it: every
// field is checked on its own and every problem is collected in Errors, so
// one 400 names every bad field. In a partial form (PATCH) absent fields
// are not required.
type Form struct {
	raw     map[string]json.RawMessage
	partial bool
	Errors  FieldErrors
}

// NewForm wraps a decoded JSON object.
func NewForm(raw map[string]json.RawMessage, partial bool) *Form {
	if raw == nil {
		raw = map[string]json.RawMessage{}
	}
	return &Form{raw: raw, partial: partial, Errors: FieldErrors{}}
}

// Has reports whether the body names the field.
func (f *Form) Has(name string) bool { _, ok := f.raw[name]; return ok }

// present returns the field's raw value; ok is false when the field is
// absent (reporting "required" when it must be there) or null (reporting
// "may not be null" unless null is allowed; null sets isNull).
func (f *Form) present(name string, required, nullable bool) (raw json.RawMessage, ok, isNull bool) {
	v, has := f.raw[name]
	if !has {
		if required && !f.partial {
			f.Errors.Add(name, MsgRequired)
		}
		return nil, false, false
	}
	if string(bytes.TrimSpace(v)) == "null" {
		if !nullable {
			f.Errors.Add(name, MsgNull)
		}
		return nil, false, true
	}
	return v, true, false
}

// Str options.
type Str struct {
	Required, Nullable, AllowBlank bool
	MaxLen                         int
	Choices                        []Choice
}

// String reads a CharField (or a ChoiceField with Choices). set reports
// that the body assigned the field (to a value or, when nullable, null).
func (f *Form) String(name string, o Str) (v *string, set bool) {
	raw, ok, isNull := f.present(name, o.Required, o.Nullable)
	if !ok {
		return nil, isNull && o.Nullable
	}
	var s string
	switch raw[0] {
	case '"':
		if err := json.Unmarshal(raw, &s); err != nil {
			f.Errors.Add(name, MsgString)
			return nil, false
		}
	case '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
		s = string(raw) // DRF's CharField takes numbers as their text
	default:
		f.Errors.Add(name, MsgString)
		return nil, false
	}
	// DRF's CharField runs ProhibitNullCharactersValidator. httpapi.Decode
	// refuses a NUL anywhere in an object body already; a body read
	// otherwise (the trades list) reaches this check.
	if strings.IndexByte(s, 0) >= 0 {
		f.Errors.Add(name, MsgNUL)
		return nil, false
	}
	s = strings.TrimSpace(s)
	if o.Choices != nil {
		if !HasChoice(o.Choices, s) {
			if s == "" && !o.AllowBlank {
				f.Errors.Add(name, MsgChoice(s))
				return nil, false
			}
			f.Errors.Add(name, MsgChoice(s))
			return nil, false
		}
		return &s, true
	}
	if s == "" && !o.AllowBlank {
		f.Errors.Add(name, MsgBlank)
		return nil, false
	}
	if o.MaxLen > 0 && len([]rune(s)) > o.MaxLen {
		f.Errors.Add(name, MsgMaxLength(o.MaxLen))
		return nil, false
	}
	return &s, true
}

// Email reads an EmailField.
func (f *Form) Email(name string, o Str) (v *string, set bool) {
	v, set = f.String(name, o)
	if v == nil || *v == "" {
		return v, set
	}
	if !ValidEmail(*v) {
		f.Errors.Add(name, MsgEmail)
		return nil, false
	}
	return v, set
}

// URL reads a URLField: a string field (o's bounds) holding a URL that
// ValidURL accepts, or blank when o allows it.
func (f *Form) URL(name string, o Str) (v *string, set bool) {
	v, set = f.String(name, o)
	if v == nil || *v == "" {
		return v, set
	}
	if !ValidURL(*v) {
		f.Errors.Add(name, MsgURL)
		return nil, false
	}
	return v, set
}

// ValidURL is Django's URLValidator in substance: an http, https, ftp or
// ftps URL whose host is a domain name with a top-level domain, localhost,
// or an IP address, with an optional port and no whitespace.
func ValidURL(s string) bool {
	if len(s) > 2048 || strings.ContainsFunc(s, unicode.IsSpace) {
		return false
	}
	u, err := url.Parse(s)
	if err != nil || u.Opaque != "" || u.Host == "" {
		return false
	}
	switch strings.ToLower(u.Scheme) {
	case "http", "https", "ftp", "ftps":
	default:
		return false
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n > 65535 {
			return false
		}
	} else if strings.HasSuffix(u.Host, ":") {
		return false
	}
	host := u.Hostname()
	if net.ParseIP(host) != nil {
		return true
	}
	if strings.EqualFold(host, "localhost") {
		return true
	}
	labels := strings.Split(strings.TrimSuffix(host, "."), ".")
	if len(labels) < 2 {
		return false
	}
	for _, l := range labels {
		if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return false
		}
		for _, r := range l {
			if r != '-' && !unicode.IsLetter(r) && !unicode.IsDigit(r) {
				return false
			}
		}
	}
	tld := labels[len(labels)-1]
	if strings.HasPrefix(strings.ToLower(tld), "xn--") {
		return len(tld) > 4
	}
	if len([]rune(tld)) < 2 {
		return false
	}
	for _, r := range tld {
		if !unicode.IsLetter(r) {
			return false
		}
	}
	return true
}

// ValidEmail is Django's EmailValidator in substance: one @, a non-empty
// local part without spaces, a domain with a dot and no empty labels.
func ValidEmail(s string) bool {
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || a.Name != "" {
		return false
	}
	at := strings.LastIndexByte(s, '@')
	domain := s[at+1:]
	if !strings.Contains(domain, ".") || strings.HasPrefix(domain, ".") || strings.HasSuffix(domain, ".") || strings.Contains(domain, "..") {
		return false
	}
	return !strings.ContainsAny(s, " \t")
}

// Dec options: Money fields have two decimal places.
type Dec struct {
	Required, Nullable bool
	MaxDigits          int    // 0: 14
	Min, Max           *Money // inclusive bounds
}

// Money reads a DecimalField(decimal_places=2) given as a JSON string or
// number.
func (f *Form) Money(name string, o Dec) (v *Money, set bool) {
	raw, ok, isNull := f.present(name, o.Required, o.Nullable)
	if !ok {
		return nil, isNull && o.Nullable
	}
	var s string
	switch raw[0] {
	case '"':
		if err := json.Unmarshal(raw, &s); err != nil {
			f.Errors.Add(name, MsgNumber)
			return nil, false
		}
		s = strings.TrimSpace(s)
	case '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
		s = string(raw)
	default:
		f.Errors.Add(name, MsgNumber)
		return nil, false
	}
	m, err := MoneyFrom(s)
	if err != nil {
		f.Errors.Add(name, MsgNumber)
		return nil, false
	}
	if msg := CheckMoney(m, o); msg != "" {
		f.Errors.Add(name, msg)
		return nil, false
	}
	m = Money{m.Round(2)}
	return &m, true
}

// CheckMoney applies DecimalField's digit, place and bound checks.
func CheckMoney(m Money, o Dec) string {
	maxDigits := o.MaxDigits
	if maxDigits == 0 {
		maxDigits = 14
	}
	places := int(-m.Exponent())
	if places < 0 {
		places = 0
	}
	// Trailing zeros past the second place ("1.500") are still places to DRF.
	if places > 2 {
		return MsgDecimalPlaces
	}
	whole := len(m.Abs().Truncate(0).String())
	if m.Abs().LessThan(decimal.NewFromInt(1)) {
		whole = 0
	}
	if whole+2 > maxDigits {
		return MsgMaxDigits(maxDigits)
	}
	if o.Min != nil && m.LessThan(o.Min.Decimal) {
		return MsgMin(trimZero(*o.Min))
	}
	if o.Max != nil && m.GreaterThan(o.Max.Decimal) {
		return MsgMax(trimZero(*o.Max))
	}
	return ""
}

func trimZero(m Money) string { return m.Decimal.String() }

// Int options.
type Int struct {
	Required, Nullable bool
	Min, Max           *int64
}

// Int reads an IntegerField (a JSON integer, or a string holding one).
func (f *Form) Int(name string, o Int) (v *int64, set bool) {
	raw, ok, isNull := f.present(name, o.Required, o.Nullable)
	if !ok {
		return nil, isNull && o.Nullable
	}
	s := string(raw)
	if raw[0] == '"' {
		if err := json.Unmarshal(raw, &s); err != nil {
			f.Errors.Add(name, MsgInteger)
			return nil, false
		}
		s = strings.TrimSpace(s)
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		// DRF takes 12.0 as 12, not 12.5.
		d, derr := decimal.NewFromString(s)
		if derr != nil || !d.Equal(d.Truncate(0)) || !d.Abs().LessThan(decimal.New(1, 18)) {
			f.Errors.Add(name, MsgInteger)
			return nil, false
		}
		n = d.IntPart()
	}
	if o.Min != nil && n < *o.Min {
		f.Errors.Add(name, MsgMin(*o.Min))
		return nil, false
	}
	if o.Max != nil && n > *o.Max {
		f.Errors.Add(name, MsgMax(*o.Max))
		return nil, false
	}
	return &n, true
}

// Bool reads a BooleanField with DRF's accepted spellings.
func (f *Form) Bool(name string, required, nullable bool) (v *bool, set bool) {
	raw, ok, isNull := f.present(name, required, nullable)
	if !ok {
		return nil, isNull && nullable
	}
	s := string(raw)
	if raw[0] == '"' {
		_ = json.Unmarshal(raw, &s)
	}
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "true", "1", "yes", "y", "on", "t":
		b := true
		return &b, true
	case "false", "0", "no", "n", "off", "f":
		b := false
		return &b, true
	}
	f.Errors.Add(name, MsgBoolean)
	return nil, false
}

// Date reads a DateField (YYYY-MM-DD).
func (f *Form) Date(name string, required, nullable bool) (v *Date, set bool) {
	raw, ok, isNull := f.present(name, required, nullable)
	if !ok {
		return nil, isNull && nullable
	}
	var s string
	if raw[0] != '"' || json.Unmarshal(raw, &s) != nil {
		f.Errors.Add(name, MsgDate)
		return nil, false
	}
	d, err := ParseDate(strings.TrimSpace(s))
	if err != nil {
		f.Errors.Add(name, MsgDate)
		return nil, false
	}
	return &d, true
}

// Strings reads a list of strings, each one of choices when choices is set.
func (f *Form) Strings(name string, choices func(string) bool) (v []string, set bool) {
	raw, ok, _ := f.present(name, false, false)
	if !ok {
		return nil, false
	}
	var items []json.RawMessage
	if raw[0] != '[' || json.Unmarshal(raw, &items) != nil {
		f.Errors.Add(name, fmt.Sprintf("Expected a list of items but got type %q.", pyType(raw)))
		return nil, false
	}
	out := []string{}
	for _, it := range items {
		var s string
		if json.Unmarshal(it, &s) != nil {
			f.Errors.Add(name, MsgString)
			return nil, false
		}
		if strings.IndexByte(s, 0) >= 0 {
			f.Errors.Add(name, MsgNUL)
			return nil, false
		}
		s = strings.TrimSpace(s)
		if choices != nil && !choices(s) {
			f.Errors.Add(name, MsgChoice(s))
			return nil, false
		}
		out = append(out, s)
	}
	return out, true
}

// MaxJSON bounds a JSONField's value (bytes of compact JSON). JSONFields
// (utm_parameters, metadata, onboarding tasks) take any value; without a
// bound a few hundred KB reached DynamoDB's 400 KB item limit and
// answered 500.
const MaxJSON = 64 << 10

// JSON reads a JSONField: any JSON value up to MaxJSON, kept as sent.
func (f *Form) JSON(name string) (v RawJSON, set bool) {
	raw, ok, isNull := f.present(name, false, true)
	if isNull {
		return nil, true
	}
	if !ok {
		return nil, false
	}
	var r RawJSON
	if err := r.UnmarshalJSON(raw); err != nil {
		f.Errors.Add(name, "Value must be valid JSON.")
		return nil, false
	}
	if len(r) > MaxJSON {
		f.Errors.Add(name, fmt.Sprintf("Ensure this field has no more than %d bytes.", MaxJSON))
		return nil, false
	}
	return r, true
}

// Object returns a nested object's form (its errors are reported by the
// caller under the field's name) or nil when absent or null.
func (f *Form) Object(name string, partial bool) (*Form, bool) {
	raw, ok, isNull := f.present(name, false, true)
	if !ok {
		return nil, isNull
	}
	var m map[string]json.RawMessage
	if raw[0] != '{' || json.Unmarshal(raw, &m) != nil {
		f.Errors.Add(name, fmt.Sprintf("Invalid data. Expected a dictionary, but got %s.", pyType(raw)))
		return nil, false
	}
	return NewForm(m, partial), true
}

// Nested turns a nested form's errors into a DRF nested error body: the
// field maps to an object of the nested field errors.
func (f *Form) Nested(name string, inner *Form) map[string]any {
	if inner == nil || len(inner.Errors) == 0 {
		return nil
	}
	return map[string]any{name: map[string][]string(inner.Errors)}
}

func pyType(raw json.RawMessage) string {
	switch raw[0] {
	case '{':
		return "dict"
	case '[':
		return "list"
	case '"':
		return "str"
	case 't', 'f':
		return "bool"
	case 'n':
		return "NoneType"
	}
	if bytes.ContainsAny(raw, ".eE") {
		return "float"
	}
	return "int"
}

// Countries are ISO 3166-1 alpha-2 codes: the rule only checks the shape.
func ValidCountry(s string) bool {
	if len(s) != 2 {
		return false
	}
	return s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' && s[1] <= 'Z'
}

// ---- Offering settings rules -------------------------------------------

// OfferingOpen says whether an offering takes new investments at now: it
// must be opened, not archived and not past its deadline.
func OfferingOpen(o *Offering, now time.Time) error {
	if o.Status != "opened" {
		return &RegulationError{"offering", fmt.Sprintf("The offering is not open for investment (status %s).", o.Status)}
	}
	if o.Archived {
		return &RegulationError{"offering", "The offering is archived."}
	}
	if DeadlinePassed(o, now) {
		return &RegulationError{"offering", fmt.Sprintf("The offering's deadline_date %s has passed: it takes no new investments.", o.DeadlineDate)}
	}
	return nil
}

// DeadlinePassed reports whether now is past the offering's deadline: the
// deadline date is the last day of the offering, so it passes at the end
// of that day in the offering's timezone (the day the cancellation window
// of 227.304(a) is counted back from). No deadline never passes.
func DeadlinePassed(o *Offering, now time.Time) bool {
	if o.DeadlineDate == nil {
		return false
	}
	loc := loadLocation(o.DefaultTimezone)
	d := o.DeadlineDate
	end := time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, loc).AddDate(0, 0, 1)
	return !now.Before(end)
}

// DeadlineToOpen is why an offering may not open (or resume) at now: its
// deadline has passed. It names deadline_date so the issuer knows what to
// change; nil when the deadline is ahead or unset.
func DeadlineToOpen(o *Offering, now time.Time) FieldErrors {
	if !DeadlinePassed(o, now) {
		return nil
	}
	return FieldErrors{"deadline_date": {fmt.Sprintf("The deadline %s has passed: an offering may not open after its deadline; set a later deadline_date first.", o.DeadlineDate)}}
}

// Pricing is how an investment's amounts follow from its quantity.
type Pricing struct {
	Quantity       int64
	Price          Money // quantity × unit price
	PriceFees      Money // administrative fees, when the investor pays them
	ProcessingFees Money
	Amount         Money // price + fees + processing fees
}

// Price computes an investment's amounts. Quantity may be given, or (on a
// dollar-amount offering) derived from amount; when both are given they
// must agree: quantity × unit price (+ administrative fees when paid by the
// investor, + payment processing fees) = amount.
func Price(o *Offering, quantity *int64, amount *Money, processing Money) (Pricing, FieldErrors) {
	errs := FieldErrors{}
	if o.UnitPrice == nil || !o.UnitPrice.IsPositive() {
		errs.Add("offering", "The offering has no unit price.")
		return Pricing{}, errs
	}
	unit := o.UnitPrice.Decimal
	fees := decimal.Zero
	if o.AdministrativeFeesPaidByInvestor && o.AdministrativeFees != nil {
		fees = o.AdministrativeFees.Decimal
	}
	extra := fees.Add(processing.Decimal)
	var q int64
	switch {
	case quantity != nil:
		q = *quantity
	case amount != nil:
		shares := amount.Sub(extra).Div(unit)
		if !shares.Equal(shares.Truncate(0)) {
			errs.Add("amount", fmt.Sprintf("The amount less fees must be a whole number of units at %s each.", o.UnitPrice.String()))
			return Pricing{}, errs
		}
		q = shares.IntPart()
	default:
		errs.Add("quantity", MsgRequired)
		return Pricing{}, errs
	}
	if q < 1 {
		errs.Add("quantity", MsgMin(1))
		return Pricing{}, errs
	}
	price := decimal.NewFromInt(q).Mul(unit).Round(2)
	p := Pricing{Quantity: q, Price: Money{price}, PriceFees: Money{fees}, ProcessingFees: processing, Amount: Money{price.Add(extra)}}
	if amount != nil && !amount.Equal(p.Amount.Decimal) {
		errs.Add("amount", fmt.Sprintf("The amount must equal quantity × unit price (+ fees): %d × %s = %s.", q, o.UnitPrice.String(), p.Amount.String()))
	}
	return p, errs
}

// CheckAmount applies the offering's minimum, maximum and increment to
// the investment's price (what buys securities, fees aside).
func CheckAmount(o *Offering, price Money) FieldErrors {
	errs := FieldErrors{}
	if o.MinInvestmentAmount != nil && price.LessThan(o.MinInvestmentAmount.Decimal) {
		errs.Add("amount", fmt.Sprintf("The minimum investment is %s.", o.MinInvestmentAmount.String()))
	}
	if o.MaxInvestmentAmount != nil && price.GreaterThan(o.MaxInvestmentAmount.Decimal) {
		errs.Add("amount", fmt.Sprintf("The maximum investment is %s.", o.MaxInvestmentAmount.String()))
	}
	if inc := o.InvestmentIncrementAmount; inc != nil && inc.IsPositive() && !price.Mod(inc.Decimal).IsZero() {
		errs.Add("amount", fmt.Sprintf("The amount must be a multiple of %s.", inc.String()))
	}
	return errs
}

// Accredited is the entity's accreditation: verified accreditation needs
// both the flag and the basis (accredited_investor_type).
func Accredited(e *Entity) bool {
	return e != nil && e.AccreditedInvestor != nil && *e.AccreditedInvestor
}

// CheckInvestorAllowed applies the offering's investor settings: country
// included/excluded, and whether it takes accredited and non-accredited
// investors. An offering that lists countries (either way) refuses an
// investor whose country is unknown: nothing shows it is not from a
// country the issuer excluded or left out.
func CheckInvestorAllowed(o *Offering, e *Entity) FieldErrors {
	errs := FieldErrors{}
	country := ""
	if e != nil && e.Country != nil {
		country = strings.ToUpper(strings.TrimSpace(*e.Country))
	}
	switch {
	case country == "" && (len(o.InvestorsIncludedCountries) > 0 || len(o.InvestorsExcludedCountries) > 0):
		errs.Add("investor", "The offering accepts investors from some countries only, and the investor's entity has no country: set its country first.")
	case len(o.InvestorsIncludedCountries) > 0 && !contains(o.InvestorsIncludedCountries, country):
		errs.Add("investor", fmt.Sprintf("The offering does not accept investors from %s.", country))
	case contains(o.InvestorsExcludedCountries, country):
		errs.Add("investor", fmt.Sprintf("The offering does not accept investors from %s.", country))
	}
	acc := Accredited(e)
	if acc && !o.AccreditedInvestors {
		errs.Add("investor", "The offering does not accept accredited investors.")
	}
	if !acc && !o.NonAccreditedInvestors {
		errs.Add("investor", "The offering accepts accredited investors only.")
	}
	return errs
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if strings.EqualFold(v, s) {
			return true
		}
	}
	return false
}

// resolvedAML are the watchlist statuses that clear a hit.
var resolvedAML = map[string]bool{"clear": true, "cleared": true, "false_positive": true, "resolved": true}

// UnresolvedAMLHit reports whether a screening has a hit nobody cleared.
func UnresolvedAMLHit(ws []Watchlist) bool {
	for _, w := range ws {
		if !w.HasHits {
			continue
		}
		if w.OFACFincenStatus == nil || !resolvedAML[*w.OFACFincenStatus] {
			return true
		}
	}
	return false
}

// ApprovalGate is why an investment may not be approved yet: the entity's
// KYC must have passed and no AML watchlist hit may be unresolved. The
// message names what blocks it; "" means it may be approved.
func ApprovalGate(e *Entity, ws []Watchlist) string {
	status := "unverified"
	if e != nil && e.KYCStatus != nil {
		status = *e.KYCStatus
	}
	if status != "passed" {
		return fmt.Sprintf("Cannot approve an investment whose investor's KYC status is %s.", status)
	}
	if UnresolvedAMLHit(ws) {
		return "Cannot approve an investment with an unresolved AML watchlist hit."
	}
	return ""
}

// AutoAccepts reports whether the offering accepts an approved investment
// of amount on its own: auto_accept_investments, within
// auto_accept_min_amount and auto_accept_max_amount when they are set.
func AutoAccepts(o *Offering, amount Money) bool {
	if !o.AutoAcceptInvestments {
		return false
	}
	if o.AutoAcceptMinAmount != nil && amount.LessThan(o.AutoAcceptMinAmount.Decimal) {
		return false
	}
	if o.AutoAcceptMaxAmount != nil && amount.GreaterThan(o.AutoAcceptMaxAmount.Decimal) {
		return false
	}
	return true
}

// CancelAllowed applies the regulation's cancellation window: under Reg CF
// an investor may cancel until 48 hours before the deadline
// (227.304(a)); elsewhere an investment the issuer accepted is final.
func CancelAllowed(o *Offering, inv *Investment, now time.Time) string {
	reg := RegulationFor(o)
	if until, ok := reg.CancelDeadline(o.DeadlineDate, loadLocation(o.DefaultTimezone)); ok && !now.Before(until) {
		return fmt.Sprintf("Investments may be cancelled only until 48 hours before the offering deadline (%s).", reg.CancelUntilCFR)
	}
	if inv.Status == StatusAccepted && reg.CancelUntil == 0 {
		return "Cannot cancel an investment the issuer has accepted."
	}
	return ""
}

// InvestAllowed: a Reg CF investment is invested only after its escrow
// closed.
func InvestAllowed(o *Offering, inv *Investment) string {
	if RegulationFor(o).Escrow && inv.Status == StatusAccepted {
		return "Cannot invest a Regulation Crowdfunding investment before the escrow closes."
	}
	return ""
}

// EscrowCloseAllowed applies 227.304: the target (minimum amount raised)
// reached and the 48-hour cancellation window passed. received is the
// amount accepted and received so far.
func EscrowCloseAllowed(o *Offering, raised Money, now time.Time) string {
	reg := RegulationFor(o)
	if !reg.Escrow {
		return fmt.Sprintf("Escrow closing applies to Regulation Crowdfunding offerings only, not %s.", o.Type)
	}
	if o.MinimumAmountRaised != nil && raised.LessThan(o.MinimumAmountRaised.Decimal) {
		return fmt.Sprintf("The escrow cannot close before the target amount %s is reached (%s raised).", o.MinimumAmountRaised.String(), raised.String())
	}
	// 227.303(a): no sale before the offering was public for 21 days.
	public, ok := PublicFor(o)
	if !ok {
		return "The escrow cannot close: the offering never opened, so it was never public (17 CFR 227.303(a))."
	}
	if now.Before(public) {
		return fmt.Sprintf("The escrow cannot close before %s: the offering must be public for 21 days (since it opened at %s) before any sale (17 CFR 227.303(a)).", NewTime(public), o.OpenedAt)
	}
	until, ok := reg.CancelDeadline(o.DeadlineDate, loadLocation(o.DefaultTimezone))
	if !ok {
		return "The escrow cannot close: the offering has no deadline."
	}
	if now.Before(until) {
		return fmt.Sprintf("The escrow cannot close before the cancellation period ends at %s (%s).", NewTime(until), reg.CancelUntilCFR)
	}
	return ""
}

func loadLocation(name string) *time.Location {
	if name == "" {
		return time.UTC
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return time.UTC
	}
	return loc
}

// OfferingFieldsToOpen lists the fields an offering of its type must have
// before it opens, each with DRF's "required" message.
func OfferingFieldsToOpen(o *Offering) FieldErrors {
	errs := FieldErrors{}
	need := func(field string, ok bool) {
		if !ok {
			errs.Add(field, MsgRequired)
		}
	}
	need("name", strings.TrimSpace(o.Name) != "")
	need("unit_price", o.UnitPrice != nil && o.UnitPrice.IsPositive())
	need("min_investment_amount", o.MinInvestmentAmount != nil)
	need("maximum_amount_raised", o.MaximumAmountRaised != nil && o.MaximumAmountRaised.IsPositive())
	need("signing_full_name", o.SigningFullName != nil && *o.SigningFullName != "")
	need("signing_email", o.SigningEmail != nil && *o.SigningEmail != "")
	switch o.Type {
	case TypeRegCF:
		need("minimum_amount_raised", o.MinimumAmountRaised != nil && o.MinimumAmountRaised.IsPositive())
		need("deadline_date", o.DeadlineDate != nil)
		need("reg_cf_fee_percentage", o.RegCFFeePercentage != nil)
	case TypeRegA:
		need("circular_link", (o.CircularLink != nil && *o.CircularLink != "") || (o.CircularFile != nil && *o.CircularFile != ""))
	}
	if o.Type == TypeTestTheWaters {
		errs.Add("type", "A test-the-waters offering gauges interest and cannot open for investment.")
	}
	for f, m := range CheckOfferingSettings(o) {
		errs[f] = append(errs[f], m...)
	}
	return errs
}

// CheckOfferingSettings is the consistency of an offering's settings,
// checked on every create and update.
func CheckOfferingSettings(o *Offering) FieldErrors {
	errs := FieldErrors{}
	reg := RegulationFor(o)
	if o.MaximumAmountRaised != nil {
		if e := reg.CheckMaxRaise(*o.MaximumAmountRaised); e != nil {
			errs.Add(e.Field, e.Message)
		}
	}
	if reg.AccreditedOnly && o.NonAccreditedInvestors {
		errs.Add("non_accredited_investors", fmt.Sprintf("%s offerings accept accredited investors only (%s).", reg.Name, reg.AccreditedOnlyCFR))
	}
	lessEq := func(lo, hi *Money, field, msg string) {
		if lo != nil && hi != nil && lo.GreaterThan(hi.Decimal) {
			errs.Add(field, msg)
		}
	}
	lessEq(o.MinInvestmentAmount, o.MaxInvestmentAmount, "min_investment_amount", "The minimum investment may not exceed the maximum investment.")
	lessEq(o.MinimumAmountRaised, o.MaximumAmountRaised, "minimum_amount_raised", "The minimum amount raised may not exceed the maximum amount raised.")
	lessEq(o.MaxInvestmentAmount, o.MaximumAmountRaised, "max_investment_amount", "The maximum investment may not exceed the maximum amount raised.")
	lessEq(o.AutoAcceptMinAmount, o.AutoAcceptMaxAmount, "auto_accept_min_amount", "The auto-accept minimum may not exceed the auto-accept maximum.")
	if !o.AccreditedInvestors && !o.NonAccreditedInvestors {
		errs.Add("accredited_investors", "The offering must accept accredited or non-accredited investors.")
	}
	if len(o.InvestorsIncludedCountries) > 0 && len(o.InvestorsExcludedCountries) > 0 {
		for _, c := range o.InvestorsIncludedCountries {
			if contains(o.InvestorsExcludedCountries, c) {
				errs.Add("investors_excluded_countries", fmt.Sprintf("%s is both included and excluded.", c))
			}
		}
	}
	if o.DefaultTimezone != "" {
		if _, err := time.LoadLocation(o.DefaultTimezone); err != nil {
			errs.Add("default_timezone", MsgChoice(o.DefaultTimezone))
		}
	}
	for f := range errs {
		sort.Strings(errs[f])
	}
	return errs
}

// OfferingTransitions are the offering status actions: the statuses each
// may start from and where it leads.
var OfferingTransitions = map[string]struct {
	From []string
	To   string
}{
	"open":  {From: []string{"incomplete", "pending", "paused"}, To: "opened"},
	"pause": {From: []string{"opened"}, To: "paused"},
	"close": {From: []string{"opened", "paused"}, To: "closed"},
}

// NextOfferingStatus returns where the action takes an offering in status,
// or an error naming both.
func NextOfferingStatus(status, action string) (string, error) {
	t, ok := OfferingTransitions[action]
	if ok {
		for _, f := range t.From {
			if f == status {
				return t.To, nil
			}
		}
	}
	return "", &OfferingTransitionError{Action: action, Status: status}
}

// OfferingTransitionError is an offering action its status does not allow;
// the handler renders it 409 {"detail": Error()}.
type OfferingTransitionError struct{ Action, Status string }

func (e *OfferingTransitionError) Error() string {
	return "Cannot " + e.Action + " an offering whose status is " + e.Status + "."
}

// RefundAllowed: only money that came in can go back.
func RefundAllowed(inv *Investment) string {
	if inv.ReceivedAt == nil {
		return "Cannot refund an investment whose payment was never received."
	}
	return ""
}

// Raw returns a field's JSON text as sent (nil when absent).
func (f *Form) Raw(name string) json.RawMessage { return f.raw[name] }
