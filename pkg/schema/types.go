package schema

import (
	"reflect"
	"slices"
	"strings"

	"github.com/tranche-dev/tranche/pkg/forms"
	"github.com/tranche-dev/tranche/pkg/model"
	"github.com/tranche-dev/tranche/pkg/profiles"
	"github.com/tranche-dev/tranche/pkg/users"
)

// responseTypes are the Go types the seed 000 routes render, by route key:
// their JSON schemas come from the types themselves (json tags, pointers
// as nullable, the wire types' formats), so the document cannot drift from
// what the handlers write. List routes wrap the detail type in the
// pagination envelope.
var responseTypes = map[string]reflect.Type{
	"GET /api/offerings/{id}/":   reflect.TypeFor[model.Offering](),
	"GET /api/offerings/":        reflect.TypeFor[model.Offering](),
	"GET /api/investments/{id}/": reflect.TypeFor[model.InvestmentView](),
	"GET /api/investments/":      reflect.TypeFor[model.InvestmentView](),
	"GET /api/investors/{id}/":   reflect.TypeFor[model.InvestorView](),
	"GET /api/investors/":        reflect.TypeFor[model.InvestorView](),
	"GET /api/users/{id}/":       reflect.TypeFor[model.UserRef](),
	"GET /api/users/":            reflect.TypeFor[model.UserRef](),

	"GET /api/investors/{id}/accreditation/":       reflect.TypeFor[model.AccreditationView](),
	"GET /api/investments/{id}/audit/":             reflect.TypeFor[model.AuditPage](),
	"GET /api/offerings/{id}/audit/":               reflect.TypeFor[model.AuditPage](),
	"POST /api/offerings/{id}/early-close/":        reflect.TypeFor[model.EarlyCloseResult](),
	"POST /api/offerings/{id}/material-change/":    reflect.TypeFor[model.MaterialChangeResult](),
	"POST /api/offerings/{id}/cancel-unconfirmed/": reflect.TypeFor[model.CancelUnconfirmedResult](),
	"POST /api/investments/{id}/reconfirm/":        reflect.TypeFor[model.InvestmentView](),
	"PUT /api/investors/{id}/accreditation/":       reflect.TypeFor[model.AccreditationView](),

	// users and invitations — seed 001 (issue 12)
	"POST /api/invitations/":                      reflect.TypeFor[model.SeedInvitation](),
	"POST /api/invitations/internal/":             reflect.TypeFor[model.SeedInvitation](),
	"POST /api/invitations/login-token/":          reflect.TypeFor[model.LoginToken](),
	"GET /api/user-types/{type}/users/":           reflect.TypeFor[model.SeedUserPage](),
	"GET /api/users/{id}/all/":                    reflect.TypeFor[users.GraphView](),
	"PATCH /api/users/{id}/profile/":              reflect.TypeFor[model.SeedUser](),
	"PATCH /api/users/me/":                        reflect.TypeFor[model.SeedUser](),
	"POST /api/invitations/{id}/resend/":          reflect.TypeFor[model.SeedInvitation](),
	"POST /api/invitations/login-token/exchange/": reflect.TypeFor[model.LoginTokenExchange](),

	// forms — seed 001 (issue 12)
	"GET /api/user-data-forms/":                                       reflect.TypeFor[forms.UserDataFormPage](),
	"POST /api/user-data-forms/":                                      reflect.TypeFor[forms.UserDataFormView](),
	"GET /api/user-data-forms/data/":                                  reflect.TypeFor[forms.ImplementationPage](),
	"GET /api/user-data-forms/enabled/":                               reflect.TypeFor[forms.UserDataFormPage](),
	"GET /api/user-data-forms/enabled/me/":                            reflect.TypeFor[forms.EnabledUserDataFormPage](),
	"GET /api/user-data-forms/{id}/":                                  reflect.TypeFor[forms.UserDataFormView](),
	"PATCH /api/user-data-forms/{id}/state/":                          reflect.TypeFor[forms.UserDataFormView](),
	"POST /api/user-data-forms/{id}/implementations/":                 reflect.TypeFor[forms.ImplementationView](),
	"GET /api/user-data-forms/{id}/implementations/{user}/":           reflect.TypeFor[forms.ImplementationView](),
	"PUT /api/user-data-forms/{id}/implementations/{user}/":           reflect.TypeFor[forms.ImplementationView](),
	"GET /api/investor-preference-forms/":                             reflect.TypeFor[forms.PreferenceFormPage](),
	"POST /api/investor-preference-forms/":                            reflect.TypeFor[forms.PreferenceFormView](),
	"GET /api/investor-preference-forms/data/":                        reflect.TypeFor[forms.ImplementationPage](),
	"GET /api/investor-preference-forms/enabled/":                     reflect.TypeFor[forms.EnabledPreferenceFormPage](),
	"GET /api/investor-preference-forms/{id}/":                        reflect.TypeFor[forms.PreferenceFormView](),
	"PATCH /api/investor-preference-forms/{id}/classifications/":      reflect.TypeFor[forms.PreferenceFormView](),
	"PATCH /api/investor-preference-forms/{id}/editable/":             reflect.TypeFor[forms.PreferenceFormView](),
	"PATCH /api/investor-preference-forms/{id}/enforcement-type/":     reflect.TypeFor[forms.PreferenceFormView](),
	"PATCH /api/investor-preference-forms/{id}/state/":                reflect.TypeFor[forms.PreferenceFormView](),
	"POST /api/investor-preference-forms/{id}/implementations/":       reflect.TypeFor[forms.ImplementationView](),
	"GET /api/investor-preference-forms/{id}/implementations/{user}/": reflect.TypeFor[forms.ImplementationView](),
	"PUT /api/investor-preference-forms/{id}/implementations/{user}/": reflect.TypeFor[forms.ImplementationView](),
}

