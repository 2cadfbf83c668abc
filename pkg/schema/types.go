package schema

import (
	"encoding/json"
	"reflect"
	"slices"
	"strings"

	"github.com/tranche-dev/tranche/pkg/account"
	"github.com/tranche-dev/tranche/pkg/forms"
	"github.com/tranche-dev/tranche/pkg/investments"
	"github.com/tranche-dev/tranche/pkg/investors"
	"github.com/tranche-dev/tranche/pkg/model"
	"github.com/tranche-dev/tranche/pkg/offerings"
	"github.com/tranche-dev/tranche/pkg/page"
	"github.com/tranche-dev/tranche/pkg/profiles"
	"github.com/tranche-dev/tranche/pkg/store"
	"github.com/tranche-dev/tranche/pkg/trades"
	"github.com/tranche-dev/tranche/pkg/users"
	"github.com/tranche-dev/tranche/pkg/webhooks"
	"github.com/tranche-dev/tranche/pkg/workspaces"
)

// responseTypes are the Go types each route renders on success, by route
// key: their JSON schemas come from the types themselves (json tags,
// pointers as nullable, the wire types' formats), so the document cannot
// drift from what the handlers write. List routes (isList) wrap the item
// type in the pagination envelope. Every route of the table has an entry
// (TestEveryRouteIsTyped fails naming a route without one); a route that
// answers no body (204) maps to noBody. Add a new route's entry in a block
// with a comment naming its issue.
var responseTypes = map[string]reflect.Type{
	// seed 000
	"GET /api/offerings/{id}/":                 reflect.TypeFor[model.Offering](),
	"GET /api/offerings/":                      reflect.TypeFor[model.Offering](),
	"GET /api/investments/{id}/":               reflect.TypeFor[model.InvestmentView](),
	"GET /api/investments/":                    reflect.TypeFor[model.InvestmentView](),
	"GET /api/investments/statuses/":           reflect.TypeFor[investments.StatusesBody](),
	"GET /api/investments/summary/":            reflect.TypeFor[investments.Summary](),
	"GET /api/investments/values/":             reflect.TypeFor[investments.ValuesEnvelope](),
	"GET /api/investors/{id}/":                 reflect.TypeFor[model.InvestorView](),
	"GET /api/investors/":                      reflect.TypeFor[model.InvestorView](),
	"GET /api/investors/values/":               reflect.TypeFor[investments.ValuesEnvelope](),
	"GET /api/users/{id}/":                     reflect.TypeFor[model.UserRef](),
	"GET /api/users/":                          reflect.TypeFor[model.UserRef](),
	"POST /api/offerings/":                     reflect.TypeFor[model.Offering](),
	"PATCH /api/offerings/{id}/":               reflect.TypeFor[model.Offering](),
	"POST /api/offerings/{id}/open/":           reflect.TypeFor[model.Offering](),
	"POST /api/offerings/{id}/pause/":          reflect.TypeFor[model.Offering](),
	"POST /api/offerings/{id}/close/":          reflect.TypeFor[model.Offering](),
	"POST /api/offerings/{id}/refunds/":        reflect.TypeFor[offerings.RefundsResult](),
	"POST /api/offerings/{id}/api-keys/":       reflect.TypeFor[offerings.MintedKey](),
	"GET /api/offerings/{id}/api-keys/":        reflect.TypeFor[offerings.KeyList](),
	"DELETE /api/offerings/{id}/api-keys/":     noBody,
	"POST /api/offerings/{id}/escrow-close/":   reflect.TypeFor[offerings.EscrowCloseResult](),
	"POST /api/investments/":                   reflect.TypeFor[model.InvestmentView](),
	"PATCH /api/investments/{id}/":             reflect.TypeFor[model.InvestmentView](),
	"POST /api/investments/{id}/receive/":      reflect.TypeFor[model.InvestmentView](),
	"POST /api/investments/{id}/fail-payment/": reflect.TypeFor[model.InvestmentView](),
	"POST /api/investments/{id}/approve/":      reflect.TypeFor[model.InvestmentView](),
	"POST /api/investments/{id}/reject/":       reflect.TypeFor[model.InvestmentView](),
	"POST /api/investments/{id}/accept/":       reflect.TypeFor[model.InvestmentView](),
	"POST /api/investments/{id}/cancel/":       reflect.TypeFor[model.InvestmentView](),
	"POST /api/investments/{id}/refund/":       reflect.TypeFor[model.InvestmentView](),
	"POST /api/investments/{id}/invest/":       reflect.TypeFor[model.InvestmentView](),
	"POST /api/investors/":                     reflect.TypeFor[model.InvestorView](),
	"PATCH /api/investors/{id}/":               reflect.TypeFor[model.InvestorView](),
	"POST /api/users/":                         reflect.TypeFor[model.UserRef](),
	"PATCH /api/users/{id}/":                   reflect.TypeFor[model.UserRef](),

	// seed 003 (the schema route's own document is described in operation)
	"GET /api/schema/": reflect.TypeFor[Document](),
	// issue 14: the reference pages and their assets
	"GET /api/schema/swagger-ui/":            htmlPage,
	"GET /api/schema/redoc/":                 htmlPage,
	"GET /api/schema/ui/{file}":              uiAsset,
	"GET /api/v1/account/user/":              reflect.TypeFor[account.UserView](),
	"POST /api/v1/account/user/":             reflect.TypeFor[account.UserView](),
	"GET /api/v1/account/userextension/":     reflect.TypeFor[store.Extension](),
	"POST /api/v1/account/userextension/":    reflect.TypeFor[store.Extension](),
	"GET /api/v1/account/userorganisation/":  reflect.TypeFor[account.OrgView](),
	"POST /api/v1/account/userorganisation/": reflect.TypeFor[account.OrgView](),
	"GET /api/v1/account/userprofile/":       reflect.TypeFor[store.Profile](),
	"POST /api/v1/account/userprofile/":      reflect.TypeFor[store.Profile](),
	"GET /api/v1/account/usersubscription/":  reflect.TypeFor[store.Subscription](),
	"POST /api/v1/account/usersubscription/": reflect.TypeFor[store.Subscription](),
	"GET /api/v1/account/devtest/":           reflect.TypeFor[account.OrgView](),
	"POST /api/v1/account/devtest/":          reflect.TypeFor[account.OrgView](),
	"PUT /api/v1/account/devtest/":           reflect.TypeFor[account.OrgView](),
	"DELETE /api/v1/account/devtest/":        noBody,
	"GET /api/v1/server/select/":             reflect.TypeFor[[]account.Server](),
	"GET /api/v1/ibkr/tradehistory/":         reflect.TypeFor[[]trades.TradeView](),
	"GET /api/v1/ibkr/trades/":               reflect.TypeFor[[]trades.TradeView](),
	"POST /api/v1/ibkr/trades/":              reflect.TypeFor[trades.ImportResult](),
	"POST /api/v1/account/clerk_webhook/":    reflect.TypeFor[webhooks.Ack](),

	// seed 004
	"GET /api/accounts/companies/":          reflect.TypeFor[workspaces.Company](),
	"GET /api/accounts/users/":              reflect.TypeFor[workspaces.User](),
	"GET /api/accounts/users/me/":           reflect.TypeFor[workspaces.User](),
	"GET /api/accounts/me/":                 reflect.TypeFor[workspaces.User](),
	"GET /api/accounts/workspaces/":         reflect.TypeFor[workspaces.WorkspaceList](),
	"POST /api/accounts/workspaces/switch/": reflect.TypeFor[workspaces.SwitchResult](),
	"POST /api/accounts/invitations/":       reflect.TypeFor[workspaces.InviteResponse](),
	"GET /api/accounts/invitations/{id}/":   reflect.TypeFor[workspaces.InvitationStatus](),

	// issue 13: the W-9 signing page (HTML; errors JSON unless Accept: text/html)
	"GET /api/documents/w9/{token}/":  htmlPage,
	"POST /api/documents/w9/{token}/": htmlPage,

	// mail: the unsubscribe page (HTML, see htmlRoutes)
	"GET /api/mail/unsubscribe/{token}/":  htmlPage,
	"POST /api/mail/unsubscribe/{token}/": htmlPage,

	// compliance (issue 16)
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
	"GET /api/user-types/{type}/users/":           reflect.TypeFor[page.Envelope[model.SeedUser]](),
	"GET /api/users/{id}/all/":                    reflect.TypeFor[users.GraphView](),
	"GET /api/users/export/":                      csvFile,
	"GET /api/user-types/{type}/export/":          csvFile,
	"PATCH /api/users/{id}/profile/":              reflect.TypeFor[model.SeedUser](),
	"PATCH /api/users/me/":                        reflect.TypeFor[model.SeedUser](),
	"POST /api/invitations/{id}/resend/":          reflect.TypeFor[model.SeedInvitation](),
	"POST /api/invitations/login-token/exchange/": reflect.TypeFor[model.LoginTokenExchange](),

	// forms — seed 001 (issue 12)
	"GET /api/user-data-forms/":                                       reflect.TypeFor[page.Envelope[forms.UserDataFormView]](),
	"POST /api/user-data-forms/":                                      reflect.TypeFor[forms.UserDataFormView](),
	"GET /api/user-data-forms/data/":                                  reflect.TypeFor[page.Envelope[forms.ImplementationView]](),
	"GET /api/user-data-forms/enabled/":                               reflect.TypeFor[page.Envelope[forms.UserDataFormView]](),
	"GET /api/user-data-forms/enabled/me/":                            reflect.TypeFor[page.Envelope[forms.EnabledUserDataFormView]](),
	"GET /api/user-data-forms/{id}/":                                  reflect.TypeFor[forms.UserDataFormView](),
	"PATCH /api/user-data-forms/{id}/state/":                          reflect.TypeFor[forms.UserDataFormView](),
	"DELETE /api/user-data-forms/{id}/":                               noBody,
	"DELETE /api/investor-preference-forms/{id}/":                     noBody,
	"POST /api/user-data-forms/{id}/implementations/":                 reflect.TypeFor[forms.ImplementationView](),
	"GET /api/user-data-forms/{id}/implementations/{user}/":           reflect.TypeFor[forms.ImplementationView](),
	"PUT /api/user-data-forms/{id}/implementations/{user}/":           reflect.TypeFor[forms.ImplementationView](),
	"GET /api/investor-preference-forms/":                             reflect.TypeFor[page.Envelope[forms.PreferenceFormView]](),
	"POST /api/investor-preference-forms/":                            reflect.TypeFor[forms.PreferenceFormView](),
	"GET /api/investor-preference-forms/data/":                        reflect.TypeFor[page.Envelope[forms.ImplementationView]](),
	"GET /api/investor-preference-forms/enabled/":                     reflect.TypeFor[page.Envelope[forms.EnabledPreferenceFormView]](),
	"GET /api/investor-preference-forms/{id}/":                        reflect.TypeFor[forms.PreferenceFormView](),
	"PATCH /api/investor-preference-forms/{id}/classifications/":      reflect.TypeFor[forms.PreferenceFormView](),
	"PATCH /api/investor-preference-forms/{id}/editable/":             reflect.TypeFor[forms.PreferenceFormView](),
	"PATCH /api/investor-preference-forms/{id}/enforcement-type/":     reflect.TypeFor[forms.PreferenceFormView](),
	"PATCH /api/investor-preference-forms/{id}/state/":                reflect.TypeFor[forms.PreferenceFormView](),
	"POST /api/investor-preference-forms/{id}/implementations/":       reflect.TypeFor[forms.ImplementationView](),
	"GET /api/investor-preference-forms/{id}/implementations/{user}/": reflect.TypeFor[forms.ImplementationView](),
	"PUT /api/investor-preference-forms/{id}/implementations/{user}/": reflect.TypeFor[forms.ImplementationView](),
}

