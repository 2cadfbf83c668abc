package forms

import (
	"bytes"
	"encoding/json"
	"net/http/httptest"
	"slices"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"github.com/tranche-dev/tranche/pkg/apierr"
	"github.com/tranche-dev/tranche/pkg/httpapi"
	"github.com/tranche-dev/tranche/pkg/httpapi/httpapitest"
	"github.com/tranche-dev/tranche/pkg/store"
)

// decodeInto decodes body into v as the handlers do (httpapi.Decode).
func decodeInto(body []byte, v any) error {
	return httpapi.Decode(httptest.NewRecorder(), httptest.NewRequest("POST", "/", bytes.NewReader(body)), v)
}

// FuzzFormDefinition feeds POST /api/user-data-forms/ and POST
// /api/investor-preference-forms/ bodies through the handler's decoding
// and ValidateDefinition: no panic; a refusal is a DRF error body (fields
// by index) that renders as 400; an accepted definition holds clean
// strings within their limits, fits one DynamoDB item, and validates
// again to itself.
func FuzzFormDefinition(f *testing.F) {
	for _, s := range []string{
		`{"name": "KYC", "fields": [{"name": "income", "label": "Income", "type": "number", "required": true}, {"name": "risk", "label": "Risk", "type": "choice", "choices": ["low", "high"]}]}`,
		`{"name": "Prefs", "fields": [{"name": "s", "label": "S", "type": "multiple_choice", "choices": ["a", "b"], "help_text": "h"}], "classifications": ["person_accredited", "company_non_accredited", "person_accredited"], "editable": false, "enforcement_type": "attested"}`,
		`{"name": " ", "fields": [{}, 1, {"name": "A"}, {"name": "a", "label": "x", "type": "text", "choices": ["z"]}, {"name": "a", "label": "y", "type": "date", "extra": 1}]}`,
		`{"name": "x", "fields": [], "enabled": "yes", "classifications": null}`,
		`{"name": 1, "description": ["d"], "fields": {"a": 1}}`,
		`{"name": "x", "fields": [{"name": "c", "label": "c", "type": "choice", "choices": ["", " ", "a", "a"]}], "enforcement_type": "sometimes"}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var in DefinitionInput
		if err := decodeInto(body, &in); err != nil {
			httpapitest.Refused(t, err)
			return
		}
		for _, kind := range []string{store.FormUserData, store.FormPreference} {
			form, errs := ValidateDefinition(kind, in)
			if errs != nil {
				httpapitest.Refused(t, &apierr.Error{Kind: apierr.Invalid, Body: errs})
				continue
			}
			checkDefinition(t, form)
			again, errs := ValidateDefinition(kind, inputOf(form))
			if errs != nil {
				t.Fatalf("%s: the accepted definition does not validate again: %v", kind, errs)
			}
			if diff := cmp.Diff(form, again); diff != "" {
				t.Fatalf("%s: the accepted definition validates to another (-first +again):\n%s", kind, diff)
			}
		}
	})
}

// checkDefinition fails t unless f keeps the definition limits.
func checkDefinition(t *testing.T, f *store.Form) {
	t.Helper()
	httpapitest.CleanStrings(t, f)
	if f.Name == "" || utf8.RuneCountInString(f.Name) > MaxName || utf8.RuneCountInString(f.Description) > MaxDescr {
		t.Fatalf("accepted name %q, description of %d characters", f.Name, utf8.RuneCountInString(f.Description))
	}
	if len(f.Fields) == 0 || len(f.Fields) > MaxFields {
		t.Fatalf("accepted %d fields", len(f.Fields))
	}
	if n := fieldsSize(f.Fields); n > MaxFieldsBytes {
		t.Fatalf("accepted fields of %d bytes", n)
	}
	seen := map[string]bool{}
	for _, fd := range f.Fields {
		if seen[fd.Name] || !fieldName.MatchString(fd.Name) || len(fd.Name) > maxFieldName || !slices.Contains(FieldTypes, fd.Type) {
			t.Fatalf("accepted field %+v", fd)
		}
		seen[fd.Name] = true
		if fd.Label == "" || utf8.RuneCountInString(fd.Label) > MaxLabel || utf8.RuneCountInString(fd.HelpText) > MaxHelpText {
			t.Fatalf("accepted field %q: label %q, help text of %d characters", fd.Name, fd.Label, utf8.RuneCountInString(fd.HelpText))
		}
		withChoices := fd.Type == TypeChoice || fd.Type == TypeMultipleChoice
		if withChoices != (len(fd.Choices) > 0) || len(fd.Choices) > MaxChoices {
			t.Fatalf("accepted field %q (%s) with %d choices", fd.Name, fd.Type, len(fd.Choices))
		}
	}
	if f.Kind == store.FormPreference {
		if len(f.Classifications) == 0 || !slices.IsSorted(f.Classifications) || !slices.Contains(EnforcementTypes, f.EnforcementType) {
			t.Fatalf("accepted settings %v %q", f.Classifications, f.EnforcementType)
		}
	}
}

// inputOf is a definition's body again, as a client would send it back.
func inputOf(f *store.Form) DefinitionInput {
	in := DefinitionInput{Name: &f.Name, Description: &f.Description, Enabled: &f.Enabled}
	for _, fd := range f.Fields {
		b, _ := json.Marshal(FieldRequest{Name: fd.Name, Label: fd.Label, Type: fd.Type, Required: fd.Required, Choices: fd.Choices, HelpText: fd.HelpText})
		in.Fields = append(in.Fields, b)
	}
	if f.Kind == store.FormPreference {
		in.Classifications, in.Editable, in.EnforcementType = f.Classifications, &f.Editable, &f.EnforcementType
	}
	return in
}

// fuzzFields is a definition with a field of every type.
var fuzzFields = []store.FormField{
	{Name: "text", Label: "Text", Type: TypeText, Required: true},
	{Name: "number", Label: "Number", Type: TypeNumber},
	{Name: "integer", Label: "Integer", Type: TypeInteger, Required: true},
	{Name: "boolean", Label: "Boolean", Type: TypeBoolean},
	{Name: "date", Label: "Date", Type: TypeDate},
	{Name: "email", Label: "E-mail", Type: TypeEmail},
	{Name: "choice", Label: "Choice", Type: TypeChoice, Choices: []string{"low", "high", "<&>"}},
	{Name: "multi", Label: "Multi", Type: TypeMultipleChoice, Choices: []string{"a", "b", "é"}, Required: true},
}

// FuzzFormAnswers feeds the implementation bodies (POST
// …/implementations/ {user, answers} and PUT …/implementations/{user}/
// {answers}) through the handlers' decoding and ValidateAnswers against a
// definition with every field type: no panic; a refusal renders as 400
// under "answers"; accepted answers are a JSON object of the form's
// fields, within MaxAnswersBytes, that validate again to themselves.
func FuzzFormAnswers(f *testing.F) {
	for _, s := range []string{
		`{"user": 3, "answers": {"text": "hi", "number": "1.50", "integer": 2, "boolean": true, "date": "2024-02-29", "email": "a@example.com", "choice": "<&>", "multi": ["a", "é", "a"]}}`,
		`{"answers": {"text": " ", "number": 1e39, "integer": "3.0", "boolean": "true", "date": "2024-02-30", "email": "A <a@example.com>", "choice": "mid", "multi": []}}`,
		`{"answers": {"number": "1e999999", "integer": 1.5, "unknown": null, "multi": "a"}}`,
		`{"user": "x", "answers": [1]}`, `{"answers": null}`, `{"answers": "text"}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var assign AssignInput
		if err := decodeInto(body, &assign); err != nil {
			httpapitest.Refused(t, err)
		}
		var submit SubmitInput
		if err := decodeInto(body, &submit); err != nil {
			httpapitest.Refused(t, err)
			return
		}
		if !hasAnswers(submit.Answers) {
			return // the service answers "answers": required (or assigns without answers)
		}
		for _, requireAll := range []bool{false, true} {
			ans, errs := ValidateAnswers(fuzzFields, submit.Answers, requireAll)
			if errs != nil {
				httpapitest.Refused(t, &apierr.Error{Kind: apierr.Invalid, Body: map[string]any{"answers": errs}})
				continue
			}
			if len(ans) > MaxAnswersBytes {
				t.Fatalf("accepted answers of %d bytes", len(ans))
			}
			var m map[string]any
			if err := json.Unmarshal([]byte(ans), &m); err != nil {
				t.Fatalf("accepted answers are not a JSON object: %q", ans)
			}
			httpapitest.CleanStrings(t, m)
			again, errs := ValidateAnswers(fuzzFields, json.RawMessage(ans), requireAll)
			if errs != nil || again != ans {
				t.Fatalf("accepted answers %s validate again to %s %v", ans, again, errs)
			}
		}
	})
}

