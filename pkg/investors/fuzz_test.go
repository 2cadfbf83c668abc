package investors

import (
	"testing"

	"github.com/tranche-dev/tranche/pkg/httpapi/httpapitest"
	"github.com/tranche-dev/tranche/pkg/model"
)

// FuzzInvestorBody feeds the investor write body (POST and PATCH
// /api/investors/) through the handler's decoding: the flags, and the
// entity and individual_entity nested objects. No panic; a refusal renders
// as a 4xx; what is accepted holds clean strings.
func FuzzInvestorBody(f *testing.F) {
	for _, s := range []string{
		`{"user": 1, "type": "person", "receive_sms": false, "utm_parameters": {"source": "x"}, "entity": {"first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.com", "country": "GB", "us_person": false, "annual_income": "90000.00", "date_of_birth": "1990-01-01", "tax_id_number": "123-45-6789"}}`,
		`{"type": "company", "entity": {"kyc_status": "passed", "net_worth": "1e309"}, "individual_entity": {"first_name": null}}`,
		`{"entity": [], "individual_entity": "x", "utm_parameters": [1, {"a": null}]}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		raw, err := httpapitest.Decode(body)
		if err != nil {
			httpapitest.Refused(t, err)
			return
		}
		for _, partial := range []bool{false, true} {
			form := model.NewForm(raw, partial)
			one := int64(1)
			form.Int("user", model.Int{Required: !partial, Min: &one})
			typ, _ := form.String("type", model.Str{Required: !partial, Choices: model.InvestorTypes})
			person := typ != nil && *typ == "person"
			inv := &model.Investor{}
			readInvestorFlags(form, inv)
			ent, ind := &model.Entity{}, &model.Entity{}
			nestedErrs := map[string]any{}
			nested(form, "entity", partial, nestedErrs, func(g *model.Form) { readEntity(g, ent, person) })
			nested(form, "individual_entity", partial, nestedErrs, func(g *model.Form) { readEntity(g, ind, true) })
			if err := fieldErrors(form, nestedErrs); err != nil {
				httpapitest.Refused(t, err)
				continue
			}
			httpapitest.CleanStrings(t, inv)
			httpapitest.CleanStrings(t, ent)
			httpapitest.CleanStrings(t, ind)
		}
	})
}