// requestTypes are the Go types of the request bodies, by route key. Where
// a handler decodes into a struct, that struct; where it reads the body
// field by field with model.Form (DRF's partial serializers), the rendered
// type wrapped in Partial: the same fields, none required, as
// drf-spectacular's Patched* request schemas. A write route without an
// entry fails TestEveryRouteIsTyped; a route that reads no body maps to
// noBody (an optional, empty object).
var requestTypes = map[string]reflect.Type{
	// seed 000
	"POST /api/offerings/":                     reflect.TypeFor[Partial[model.Offering]](),
	"PATCH /api/offerings/{id}/":               reflect.TypeFor[Partial[model.Offering]](),
	"POST /api/offerings/{id}/open/":           noBody,
	"POST /api/offerings/{id}/pause/":          noBody,
	"POST /api/offerings/{id}/close/":          noBody,
	"POST /api/offerings/{id}/escrow-close/":   noBody,
	"POST /api/offerings/{id}/refunds/":        noBody,
	"POST /api/offerings/{id}/api-keys/":       reflect.TypeFor[Partial[offerings.KeyView]](),
	"DELETE /api/offerings/{id}/api-keys/":     reflect.TypeFor[Partial[offerings.KeyView]](),
	"POST /api/investments/":                   reflect.TypeFor[investments.InvestmentCreate](),
	"PATCH /api/investments/{id}/":             reflect.TypeFor[investments.InvestmentUpdate](),
	"POST /api/investments/{id}/receive/":      noBody,
	"POST /api/investments/{id}/fail-payment/": noBody,
	"POST /api/investments/{id}/approve/":      noBody,
	"POST /api/investments/{id}/reject/":       noBody,
	"POST /api/investments/{id}/accept/":       noBody,
	"POST /api/investments/{id}/cancel/":       noBody,
	"POST /api/investments/{id}/refund/":       noBody,
	"POST /api/investments/{id}/invest/":       noBody,
	"POST /api/investors/":                     reflect.TypeFor[Partial[investors.InvestorWrite]](),
	"PATCH /api/investors/{id}/":               reflect.TypeFor[Partial[investors.InvestorWrite]](),
	"POST /api/users/":                         reflect.TypeFor[Partial[model.UserRef]](),
	"PATCH /api/users/{id}/":                   reflect.TypeFor[Partial[model.UserRef]](),

	// seed 003
	"POST /api/v1/account/user/":             reflect.TypeFor[Partial[account.UserView]](),
	"POST /api/v1/account/userextension/":    reflect.TypeFor[Partial[store.Extension]](),
	"POST /api/v1/account/userorganisation/": reflect.TypeFor[Partial[account.OrgView]](),
	"POST /api/v1/account/userprofile/":      reflect.TypeFor[Partial[store.Profile]](),
	"POST /api/v1/account/usersubscription/": reflect.TypeFor[Partial[store.Subscription]](),
	"POST /api/v1/account/devtest/":          reflect.TypeFor[Partial[account.OrgView]](),
	"PUT /api/v1/account/devtest/":           reflect.TypeFor[Partial[account.OrgView]](),
	"DELETE /api/v1/account/devtest/":        noBody,
	"POST /api/v1/ibkr/trades/":              reflect.TypeFor[[]Partial[trades.TradeView]](),
	// The webhook's body is components.schemas.ClerkEvent (operation).

	// seed 004
	"POST /api/accounts/workspaces/switch/": reflect.TypeFor[workspaces.SwitchRequest](),
	"POST /api/accounts/invitations/":       reflect.TypeFor[workspaces.InviteRequest](),

	// mail: the one-click POST carries a form body that is not read.
	"POST /api/mail/unsubscribe/{token}/": noBody,

	// compliance (issue 16)
	"PUT /api/investors/{id}/accreditation/":       reflect.TypeFor[model.VerificationRequest](),
	"POST /api/offerings/{id}/early-close/":        reflect.TypeFor[model.EarlyCloseRequest](),
	"POST /api/offerings/{id}/material-change/":    reflect.TypeFor[model.MaterialChangeRequest](),
	"POST /api/offerings/{id}/cancel-unconfirmed/": noBody,
	"POST /api/investments/{id}/reconfirm/":        noBody,

	// issue 13: the W-9 signing page (its GET and POST answer HTML)
	"POST /api/documents/w9/{token}/": reflect.TypeFor[model.W9SignRequest](),

	// users and invitations — seed 001 (issue 12)
	"PATCH /api/users/{id}/profile/":              reflect.TypeFor[model.UserProfileRequest](),
	"PATCH /api/users/me/":                        reflect.TypeFor[model.UserProfileRequest](),
	"POST /api/invitations/":                      reflect.TypeFor[model.InviteUserRequest](),
	"POST /api/invitations/internal/":             reflect.TypeFor[model.InviteInternalRequest](),
	"POST /api/invitations/login-token/":          reflect.TypeFor[model.LoginTokenRequest](),
	"POST /api/invitations/login-token/exchange/": reflect.TypeFor[model.LoginTokenExchangeRequest](),
	"POST /api/invitations/{id}/resend/":          noBody,
	"DELETE /api/user-data-forms/{id}/":           noBody,
	"DELETE /api/investor-preference-forms/{id}/": noBody,

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
		// issue 14: the profile bodies are read field by field (profiles.Input
		// has no JSON form), so described as the rendered profile's fields.
		requestTypes["POST "+pre+"/profiles"] = reflect.TypeFor[Partial[profiles.View]]()
		requestTypes["PUT "+pre+"/profiles/{id}"] = reflect.TypeFor[Partial[profiles.View]]()
	}
}

