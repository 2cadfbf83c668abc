package profiles

import (
	"slices"
	"testing"

	"github.com/tranche-dev/tranche/pkg/httpapi/httpapitest"
	"github.com/tranche-dev/tranche/pkg/store"
)

// FuzzProfileBody feeds seed 002's profile bodies (POST /api/profiles and
// PUT /api/profiles/{id}) through Parse and Validate, as Service.Create
// and Service.Update run them: no panic; a refusal is the seed's 422 with
// DRF-shaped field errors; an accepted body applies to a profile record
// (apply dereferences the required ids) whose strings are clean, whose
// tax id normalises, whose W-9 renders, and that Complete calls complete.
func FuzzProfileBody(f *testing.F) {
	for _, s := range []string{
		`{"user_id": 1, "type": "individual", "role": "investor", "first_name": "Ada", "last_name": "Lovelace", "phone": 2125550100, "date_of_birth": "1980-02-03", "tax_id": "123-45-6789", "address1": "1 Main St", "city": "New York", "country_id": 840, "state_id": 363, "zip": "10001", "accredited_investor_document": [5, 6]}`,
		`{"user_id": null, "type": "entity", "role": "manager", "first_name": "A", "last_name": "B", "phone": "+44 20 7946 0958", "date_of_birth": "1980-02-03", "tax_id": "98-7654321", "address1": "x", "city": "London", "country_id": 826, "zip": "SW1A 2AA", "entity_type_id": "s corp", "passthrough": "no", "entity_name": "E", "business_address1": "y", "business_city": "z", "business_country_id": ["826"], "state_of_formation": 363}`,
		`{"type": "trust", "role": "founder", "tax_id": "1", "country_id": [1, 2], "accredited_investor_document": "13", "zip": 1e5, "date_of_birth": "1899-12-31"}`,
		`{"user_id": "x", "phone": [], "country_id": 99999999999999999999, "accredited_investor_document": [99, 3, null]}`,
		`{"account_type": "checking", "routing_number": "021000021", "account_number": "12345678", "account_holder_name": "Ada", "bank_name": "Bank"}`,
		`{"account_type": "cash", "routing_number": 21000021, "account_number": "12-34"}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		raw, err := httpapitest.Decode(body)
		if err != nil {
			httpapitest.Refused(t, err)
			return
		}
		for _, keepTIN := range []bool{false, true} {
			in, errs := Parse(raw)
			Validate(&in, errs, keepTIN, testNow)
			if len(errs) > 0 {
				refused422(t, errs)
				continue
			}
			var p store.ProfileRecord
			apply(&p, &in)
			httpapitest.CleanStrings(t, p)
			if len(p.AccreditedInvestorDocument) > len(Qualifications) {
				t.Fatalf("accepted %d qualifications", len(p.AccreditedInvestorDocument))
			}
			p.TIN.Last4 = "0000" // sealed apart from apply; kept on update
			if in.TaxIDSet {
				var d, problem string
				if isEntity(in.Type) {
					d, problem = NormalizeEIN(in.TaxID)
				} else {
					d, problem = NormalizeSSN(in.TaxID)
				}
				if problem != "" || len(d) != 9 {
					t.Fatalf("accepted tax id %q: %q", in.TaxID, problem)
				}
				p.TIN.Last4 = d[5:]
			} else if !keepTIN {
				t.Fatalf("a create accepted without tax_id")
			}
			if !Complete(&p) {
				t.Fatalf("an accepted body makes an incomplete profile: %+v", p)
			}
			if _, err := w9Input(&p); err != nil {
				t.Fatalf("W-9 input: %v", err)
			}
		}
		for _, us := range []bool{true, false} {
			b, errs := readBankAccount(raw, us)
			if len(errs) > 0 {
				refused422(t, errs)
				continue
			}
			if !us {
				t.Fatalf("accepted a bank account for a profile outside the US")
			}
			httpapitest.CleanStrings(t, b)
			if !slices.Contains(AccountTypes, b.AccountType) || !ValidRouting(b.Routing) || !ValidAccountNumber(b.Account) {
				t.Fatalf("accepted bank account %+v", b)
			}
		}
	})
}

// refused422 fails t unless errs render as seed 002's 422.
func refused422(t *testing.T, errs Errors) {
	t.Helper()
	err := unprocessable(errs)
	httpapitest.Refused(t, err)
	if code := httpapitest.Status(err); code != 422 {
		t.Fatalf("%v renders as %d, want 422", errs, code)
	}
	for field, msgs := range errs {
		if len(msgs) == 0 || msgs[0] == "" {
			t.Fatalf("%s: empty error list", field)
		}
	}
}