// Seed 002's profiles (issue 13), under /api and the document's
// /api/v1/api prefix.
func init() {
	for _, pre := range []string{"/api", "/api/v1/api"} {
		for k, t := range map[string]reflect.Type{
			"GET /profiles":                          reflect.TypeFor[profiles.View](),
			"POST /profiles":                         reflect.TypeFor[profiles.View](),
			"PUT /profiles/{id}":                     reflect.TypeFor[profiles.View](),
			"GET /profile/{id}":                      reflect.TypeFor[profiles.View](),
			"GET /profiles/{id}":                     reflect.TypeFor[profiles.View](),
			"GET /profiles/{id}/document-share-link": reflect.TypeFor[profiles.ShareLinkView](),
			"POST /profiles/{id}/bank-account":       reflect.TypeFor[profiles.BankAccountView](),
			"GET /countries":                         reflect.TypeFor[profiles.Country](),
			"GET /states":                            reflect.TypeFor[profiles.State](),
			"GET /investor-qualifications":           reflect.TypeFor[profiles.Qualification](),
		} {
			method, path, _ := strings.Cut(k, " ")
			responseTypes[method+" "+pre+path] = t
		}
		requestTypes["POST "+pre+"/profiles/{id}/bank-account"] = reflect.TypeFor[profiles.BankAccountRequest]()
	}
}

