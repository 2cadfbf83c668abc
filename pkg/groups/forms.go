package groups

import (
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/tranche-dev/tranche/pkg/apierr"
	"github.com/tranche-dev/tranche/pkg/httpapi"
	"github.com/tranche-dev/tranche/pkg/model"
)

// form decodes an object body into a DRF-style form.
func form(w http.ResponseWriter, r *http.Request, partial bool) (*model.Form, error) {
	var raw map[string]json.RawMessage
	if err := httpapi.Decode(w, r, &raw); err != nil {
		return nil, err
	}
	return model.NewForm(raw, partial), nil
}

// fail renders a form's errors plus nested ones as one DRF 400 body.
func fail(f *model.Form, nested map[string]any) error {
	if len(f.Errors) == 0 && len(nested) == 0 {
		return nil
	}
	body := map[string]any{}
	for k, v := range f.Errors {
		body[k] = v
	}
	for k, v := range nested {
		body[k] = v
	}
	return &apierr.Error{Kind: apierr.Invalid, Body: body}
}

var (
	nameOpts = model.Str{Required: true, MaxLen: 255}
	descOpts = model.Str{AllowBlank: true, MaxLen: 2000}
	pk       = model.Int{Required: true, Min: ptr(int64(1))}
)

func ptr[T any](v T) *T { return &v }

func roleOpts(required bool) model.Str {
	return model.Str{Required: required, Choices: roleChoices()}
}

// members reads a list of {user, role} (role defaults to DefaultRole),
// with DRF's list-of-dicts errors.
func members(f *model.Form, name string) ([]model.UserGroupMemberInput, map[string]any) {
	if !f.Has(name) {
		return nil, nil
	}
	raw, set := f.JSON(name)
	if !set {
		return nil, nil // over model.MaxJSON: f.Errors says so
	}
	var items []json.RawMessage
	if len(raw) == 0 || string(raw) == "null" {
		return nil, map[string]any{name: []string{model.MsgNull}}
	}
	if err := json.Unmarshal(raw, &items); err != nil || raw[0] != '[' {
		return nil, map[string]any{name: []string{fmt.Sprintf("Expected a list of items but got type \"%s\".", pyName(json.RawMessage(raw)))}}
	}
	if len(items) > MaxCreateMembers {
		return nil, map[string]any{name: []string{fmt.Sprintf("Ensure this field has no more than %d elements.", MaxCreateMembers)}}
	}
	out := make([]model.UserGroupMemberInput, 0, len(items))
	errs := make([]map[string][]string, len(items))
	bad := false
	for i, it := range items {
		var m map[string]json.RawMessage
		if len(it) == 0 || it[0] != '{' || json.Unmarshal(it, &m) != nil {
			errs[i] = map[string][]string{"non_field_errors": {fmt.Sprintf("Invalid data. Expected a dictionary, but got %s.", pyName(it))}}
			bad = true
			continue
		}
		inner := model.NewForm(m, false)
		u, _ := inner.Int("user", pk)
		role, _ := inner.String("role", roleOpts(false))
		errs[i] = map[string][]string(inner.Errors)
		if errs[i] == nil {
			errs[i] = map[string][]string{}
		}
		if len(inner.Errors) > 0 {
			bad = true
			continue
		}
		in := model.UserGroupMemberInput{User: *u, Role: DefaultRole}
		if role != nil {
			in.Role = *role
		}
		out = append(out, in)
	}
	if bad {
		return nil, map[string]any{name: errs}
	}
	return out, nil
}

// flags reads {"flag": bool, …} of registered flags.
func flags(f *model.Form, name string) (map[string]bool, map[string]any) {
	if !f.Has(name) {
		return nil, nil
	}
	inner, _ := f.Object(name, true)
	if inner == nil {
		return nil, nil // f.Errors says why (not an object); null means none
	}
	var raw map[string]json.RawMessage
	v, _ := f.JSON(name)
	_ = json.Unmarshal(v, &raw)
	out := map[string]bool{}
	for k := range raw {
		if !IsFlag(k) {
			inner.Errors.Add(k, "Unknown feature flag.")
			continue
		}
		if b, _ := inner.Bool(k, true, false); b != nil && *b {
			out[k] = true
		}
	}
	if len(inner.Errors) > 0 {
		return nil, f.Nested(name, inner)
	}
	return out, nil
}

func pyName(raw json.RawMessage) string {
	if len(raw) == 0 {
		return "NoneType"
	}
	switch raw[0] {
	case '"':
		return "str"
	case '{':
		return "dict"
	case '[':
		return "list"
	case 't', 'f':
		return "bool"
	case 'n':
		return "NoneType"
	}
	return "int"
}
