package investors

import (
	"encoding/json"
	"net/http"

	"github.com/tranche-dev/tranche/pkg/apierr"
	"github.com/tranche-dev/tranche/pkg/auth"
	"github.com/tranche-dev/tranche/pkg/httpapi"
	"github.com/tranche-dev/tranche/pkg/model"
)

var (
	zero = model.MustMoney("0")
	// AccreditedInvestorTypes are the bases of accreditation the documents
	// show.
	accreditedTypes = []model.Choice{{Value: "income", Label: "Income"}, {Value: "net_worth", Label: "Net Worth"}, {Value: "professional", Label: "Professional"}, {Value: "entity", Label: "Entity"}, {Value: "other", Label: "Other"}}
	canadianTypes   = []model.Choice{{Value: "eligible_net_income", Label: "Eligible Net Income"}, {Value: "eligible_net_assets", Label: "Eligible Net Assets"}, {Value: "eligible_investment_limit", Label: "Eligible Investment Limit"}}
)

// readEntity reads an entity object into e (partial for PATCH). person
// says the entity is a natural person (first and last names required on
// create).
func readEntity(f *model.Form, e *model.Entity, person bool) {
	str := func(name string, max int, dst **string) {
		if v, set := f.String(name, model.Str{Nullable: true, AllowBlank: true, MaxLen: max}); set {
			*dst = v
		}
	}
	if v, set := f.Email("email", model.Str{Nullable: true, AllowBlank: true, MaxLen: 255}); set {
		e.Email = v
	}
	str("phone", 50, &e.Phone)
	str("street_address_1", 255, &e.StreetAddress1)
	str("street_address_2", 255, &e.StreetAddress2)
	str("city", 255, &e.City)
	str("state", 50, &e.State)
	str("region", 255, &e.Region)
	str("postal_code", 20, &e.PostalCode)
	str("citizenship", 100, &e.Citizenship)
	if v, set := f.String("country", model.Str{Nullable: true}); set {
		if v != nil && !model.ValidCountry(*v) {
			f.Errors.Add("country", model.MsgChoice(*v))
		} else {
			e.Country = v
		}
	}
	if v, set := f.String("kyc_status", model.Str{Choices: model.KYCStatuses}); set {
		e.KYCStatus = v
	}
	if v, set := f.String("first_name", model.Str{Required: person, Nullable: !person, MaxLen: 255}); set {
		e.FirstName = v
	}
	if v, set := f.String("last_name", model.Str{Required: person, Nullable: !person, MaxLen: 255}); set {
		e.LastName = v
	}
	if v, set := f.Date("date_of_birth", false, true); set {
		e.DateOfBirth = v
	}
	money := func(name string, dst **model.Money) {
		if v, set := f.Money(name, model.Dec{Nullable: true, Min: &zero}); set {
			*dst = v
		}
	}
	money("net_worth", &e.NetWorth)
	money("annual_income", &e.AnnualIncome)
	money("amount_invested_in_reg_cf_offering_this_year", &e.AmountInvestedInRegCFOfferingThisYear)
	money("amount_invested_in_reg_cf_offering_this_year_other_platforms", &e.AmountInvestedInRegCFOfferingThisYearOtherPlatforms)
	// The declared amounts are as of their declaration: a limit decision
	// records when they were last declared (model.LimitDecision).
	if f.Has("amount_invested_in_reg_cf_offering_this_year") || f.Has("amount_invested_in_reg_cf_offering_this_year_other_platforms") {
		at := model.NewTime(now())
		e.RegCFDeclaredAt = &at
	}
	boolean := func(name string, dst **bool) {
		if v, set := f.Bool(name, false, true); set {
			*dst = v
		}
	}
	boolean("accredited_investor", &e.AccreditedInvestor)
	boolean("us_person", &e.USPerson)
	boolean("exempt_from_backup_withholding", &e.ExemptFromBackupWithholding)
	boolean("household_w9", &e.HouseholdW9)
	if v, set := f.String("accredited_investor_type", model.Str{Nullable: true, Choices: accreditedTypes}); set {
		e.AccreditedInvestorType = v
	}
	if v, set := f.String("canadian_eligible_investor_type", model.Str{Nullable: true, Choices: canadianTypes}); set {
		e.CanadianEligibleInvestorType = v
	}
	if v, set := f.String("tax_id_number", model.Str{Nullable: true, AllowBlank: true, MaxLen: 20}); set {
		if v == nil {
			e.TaxIDNumber = nil
		} else {
			t := model.NewTaxID(*v)
			e.TaxIDNumber = &t
		}
	}
}