// Partial is a request body of T's fields, every one optional: what a
// handler reading the body with model.Form (partial) accepts.
type Partial[T any] struct{ Value T }

func (Partial[T]) partial() {}

var partialType = reflect.TypeFor[interface{ partial() }]()

// noBody marks a route that answers 204 (response) or reads no body
// (request); htmlPage a route that answers an HTML page; uiAsset one that
// answers a script or a stylesheet.
var (
	noBody   = reflect.TypeFor[struct{ noBody bool }]()
	htmlPage = reflect.TypeFor[struct{ htmlPage bool }]()
	uiAsset  = reflect.TypeFor[struct{ uiAsset bool }]()
	csvFile  = reflect.TypeFor[struct{ csvFile bool }]()
)

var (
	moneyType     = reflect.TypeFor[model.Money]()
	timeType      = reflect.TypeFor[model.Time]()
	dateType      = reflect.TypeFor[model.Date]()
	rawType       = reflect.TypeFor[model.RawJSON]()
	taxIDType     = reflect.TypeFor[model.TaxID]()
	stringListTyp = reflect.TypeFor[model.StringList]()
	rawMsgType    = reflect.TypeFor[json.RawMessage]()
	numberType    = reflect.TypeFor[json.Number]()
	marshalerType = reflect.TypeFor[json.Marshaler]()
)