// requestTypes are the Go types of the request bodies of Tranche's own
// write routes (beyond the seeds): the body a client sends, with optional
// fields marked omitempty. Routes not listed keep the generic object.
var requestTypes = map[string]reflect.Type{
	"PUT /api/investors/{id}/accreditation/":    reflect.TypeFor[model.VerificationRequest](),
	"POST /api/offerings/{id}/early-close/":     reflect.TypeFor[model.EarlyCloseRequest](),
	"POST /api/offerings/{id}/material-change/": reflect.TypeFor[model.MaterialChangeRequest](),

	// users and invitations — seed 001 (issue 12)
	"PATCH /api/users/{id}/profile/":              reflect.TypeFor[model.UserProfileRequest](),
	"PATCH /api/users/me/":                        reflect.TypeFor[model.UserProfileRequest](),
	"POST /api/invitations/":                      reflect.TypeFor[model.InviteUserRequest](),
	"POST /api/invitations/internal/":             reflect.TypeFor[model.InviteInternalRequest](),
	"POST /api/invitations/login-token/":          reflect.TypeFor[model.LoginTokenRequest](),
	"POST /api/invitations/login-token/exchange/": reflect.TypeFor[model.LoginTokenExchangeRequest](),

	// issue 13: the W-9 signing page (its GET and POST answer HTML)
	"POST /api/documents/w9/{token}/": reflect.TypeFor[model.W9SignRequest](),
	// forms — seed 001 (issue 12)
	"POST /api/user-data-forms/":                                      reflect.TypeFor[forms.UserDataFormRequest](),
	"PATCH /api/user-data-forms/{id}/state/":                          reflect.TypeFor[forms.StateRequest](),
	"POST /api/user-data-forms/{id}/implementations/":                 reflect.TypeFor[forms.AssignRequest](),
	"PUT /api/user-data-forms/{id}/implementations/{user}/":           reflect.TypeFor[forms.SubmitRequest](),
	"POST /api/investor-preference-forms/":                            reflect.TypeFor[forms.PreferenceFormRequest](),
	"PATCH /api/investor-preference-forms/{id}/state/":                reflect.TypeFor[forms.StateRequest](),
	"PATCH /api/investor-preference-forms/{id}/classifications/":      reflect.TypeFor[forms.ClassificationsRequest](),
	"PATCH /api/investor-preference-forms/{id}/editable/":             reflect.TypeFor[forms.EditableRequest](),
	"PATCH /api/investor-preference-forms/{id}/enforcement-type/":     reflect.TypeFor[forms.EnforcementTypeRequest](),
	"POST /api/investor-preference-forms/{id}/implementations/":       reflect.TypeFor[forms.AssignRequest](),
	"PUT /api/investor-preference-forms/{id}/implementations/{user}/": reflect.TypeFor[forms.SubmitRequest](),
}

var (
	moneyType     = reflect.TypeFor[model.Money]()
	timeType      = reflect.TypeFor[model.Time]()
	dateType      = reflect.TypeFor[model.Date]()
	rawType       = reflect.TypeFor[model.RawJSON]()
	taxIDType     = reflect.TypeFor[model.TaxID]()
	stringListTyp = reflect.TypeFor[model.StringList]()
)

// schemaOf returns the schema of t, adding named structs to comps and
// referring to them.
func schemaOf(t reflect.Type, comps map[string]*Schema) *Schema {
	nullable := false
	for t.Kind() == reflect.Pointer {
		t, nullable = t.Elem(), true
	}
	var s *Schema
	switch t {
	case moneyType:
		s = &Schema{Type: "string", Format: "decimal", Pattern: `^-?\d+\.\d{2}$`}
	case timeType:
		s = &Schema{Type: "string", Format: "date-time"}
	case dateType:
		s = &Schema{Type: "string", Format: "date"}
	case rawType:
		return &Schema{Nullable: true, Description: "Any JSON value."}
	case taxIDType:
		s = &Schema{Type: "string", Description: "Masked to its last four digits."}
	case stringListTyp:
		s = &Schema{Type: "array", Items: &Schema{Type: "string"}}
	}
	if s == nil {
		switch t.Kind() {
		case reflect.String:
			s = &Schema{Type: "string"}
		case reflect.Bool:
			s = &Schema{Type: "boolean"}
		case reflect.Int, reflect.Int32, reflect.Int64:
			s = &Schema{Type: "integer"}
		case reflect.Slice:
			s = &Schema{Type: "array", Items: schemaOf(t.Elem(), comps)}
		case reflect.Struct:
			name := t.Name()
			if _, done := comps[name]; !done {
				comps[name] = nil // break cycles
				obj := &Schema{Type: "object", Properties: map[string]*Schema{}}
				for i := 0; i < t.NumField(); i++ {
					f := t.Field(i)
					opts := strings.Split(f.Tag.Get("json"), ",")
					tag := opts[0]
					if tag == "-" || !f.IsExported() {
						continue
					}
					if tag == "" {
						tag = f.Name
					}
					obj.Properties[tag] = schemaOf(f.Type, comps)
					// omitempty marks a field a request may leave out.
					if !slices.Contains(opts[1:], "omitempty") {
						obj.Required = append(obj.Required, tag)
					}
				}
				comps[name] = obj
			}
			if nullable {
				// A $ref cannot carry nullable in OpenAPI 3.0; wrap it.
				return &Schema{Nullable: true, AllOf: []*Schema{{Ref: "#/components/schemas/" + name}}}
			}
			return &Schema{Ref: "#/components/schemas/" + name}
		default:
			s = &Schema{}
		}
	}
	s.Nullable = nullable
	return s
}
