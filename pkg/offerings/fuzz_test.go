package offerings

import (
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/tranche-dev/tranche/pkg/httpapi/httpapitest"
	"github.com/tranche-dev/tranche/pkg/model"
)

// FuzzOfferingBody feeds the offering write body (POST and PATCH
// /api/offerings/) through the handler's decoder: no panic, and an
// offering accepted without field errors holds only clean strings within
// their DRF max lengths, so that nothing reaches DynamoDB's item limit.
func FuzzOfferingBody(f *testing.F) {
	for _, s := range []string{
		`{"issuer": 1, "name": "Seed Round", "type": "reg_cf", "unit_price": "1.00", "deadline_date": "2030-01-31", "accent_color": "#1A2B3C"}`,
		`{"type": "reg_a", "reg_a_tier": 2, "maximum_amount_raised": "75000000.00", "logo": "https://example.com/a.png"}`,
		`{"name": null, "slug": "", "signing_email": "x@example.com", "included_countries": ["US", "GB"], "auto_accept_min_amount": "1e309"}`,
		`{"minimum_investment_amount": -0, "increment_amount": 0.000000001, "email_investment_started_threshold": 99999999999999999999}`,
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
			var o model.Offering
			form := model.NewForm(raw, partial)
			applyFields(form, &o)
			regATier(form, &o)
			if len(form.Errors) > 0 {
				for field, msgs := range form.Errors {
					if len(msgs) == 0 || msgs[0] == "" {
						t.Fatalf("%s: empty error list", field)
					}
				}
				continue
			}
			httpapitest.CleanStrings(t, o)
			checkLengths(t, &o)
		}
	})
}

// checkLengths: every accepted string is within its field's max length.
func checkLengths(t *testing.T, o *model.Offering) {
	t.Helper()
	for name, s := range stringFields(o) {
		if n := utf8.RuneCountInString(s); n > fieldMaxLen(name) {
			t.Fatalf("%s: accepted %d characters, max %d", name, n, fieldMaxLen(name))
		}
	}
}

// stringFields are the offering's set string fields by JSON name.
func stringFields(o *model.Offering) map[string]string {
	out := map[string]string{}
	v := reflect.ValueOf(o).Elem()
	for i := 0; i < v.NumField(); i++ {
		name := strings.Split(v.Type().Field(i).Tag.Get("json"), ",")[0]
		switch fv := v.Field(i).Interface().(type) {
		case string:
			out[name] = fv
		case *string:
			if fv != nil {
				out[name] = *fv
			}
		}
	}
	return out
}