// selfMarshalled are the schemas of the types that write their own JSON
// (json.Marshaler) as something other than their fields: the generator
// cannot see through MarshalJSON, so each is described here once.
var selfMarshalled = map[reflect.Type]func() *Schema{
	moneyType:         func() *Schema { return &Schema{Type: "string", Format: "decimal", Pattern: `^-?\d+\.\d{2}$`} },
	timeType:          func() *Schema { return &Schema{Type: "string", Format: "date-time"} },
	dateType:          func() *Schema { return &Schema{Type: "string", Format: "date"} },
	taxIDType:         func() *Schema { return &Schema{Type: "string", Description: "Masked to its last four digits."} },
	stringListTyp:     func() *Schema { return &Schema{Type: "array", Items: &Schema{Type: "string"}} },
	numberType:        func() *Schema { return &Schema{Type: "number"} },
	trades.NumberType: func() *Schema { return &Schema{Type: "number", Description: "An exact decimal."} },
	investments.ObjectType: func() *Schema {
		return &Schema{Type: "object", AdditionalProperties: true, Description: "The requested fields of one object, in the order asked."}
	},
}

// gen builds schemas, collecting named structs as components.
type gen struct {
	comps map[string]*Schema
	types map[string]reflect.Type // component name → its Go type
	// partial: generating a Partial's fields, none required.
	partial bool
	errs    []string
}