// FuzzFormSettings feeds the settings bodies (PATCH …/state/,
// classifications/, editable/, enforcement-type/) through the handler's
// decoding, settingValue and each setter: no panic, a refusal is a 400
// naming the setting, and what is set is a valid setting.
func FuzzFormSettings(f *testing.F) {
	for _, s := range []string{
		`{"enabled": false}`, `{"enabled": "no"}`, `{"editable": true}`, `{"editable": null}`,
		`{"classifications": ["person_accredited", "person_accredited"]}`, `{"classifications": []}`, `{"classifications": [1, null]}`,
		`{"enforcement_type": "required"}`, `{"enforcement_type": "\"x"}`, `{}`,
	} {
		f.Add([]byte(s))
	}
	setters := map[string]setter{"enabled": setEnabled, "editable": setEditable, "classifications": setClassifications, "enforcement_type": setEnforcement}
	f.Fuzz(func(t *testing.T, body []byte) {
		var raw map[string]json.RawMessage
		if err := decodeInto(body, &raw); err != nil {
			httpapitest.Refused(t, err)
			return
		}
		for key, set := range setters {
			v, err := settingValue(raw, key)
			if err != nil {
				httpapitest.Refused(t, err)
				continue
			}
			form := &store.Form{Kind: store.FormPreference, Classifications: []string{"person_accredited"}, EnforcementType: EnforcementOptional}
			if msg := set(form, v); msg != "" {
				httpapitest.Refused(t, apierr.Field(key, msg))
				continue
			}
			if len(form.Classifications) == 0 || !slices.IsSorted(form.Classifications) || !slices.Contains(EnforcementTypes, form.EnforcementType) {
				t.Fatalf("%s set %v %q", key, form.Classifications, form.EnforcementType)
			}
			for _, c := range form.Classifications {
				if !slices.Contains(Classifications, c) {
					t.Fatalf("%s set classification %q", key, c)
				}
			}
		}
	})
}
