package forms

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/mail"
	"regexp"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/shopspring/decimal"

	"github.com/tranche-dev/tranche/pkg/model"
	"github.com/tranche-dev/tranche/pkg/store"
)

// Field types of a form definition.
const (
	TypeText           = "text"            // a string of at most MaxText characters
	TypeNumber         = "number"          // a decimal (JSON number or numeric string), kept as its exact decimal string
	TypeInteger        = "integer"         // a whole number
	TypeBoolean        = "boolean"         // true or false
	TypeDate           = "date"            // "YYYY-MM-DD"
	TypeEmail          = "email"           // an e-mail address
	TypeChoice         = "choice"          // one of the field's choices
	TypeMultipleChoice = "multiple_choice" // distinct values among the field's choices
)

// FieldTypes lists the field types in the order the schema shows them.
var FieldTypes = []string{TypeText, TypeNumber, TypeInteger, TypeBoolean, TypeDate, TypeEmail, TypeChoice, TypeMultipleChoice}

// Limits of a definition: they keep a form and a user's answers well
// inside one DynamoDB item (400 KB).
const (
	MaxFields    = 50
	MaxChoices   = 50
	MaxChoiceLen = 100
	MaxLabel     = 200
	MaxHelpText  = 500
	MaxName      = 200
	MaxDescr     = 2000
	MaxText      = 2000
	// MaxFieldsBytes bounds a definition's fields as JSON, and
	// MaxAnswersBytes a user's answers as stored: each field's own limits
	// count characters, and multi-byte text (a choice of 100 "é" is 200
	// bytes) or text that is stored escaped ("<" is "\u003c") took a form
	// or an implementation past DynamoDB's 400 KB item (a 500). A form
	// of ASCII text at every per-field limit stays within both.
	MaxFieldsBytes  = 320 << 10
	MaxAnswersBytes = 320 << 10
	maxFieldName    = 64
	msgRequired     = "This field is required."
	msgBlank        = "This field may not be blank."
	msgNotAList     = `Expected a list of items but got type "%s".`
	msgEmptyList    = "This list may not be empty."
	msgBadChoice    = `"%s" is not a valid choice.`
	msgTooLong      = "Ensure this field has no more than %d characters."
	msgTooMany      = "Ensure this field has no more than %d elements."
	msgNotBoolean   = "Must be a valid boolean."
)

var fieldName = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)

// Investor classifications: what gates an investor preference form. An
// investor's classification is its type (model.InvestorTypes) joined with
// its accreditation: "accredited" when the investor's entity (its
// company or trust entity, else its individual entity) declares
// accredited_investor true, "non_accredited" otherwise (false or not
// declared). A user's classifications are those of the investors the user
// owns; a user with no investor has none, so sees no preference form.
var Classifications = func() []string {
	var out []string
	for _, t := range model.InvestorTypes {
		out = append(out, t.Value+"_accredited", t.Value+"_non_accredited")
	}
	return out
}()

// Classify returns the classification of an investor given its entity
// and individual entity (either may be nil).
func Classify(inv *model.Investor, ent, ind *model.Entity) string {
	e := ent
	if e == nil {
		e = ind
	}
	if e != nil && e.AccreditedInvestor != nil && *e.AccreditedInvestor {
		return inv.Type + "_accredited"
	}
	return inv.Type + "_non_accredited"
}

// Enforcement types of an investor preference form: what the form demands
// of the users it is shown to.
const (
	// EnforcementOptional: answering is up to the user. A submission may
	// leave required fields unanswered (each answer given is still checked
	// against its field), and the form is never outstanding.
	EnforcementOptional = "optional"
	// EnforcementRequired: every required field must be answered in a
	// submission (400 otherwise), and the form is outstanding for the user
	// until answers are submitted.
	EnforcementRequired = "required"
	// EnforcementAttested: as required, and the answers must be the user's
	// own statement: only the user may submit or change them (a manager
	// may assign the form, read the answers, but not answer: 403).
	EnforcementAttested = "attested"
)

// EnforcementTypes lists the enforcement types.
var EnforcementTypes = []string{EnforcementOptional, EnforcementRequired, EnforcementAttested}

// Implementation statuses.
const (
	StatusPending   = "pending"   // assigned, no answers submitted yet
	StatusSubmitted = "submitted" // answers submitted
)