// envelopePkg is package page's path: its Envelope[T] is the page-number
// list envelope.
var envelopePkg = reflect.TypeFor[page.Envelope[int]]().PkgPath()

// componentName is the type's name, exported; a second type of the same
// name (another package's) is qualified by its package.
func (g *gen) componentName(t reflect.Type) string {
	if t.PkgPath() == envelopePkg && strings.HasPrefix(t.Name(), "Envelope[") {
		// page.Envelope[FooView] is "FooPage": one component per row type,
		// named as a page of it, so lists need no spelled-out page types.
		row := t.Name()
		if f, ok := t.FieldByName("Results"); ok {
			row = f.Type.Elem().Name()
		}
		return strings.TrimSuffix(row, "View") + "Page"
	}
	name := t.Name()
	if i := strings.IndexByte(name, '['); i >= 0 {
		name = name[:i] // generic instantiation
	}
	name = strings.ToUpper(name[:1]) + name[1:]
	if have, ok := g.types[name]; ok && have != t {
		pkg := t.PkgPath()[strings.LastIndexByte(t.PkgPath(), '/')+1:]
		name = strings.ToUpper(pkg[:1]) + pkg[1:] + name
	}
	return name
}

// schema returns the schema of t, adding named structs to the components
// and referring to them.
func (g *gen) schema(t reflect.Type) *Schema {
	nullable := false
	for t.Kind() == reflect.Pointer {
		t, nullable = t.Elem(), true
	}
	if t == rawType || t == rawMsgType || t.Kind() == reflect.Interface {
		return &Schema{Nullable: true, Description: "Any JSON value."}
	}
	var s *Schema
	if f, ok := selfMarshalled[t]; ok {
		s = f()
	} else if t.Implements(partialType) {
		// T's fields, and those of the structs it holds, none required:
		// drf-spectacular's Patched* schemas.
		prev := g.partial
		g.partial = true
		s := g.schema(t.Field(0).Type)
		g.partial = prev
		return s
	}
	if s == nil {
		switch t.Kind() {
		case reflect.String:
			s = &Schema{Type: "string"}
		case reflect.Bool:
			s = &Schema{Type: "boolean"}
		case reflect.Int, reflect.Int32, reflect.Int64, reflect.Uint, reflect.Uint32, reflect.Uint64:
			s = &Schema{Type: "integer"}
		case reflect.Float32, reflect.Float64:
			s = &Schema{Type: "number"}
		case reflect.Slice, reflect.Array:
			// A nil slice is written as null.
			s = &Schema{Type: "array", Items: g.schema(t.Elem())}
		case reflect.Map:
			s = &Schema{Type: "object", AdditionalProperties: g.schema(t.Elem())}
		case reflect.Struct:
			if t.Implements(marshalerType) && t != reflect.TypeFor[model.Offering]() {
				// model.Offering's MarshalJSON only fills a default in;
				// any other self-marshalling type needs its schema said.
				g.errs = append(g.errs, t.String()+" marshals itself: describe it in selfMarshalled")
			}
			obj := &Schema{Type: "object", Properties: map[string]*Schema{}}
			if t.Name() == "" {
				g.fields(t, obj)
				s = obj
				break
			}
			name := g.componentName(t)
			if g.partial {
				name = "Patched" + name
			}
			if _, done := g.comps[name]; !done {
				g.comps[name] = obj // before the fields: a type may hold itself
				g.types[name] = t
				g.fields(t, obj)
			}
			if nullable {
				// A $ref cannot carry nullable in OpenAPI 3.0; wrap it.
				return &Schema{Nullable: true, AllOf: []*Schema{{Ref: "#/components/schemas/" + name}}}
			}
			return &Schema{Ref: "#/components/schemas/" + name}
		default:
			g.errs = append(g.errs, "no schema for "+t.String())
			s = &Schema{}
		}
	}
	s.Nullable = nullable
	return s
}

// fields adds t's JSON fields to obj, flattening embedded structs as
// encoding/json does.
func (g *gen) fields(t reflect.Type, obj *Schema) {
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		opts := strings.Split(f.Tag.Get("json"), ",")
		tag := opts[0]
		if tag == "-" {
			continue
		}
		if f.Anonymous && tag == "" {
			ft := f.Type
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				g.fields(ft, obj)
				continue
			}
		}
		if !f.IsExported() {
			continue
		}
		if tag == "" {
			tag = f.Name
		}
		obj.Properties[tag] = g.schema(f.Type)
		// omitempty marks a field that may be left out.
		if !g.partial && !slices.Contains(opts[1:], "omitempty") {
			obj.Required = append(obj.Required, tag)
		}
	}
}
