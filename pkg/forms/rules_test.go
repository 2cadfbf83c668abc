package forms

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/tranche-dev/tranche/pkg/model"
	"github.com/tranche-dev/tranche/pkg/store"
)

func TestValidateDefinition(t *testing.T) {
	field := func(s string) json.RawMessage { return json.RawMessage(s) }
	name := func(s string) *string { return &s }
	long := string(make([]byte, MaxName+1))
	cases := []struct {
		label string
		kind  string
		in    DefinitionInput
		want  map[string]any // nil: valid
	}{
		{"valid", store.FormUserData, DefinitionInput{Name: name("F"), Fields: []json.RawMessage{field(`{"name":"a","label":"A","type":"text"}`)}}, nil},
		{"name missing", store.FormUserData, DefinitionInput{Fields: []json.RawMessage{field(`{"name":"a","label":"A","type":"text"}`)}},
			map[string]any{"name": []string{msgRequired}}},
		{"name too long", store.FormUserData, DefinitionInput{Name: &long, Fields: []json.RawMessage{field(`{"name":"a","label":"A","type":"text"}`)}},
			map[string]any{"name": []string{"Ensure this field has no more than 200 characters."}}},
		{"fields missing", store.FormUserData, DefinitionInput{Name: name("F")}, map[string]any{"fields": []string{msgRequired}}},
		{"fields empty", store.FormUserData, DefinitionInput{Name: name("F"), Fields: []json.RawMessage{}}, map[string]any{"fields": []string{msgEmptyList}}},
		{"field not an object", store.FormUserData, DefinitionInput{Name: name("F"), Fields: []json.RawMessage{field(`{"name":"a","label":"A","type":"text"}`), field(`7`)}},
			map[string]any{"fields": []map[string][]string{{}, {"non_field_errors": {"Invalid data. Expected a dictionary with name, label, type, required, choices and help_text."}}}}},
		{"unknown key in a field", store.FormUserData, DefinitionInput{Name: name("F"), Fields: []json.RawMessage{field(`{"name":"a","label":"A","type":"text","colour":"red"}`)}},
			map[string]any{"fields": []map[string][]string{{"non_field_errors": {"Invalid data. Expected a dictionary with name, label, type, required, choices and help_text."}}}}},
		{"choices on text", store.FormUserData, DefinitionInput{Name: name("F"), Fields: []json.RawMessage{field(`{"name":"a","label":"A","type":"text","choices":["x"]}`)}},
			map[string]any{"fields": []map[string][]string{{"choices": {"A text field takes no choices."}}}}},
		{"duplicate choice", store.FormUserData, DefinitionInput{Name: name("F"), Fields: []json.RawMessage{field(`{"name":"a","label":"A","type":"multiple_choice","choices":["x","x"]}`)}},
			map[string]any{"fields": []map[string][]string{{"choices": {`Choice "x" is listed twice.`}}}}},
		{"blank choice", store.FormUserData, DefinitionInput{Name: name("F"), Fields: []json.RawMessage{field(`{"name":"a","label":"A","type":"choice","choices":[" "]}`)}},
			map[string]any{"fields": []map[string][]string{{"choices": {"Choices may not be blank."}}}}},
		{"field name with a digit first", store.FormUserData, DefinitionInput{Name: name("F"), Fields: []json.RawMessage{field(`{"name":"1a","label":"A","type":"text"}`)}},
			map[string]any{"fields": []map[string][]string{{"name": {"Enter a name of lower-case letters, digits and underscores, starting with a letter."}}}}},
		{"preference valid", store.FormPreference, DefinitionInput{Name: name("P"), Fields: []json.RawMessage{field(`{"name":"a","label":"A","type":"boolean"}`)}, Classifications: []string{"trust_ira_accredited"}}, nil},
		{"preference bad settings", store.FormPreference, DefinitionInput{Name: name("P"), Fields: []json.RawMessage{field(`{"name":"a","label":"A","type":"boolean"}`)}, Classifications: []string{"person"}, EnforcementType: name("hard")},
			map[string]any{"classifications": []string{`"person" is not a valid choice.`}, "enforcement_type": []string{`"hard" is not a valid choice.`}}},
	}
	for _, c := range cases {
		t.Run(c.label, func(t *testing.T) {
			f, errs := ValidateDefinition(c.kind, c.in)
			if c.want == nil {
				if errs != nil || f == nil {
					t.Fatalf("refused: %v", errs)
				}
				return
			}
			if d := cmp.Diff(c.want, errs); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
		})
	}
	f, _ := ValidateDefinition(store.FormPreference, DefinitionInput{Name: name("P"), Fields: []json.RawMessage{field(`{"name":"a","label":"A","type":"boolean"}`)}, Classifications: []string{"trust_accredited"}})
	if !f.Editable || f.EnforcementType != EnforcementOptional || !f.Enabled {
		t.Errorf("preference defaults: %+v", f)
	}
	many := make([]json.RawMessage, MaxFields+1)
	for i := range many {
		many[i] = field(`{"name":"a","label":"A","type":"text"}`)
	}
	if _, errs := ValidateDefinition(store.FormUserData, DefinitionInput{Name: name("F"), Fields: many}); errs == nil {
		t.Error("too many fields accepted")
	}
}