// nested reads a nested object's fields with fn and reports its errors
// under the field, the DRF way ({"entity": {"kyc_status": [...]}}).
func nested(f *model.Form, name string, partial bool, errs map[string]any, fn func(*model.Form)) bool {
	g, present := f.Object(name, partial)
	if g == nil {
		return present
	}
	fn(g)
	if len(g.Errors) > 0 {
		errs[name] = map[string][]string(g.Errors)
	}
	return true
}

func fieldErrors(f *model.Form, nestedErrs map[string]any) error {
	if len(f.Errors) == 0 && len(nestedErrs) == 0 {
		return nil
	}
	body := map[string]any{}
	for k, v := range f.Errors {
		body[k] = v
	}
	for k, v := range nestedErrs {
		body[k] = v
	}
	return &apierr.Error{Kind: apierr.Invalid, Body: body}
}

// handleCreate creates an investor of a user: {user, type, entity,
// individual_entity, receive_sms, receive_emails, utm_parameters}. A person
// invests as the user's own entity (entity and individual_entity are the
// same); a company, trust or IRA trust invests through its entity, with
// the user's personal entity as individual_entity when given
// (Service.Create).
func handleCreate(svc *Service) httpapi.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		p, err := auth.Writer(r)
		if err != nil {
			return err
		}
		var raw map[string]json.RawMessage
		if err := httpapi.Decode(w, r, &raw); err != nil {
			return err
		}
		f := model.NewForm(raw, false)
		one := int64(1)
		user, _ := f.Int("user", model.Int{Required: true, Min: &one})
		typ, _ := f.String("type", model.Str{Required: true, Choices: model.InvestorTypes})
		inv := &model.Investor{ReceiveEmails: true}
		readInvestorFlags(f, inv)
		person := typ != nil && *typ == "person"
		ent := &model.Entity{KYCStatus: ptr("unverified")}
		var ind *model.Entity
		nestedErrs := map[string]any{}
		if !nested(f, "entity", false, nestedErrs, func(g *model.Form) { readEntity(g, ent, person) }) {
			f.Errors.Add("entity", model.MsgRequired)
		}
		if !person {
			nested(f, "individual_entity", false, nestedErrs, func(g *model.Form) {
				ind = &model.Entity{KYCStatus: ptr("unverified")}
				readEntity(g, ind, true)
			})
		}
		if err := fieldErrors(f, nestedErrs); err != nil {
			return err
		}
		g, err := svc.Create(r.Context(), p, CreateInput{User: *user, Type: *typ, Investor: inv, Entity: ent, Individual: ind})
		if err != nil {
			return err
		}
		return httpapi.JSON(w, http.StatusCreated, g.View())
	}
}

func readInvestorFlags(f *model.Form, inv *model.Investor) {
	if v, _ := f.Bool("receive_sms", false, false); v != nil {
		inv.ReceiveSMS = *v
	}
	if v, _ := f.Bool("receive_emails", false, false); v != nil {
		inv.ReceiveEmails = *v
	}
	if v, set := f.JSON("utm_parameters"); set {
		inv.UTMParameters = v
	}
}

func ptr[T any](v T) *T { return &v }