// DefinitionInput is the body of a form definition (POST).
type DefinitionInput struct {
	Name        *string           `json:"name"`
	Description *string           `json:"description"`
	Fields      []json.RawMessage `json:"fields"`
	Enabled     *bool             `json:"enabled"`
	// Investor preference forms only.
	Classifications []string `json:"classifications"`
	Editable        *bool    `json:"editable"`
	EnforcementType *string  `json:"enforcement_type"`
}

type fieldInput struct {
	Name     *string  `json:"name"`
	Label    *string  `json:"label"`
	Type     *string  `json:"type"`
	Required *bool    `json:"required"`
	Choices  []string `json:"choices"`
	HelpText *string  `json:"help_text"`
}

// ValidateDefinition checks a definition and returns the form it defines
// (kind, name, fields and settings) or the DRF error body: top-level
// fields map to their messages, and "fields" to a list with one object
// per field in order ({} for a valid one), as DRF's nested list
// serializer reports it.
func ValidateDefinition(kind string, in DefinitionInput) (*store.Form, map[string]any) {
	errs := map[string]any{}
	f := &store.Form{Kind: kind, Enabled: true}
	switch {
	case in.Name == nil:
		errs["name"] = []string{msgRequired}
	case strings.TrimSpace(*in.Name) == "":
		errs["name"] = []string{msgBlank}
	case utf8.RuneCountInString(*in.Name) > MaxName:
		errs["name"] = []string{fmt.Sprintf(msgTooLong, MaxName)}
	default:
		f.Name = strings.TrimSpace(*in.Name)
	}
	if in.Description != nil {
		if utf8.RuneCountInString(*in.Description) > MaxDescr {
			errs["description"] = []string{fmt.Sprintf(msgTooLong, MaxDescr)}
		}
		f.Description = *in.Description
	}
	if in.Enabled != nil {
		f.Enabled = *in.Enabled
	}
	switch {
	case in.Fields == nil:
		errs["fields"] = []string{msgRequired}
	case len(in.Fields) == 0:
		errs["fields"] = []string{msgEmptyList}
	case len(in.Fields) > MaxFields:
		errs["fields"] = []string{fmt.Sprintf(msgTooMany, MaxFields)}
	default:
		per, bad := make([]map[string][]string, len(in.Fields)), false
		seen := map[string]bool{}
		for i, raw := range in.Fields {
			fd, fe := validateField(raw)
			if fe == nil && seen[fd.Name] {
				fe = map[string][]string{"name": {"Field names must be unique within a form."}}
			}
			per[i] = map[string][]string{}
			if fe != nil {
				per[i], bad = fe, true
				continue
			}
			seen[fd.Name] = true
			f.Fields = append(f.Fields, fd)
		}
		if bad {
			errs["fields"] = per
		} else if n := fieldsSize(f.Fields); n > MaxFieldsBytes {
			errs["fields"] = []string{fmt.Sprintf("Ensure the form's fields take no more than %d bytes (these take %d).", MaxFieldsBytes, n)}
		}
	}
	if kind == store.FormPreference {
		cs, msg := ValidateClassifications(in.Classifications, in.Classifications != nil)
		if msg != nil {
			errs["classifications"] = msg
		}
		f.Classifications = cs
		if in.Editable != nil {
			f.Editable = *in.Editable
		} else {
			f.Editable = true
		}
		f.EnforcementType = EnforcementOptional
		if in.EnforcementType != nil {
			if !contains(EnforcementTypes, *in.EnforcementType) {
				errs["enforcement_type"] = []string{fmt.Sprintf(msgBadChoice, *in.EnforcementType)}
			}
			f.EnforcementType = *in.EnforcementType
		}
	} else {
		for key, set := range map[string]bool{"classifications": in.Classifications != nil, "editable": in.Editable != nil, "enforcement_type": in.EnforcementType != nil} {
			if set {
				errs[key] = []string{"This setting belongs to investor preference forms only."}
			}
		}
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return f, nil
}

// fieldsSize is the size of a definition's fields as JSON (without HTML
// escapes): an upper bound of what they take in a DynamoDB item, where
// strings count their UTF-8 bytes.
func fieldsSize(fields []store.FormField) int {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if enc.Encode(fields) != nil {
		return MaxFieldsBytes + 1
	}
	return buf.Len()
}

// ValidateClassifications checks a preference form's classification set:
// present, non-empty, each a known classification. It returns the set
// sorted and deduplicated.
func ValidateClassifications(in []string, present bool) ([]string, []string) {
	if !present {
		return nil, []string{msgRequired}
	}
	if len(in) == 0 {
		return nil, []string{msgEmptyList}
	}
	seen := map[string]bool{}
	var out []string
	for _, c := range in {
		if !contains(Classifications, c) {
			return nil, []string{fmt.Sprintf(msgBadChoice, c)}
		}
		if !seen[c] {
			seen[c] = true
			out = append(out, c)
		}
	}
	sort.Strings(out)
	return out, nil
}

func validateField(raw json.RawMessage) (store.FormField, map[string][]string) {
	var in fieldInput
	var fd store.FormField
	if err := strictDecode(raw, &in); err != nil {
		return fd, map[string][]string{"non_field_errors": {"Invalid data. Expected a dictionary with name, label, type, required, choices and help_text."}}
	}
	e := map[string][]string{}
	switch {
	case in.Name == nil:
		e["name"] = []string{msgRequired}
	case !fieldName.MatchString(*in.Name):
		e["name"] = []string{"Enter a name of lower-case letters, digits and underscores, starting with a letter."}
	case len(*in.Name) > maxFieldName:
		e["name"] = []string{fmt.Sprintf(msgTooLong, maxFieldName)}
	default:
		fd.Name = *in.Name
	}
	switch {
	case in.Label == nil:
		e["label"] = []string{msgRequired}
	case strings.TrimSpace(*in.Label) == "":
		e["label"] = []string{msgBlank}
	case utf8.RuneCountInString(*in.Label) > MaxLabel:
		e["label"] = []string{fmt.Sprintf(msgTooLong, MaxLabel)}
	default:
		fd.Label = strings.TrimSpace(*in.Label)
	}
	if in.HelpText != nil {
		if utf8.RuneCountInString(*in.HelpText) > MaxHelpText {
			e["help_text"] = []string{fmt.Sprintf(msgTooLong, MaxHelpText)}
		}
		fd.HelpText = *in.HelpText
	}
	if in.Required != nil {
		fd.Required = *in.Required
	}
	switch {
	case in.Type == nil:
		e["type"] = []string{msgRequired}
	case !contains(FieldTypes, *in.Type):
		e["type"] = []string{fmt.Sprintf(msgBadChoice, *in.Type)}
	default:
		fd.Type = *in.Type
	}
	withChoices := fd.Type == TypeChoice || fd.Type == TypeMultipleChoice
	switch {
	case fd.Type == "":
	case !withChoices && in.Choices != nil && len(in.Choices) > 0:
		e["choices"] = []string{fmt.Sprintf("A %s field takes no choices.", fd.Type)}
	case withChoices && len(in.Choices) == 0:
		e["choices"] = []string{"A " + fd.Type + " field needs at least one choice."}
	case withChoices && len(in.Choices) > MaxChoices:
		e["choices"] = []string{fmt.Sprintf(msgTooMany, MaxChoices)}
	case withChoices:
		seen := map[string]bool{}
		for _, c := range in.Choices {
			switch {
			case strings.TrimSpace(c) == "":
				e["choices"] = []string{"Choices may not be blank."}
			case utf8.RuneCountInString(c) > MaxChoiceLen:
				e["choices"] = []string{fmt.Sprintf("Ensure each choice has no more than %d characters.", MaxChoiceLen)}
			case seen[c]:
				e["choices"] = []string{fmt.Sprintf("Choice %q is listed twice.", c)}
			}
			seen[c] = true
		}
		fd.Choices = in.Choices
	}
	if len(e) > 0 {
		return fd, e
	}
	return fd, nil
}

// strictDecode decodes one JSON object, refusing unknown keys and
// anything but an object.
func strictDecode(raw json.RawMessage, v any) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// ValidateAnswers checks answers (a JSON object keyed by field name)
// against a definition. Unknown keys are errors; null or absent answers
// are unanswered; requireAll makes an unanswered required field an
// error. It returns the normalized answers (each value in the field's
// canonical form: numbers as exact decimal strings) as a JSON object, or
// the per-field messages.
func ValidateAnswers(fields []store.FormField, raw json.RawMessage, requireAll bool) (string, map[string][]string) {
	var in map[string]json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if len(bytes.TrimSpace(raw)) == 0 || bytes.Equal(bytes.TrimSpace(raw), []byte("null")) {
		in = map[string]json.RawMessage{}
	} else if err := dec.Decode(&in); err != nil {
		return "", map[string][]string{"non_field_errors": {"Invalid data. Expected a dictionary of answers keyed by field name."}}
	}
	byName := map[string]*store.FormField{}
	for i := range fields {
		byName[fields[i].Name] = &fields[i]
	}
	errs := map[string][]string{}
	for k := range in {
		if byName[k] == nil {
			errs[k] = []string{"This form has no such field."}
		}
	}
	out := map[string]any{}
	for i := range fields {
		fd := &fields[i]
		v, ok := in[fd.Name]
		if !ok || bytes.Equal(bytes.TrimSpace(v), []byte("null")) {
			if requireAll && fd.Required {
				errs[fd.Name] = []string{msgRequired}
			}
			continue
		}
		val, msg := answer(fd, v)
		if msg != "" {
			errs[fd.Name] = []string{msg}
			continue
		}
		if val == nil {
			if requireAll && fd.Required {
				errs[fd.Name] = []string{msgRequired}
			}
			continue
		}
		out[fd.Name] = val
	}
	if len(errs) > 0 {
		return "", errs
	}
	b, err := json.Marshal(out)
	if err != nil {
		return "", map[string][]string{"non_field_errors": {"Invalid answers."}}
	}
	if len(b) > MaxAnswersBytes {
		return "", map[string][]string{"non_field_errors": {fmt.Sprintf("Ensure the answers take no more than %d bytes (these take %d).", MaxAnswersBytes, len(b))}}
	}
	return string(b), nil
}

// answer checks one value; a nil result with no message is an empty
// answer (blank text, no choice).
func answer(fd *store.FormField, v json.RawMessage) (any, string) {
	dec := json.NewDecoder(bytes.NewReader(v))
	dec.UseNumber()
	var x any
	if err := dec.Decode(&x); err != nil {
		return nil, "Invalid value."
	}
	switch fd.Type {
	case TypeText, TypeEmail, TypeDate, TypeChoice:
		s, ok := x.(string)
		if !ok {
			return nil, "Not a valid string."
		}
		if strings.TrimSpace(s) == "" {
			return nil, ""
		}
		switch fd.Type {
		case TypeText:
			if utf8.RuneCountInString(s) > MaxText {
				return nil, fmt.Sprintf(msgTooLong, MaxText)
			}
			return s, ""
		case TypeEmail:
			s = strings.TrimSpace(s)
			a, err := mail.ParseAddress(s)
			if err != nil || a.Address != s || len(s) > 254 {
				return nil, "Enter a valid email address."
			}
			return s, ""
		case TypeDate:
			d, err := time.Parse(time.DateOnly, s)
			if err != nil {
				return nil, "Date has wrong format. Use one of these formats instead: YYYY-MM-DD."
			}
			return d.Format(time.DateOnly), ""
		default:
			if !contains(fd.Choices, s) {
				return nil, fmt.Sprintf(msgBadChoice, s)
			}
			return s, ""
		}
	case TypeNumber, TypeInteger:
		invalid := "A valid number is required."
		if fd.Type == TypeInteger {
			invalid = "A valid integer is required."
		}
		var txt string
		switch n := x.(type) {
		case json.Number:
			txt = n.String()
		case string:
			txt = strings.TrimSpace(n)
		default:
			return nil, invalid
		}
		if txt == "" {
			return nil, ""
		}
		d, err := decimal.NewFromString(txt)
		// A bounded exponent: "1e999999" is 40 characters but would render
		// as a million digits.
		if err != nil || len(txt) > 40 || d.Exponent() > 40 || d.Exponent() < -40 || (fd.Type == TypeInteger && !d.IsInteger()) {
			return nil, invalid
		}
		return d.String(), ""
	case TypeBoolean:
		b, ok := x.(bool)
		if !ok {
			return nil, msgNotBoolean
		}
		return b, ""
	case TypeMultipleChoice:
		list, ok := x.([]any)
		if !ok {
			return nil, fmt.Sprintf(msgNotAList, jsonType(x))
		}
		if len(list) == 0 {
			return nil, ""
		}
		seen := map[string]bool{}
		var out []string
		for _, it := range list {
			s, ok := it.(string)
			if !ok || !contains(fd.Choices, s) {
				return nil, fmt.Sprintf(msgBadChoice, fmt.Sprint(it))
			}
			if !seen[s] {
				seen[s] = true
				out = append(out, s)
			}
		}
		return out, ""
	}
	return nil, "Unknown field type."
}

func jsonType(x any) string {
	switch x.(type) {
	case string:
		return "str"
	case json.Number:
		return "int"
	case bool:
		return "bool"
	case map[string]any:
		return "dict"
	}
	return "NoneType"
}