func TestValidateAnswers(t *testing.T) {
	fields := []store.FormField{
		{Name: "n", Type: TypeNumber, Required: true},
		{Name: "i", Type: TypeInteger},
		{Name: "t", Type: TypeText},
		{Name: "c", Type: TypeChoice, Choices: []string{"a", "b"}},
		{Name: "m", Type: TypeMultipleChoice, Choices: []string{"a", "b"}, Required: true},
	}
	cases := []struct {
		label, in  string
		requireAll bool
		want       string
		errs       map[string][]string
	}{
		{"complete", `{"n": "1.50", "i": 3, "t": "x", "c": "a", "m": ["b"]}`, true, `{"c":"a","i":"3","m":["b"],"n":"1.5","t":"x"}`, nil},
		{"exact decimals", `{"n": 0.1000000000000000055511151231257827, "m": ["a"]}`, true, `{"m":["a"],"n":"0.1000000000000000055511151231257827"}`, nil},
		{"required missing", `{"t": "x"}`, true, "", map[string][]string{"n": {msgRequired}, "m": {msgRequired}}},
		{"required null and empty", `{"n": null, "m": []}`, true, "", map[string][]string{"n": {msgRequired}, "m": {msgRequired}}},
		{"optional partial", `{"t": "x"}`, false, `{"t":"x"}`, nil},
		{"blank text is unanswered", `{"t": "  "}`, false, `{}`, nil},
		{"wrong types", `{"n": true, "i": "x", "t": 5, "c": ["a"], "m": "a"}`, false, "", map[string][]string{
			"n": {"A valid number is required."}, "i": {"A valid integer is required."}, "t": {"Not a valid string."},
			"c": {"Not a valid string."}, "m": {`Expected a list of items but got type "str".`}}},
		{"not an object", `[1]`, false, "", map[string][]string{"non_field_errors": {"Invalid data. Expected a dictionary of answers keyed by field name."}}},
		{"too long text", `{"t": "` + strings.Repeat("x", MaxText+1) + `"}`, false, "", map[string][]string{"t": {"Ensure this field has no more than 2000 characters."}}},
		{"huge exponent", `{"n": "1e999999", "m": ["a"]}`, true, "", map[string][]string{"n": {"A valid number is required."}}},
		{"exponent in range", `{"n": 1.5e3, "m": ["a"]}`, true, `{"m":["a"],"n":"1500"}`, nil},
		{"unknown key", `{"zz": 1}`, false, "", map[string][]string{"zz": {"This form has no such field."}}},
	}
	for _, c := range cases {
		t.Run(c.label, func(t *testing.T) {
			got, errs := ValidateAnswers(fields, json.RawMessage(c.in), c.requireAll)
			if d := cmp.Diff(c.errs, errs); d != "" {
				t.Fatalf("errors (-want +got):\n%s", d)
			}
			if got != c.want {
				t.Errorf("answers %s, want %s", got, c.want)
			}
		})
	}
}

func TestClassify(t *testing.T) {
	yes, no := true, false
	cases := []struct {
		typ      string
		ent, ind *model.Entity
		want     string
	}{
		{"person", nil, &model.Entity{AccreditedInvestor: &yes}, "person_accredited"},
		{"person", nil, &model.Entity{AccreditedInvestor: &no}, "person_non_accredited"},
		{"person", nil, &model.Entity{}, "person_non_accredited"},
		{"company", &model.Entity{AccreditedInvestor: &yes}, &model.Entity{AccreditedInvestor: &no}, "company_accredited"},
		{"trust", &model.Entity{AccreditedInvestor: &no}, &model.Entity{AccreditedInvestor: &yes}, "trust_non_accredited"},
		{"trust_ira", nil, nil, "trust_ira_non_accredited"},
	}
	for _, c := range cases {
		if got := Classify(&model.Investor{Type: c.typ}, c.ent, c.ind); got != c.want {
			t.Errorf("%s: %s, want %s", c.typ, got, c.want)
		}
		if !contains(Classifications, c.want) {
			t.Errorf("%s is not in Classifications", c.want)
		}
	}
	if len(Classifications) != 2*len(model.InvestorTypes) {
		t.Errorf("Classifications: %v", Classifications)
	}
}

// The byte bounds (issue 11) leave room for every per-field limit in
// ASCII: 50 fields at their longest label, help text and choices define a
// form, and 50 answers of MaxText characters are taken.
func TestByteBoundsKeepASCIIAtTheLimits(t *testing.T) {
	choices := make([]string, MaxChoices)
	for i := range choices {
		choices[i] = strings.Repeat("c", MaxChoiceLen-2) + string(rune('A'+i/26)) + string(rune('a'+i%26))
	}
	var fields []json.RawMessage
	answers := map[string]any{}
	for i := 0; i < MaxFields; i++ {
		name := strings.Repeat("n", maxFieldName-2) + string(rune('a'+i/26)) + string(rune('a'+i%26))
		b, _ := json.Marshal(map[string]any{"name": name, "label": strings.Repeat("l", MaxLabel), "help_text": strings.Repeat("h", MaxHelpText),
			"type": TypeMultipleChoice, "choices": choices})
		fields = append(fields, b)
		answers[name] = choices
	}
	desc := strings.Repeat("d", MaxDescr)
	name := strings.Repeat("x", MaxName)
	f, errs := ValidateDefinition(store.FormUserData, DefinitionInput{Name: &name, Description: &desc, Fields: fields})
	if errs != nil {
		t.Fatalf("ASCII at every limit refused: %.300v", errs)
	}
	raw, _ := json.Marshal(answers)
	if _, errs := ValidateAnswers(f.Fields, raw, true); errs != nil {
		t.Fatalf("answers at every limit refused: %.300v", errs)
	}
}
