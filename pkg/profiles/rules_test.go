package profiles

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tranche-dev/tranche/pkg/store"
)

var testNow = time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)

// validBody is a complete body of a type and role.
func validBody(typ, role string) map[string]any {
	b := map[string]any{
		"user_id": 1, "type": typ, "role": role,
		"first_name": "Ada", "last_name": "Lovelace", "phone": 2125550100, "date_of_birth": "1980-02-03",
		"tax_id": "123-45-6789", "address1": "1 Main St", "city": "New York", "country_id": 840, "state_id": 363, "zip": "10001",
	}
	if role == "investor" {
		b["accredited_investor_document"] = []int{13}
	}
	if typ == "entity" || typ == "trust" {
		b["tax_id"] = "12-3456789"
		b["passthrough"] = "yes"
		b["entity_name"] = "Analytical Engines LLC"
		b["business_address1"] = "2 Wall St"
		b["business_city"] = "New York"
		b["business_country_id"] = 840
		b["business_state_id"] = 363
		if typ == "entity" {
			b["entity_type_id"] = "llc"
		} else {
			b["trust_type"] = "revokable"
		}
	}
	return b
}

func check(t *testing.T, body map[string]any, keep bool) Errors {
	t.Helper()
	raw := map[string]json.RawMessage{}
	for k, v := range body {
		b, _ := json.Marshal(v)
		raw[k] = b
	}
	in, errs := Parse(raw)
	Validate(&in, errs, keep, testNow)
	return errs
}

// TestRequiredMatrix: for every type × role the seed allows, a complete
// body passes, and leaving out each required field (or sending it null)
// fails with exactly that field's "required" error.
func TestRequiredMatrix(t *testing.T) {
	if ref.state[363] == nil || ref.state[363].Abbr != "NY" {
		t.Fatalf("state 363 = %+v, want New York", ref.state[363])
	}
	for _, typ := range Types {
		for _, role := range Roles {
			if typ == "trust" && role != "investor" {
				continue
			}
			if errs := check(t, validBody(typ, role), false); len(errs) > 0 {
				t.Fatalf("%s/%s: valid body refused: %v", typ, role, errs)
			}
			req := append(Required(typ, role), "state_id")
			if typ == "entity" || typ == "trust" {
				req = append(req, "business_state_id")
			}
			for _, field := range req {
				for _, how := range []string{"missing", "null"} {
					t.Run(typ+"/"+role+"/"+field+"/"+how, func(t *testing.T) {
						b := validBody(typ, role)
						if how == "missing" {
							delete(b, field)
						} else {
							b[field] = nil
						}
						errs := check(t, b, false)
						want := Errors{field: {msgRequired}}
						if field == "business_state_id" {
							want = nil // optional: the business may be outside the US
						}
						if field == "type" {
							// without a type, the matrix is the common one:
							// entity-only fields are not required, and an
							// EIN is then checked as an SSN.
							if errs["type"] == nil || errs["type"][0] != msgRequired {
								t.Fatalf("errors %v", errs)
							}
							return
						}
						if field == "role" && typ == "trust" {
							want = Errors{"role": {msgRequired}}
						}
						if field == "role" {
							// accredited_investor_document stays valid; the
							// qualification is still checked against the type.
							if errs["role"] == nil || errs["role"][0] != msgRequired {
								t.Fatalf("errors %v", errs)
							}
							return
						}
						if len(errs) != len(want) || (want != nil && !slices.Equal(errs[field], want[field])) {
							t.Fatalf("errors %v, want %v", errs, want)
						}
					})
				}
			}
		}
	}
}

// TestEveryViolationAtOnce: an empty entity body reports every required
// field in one answer.
func TestEveryViolationAtOnce(t *testing.T) {
	errs := check(t, map[string]any{"type": "entity", "role": "investor", "user_id": 1}, false)
	for _, f := range Required("entity", "investor") {
		if f == "type" || f == "role" {
			continue
		}
		if !slices.Equal(errs[f], []string{msgRequired}) {
			t.Errorf("%s: %v", f, errs[f])
		}
	}
}

func TestValueRules(t *testing.T) {
	cases := []struct {
		name  string
		edit  func(b map[string]any)
		field string
		want  string
	}{
		{"trust manager", func(b map[string]any) { b["type"] = "trust"; b["role"] = "manager" }, "role", "A trust profile can only have the investor role."},
		{"bad type", func(b map[string]any) { b["type"] = "llc" }, "type", `"llc" is not a valid choice.`},
		{"bad ssn area", func(b map[string]any) { b["tax_id"] = "666-12-3456" }, "tax_id", "Enter a valid SSN"},
		{"short ssn", func(b map[string]any) { b["tax_id"] = "12345" }, "tax_id", "Enter a valid SSN or ITIN"},
		{"state outside US", func(b map[string]any) { b["country_id"] = 826; b["zip"] = "SW1A 1AA" }, "state_id", "United Kingdom"},
		{"unknown country", func(b map[string]any) { b["country_id"] = 1 }, "country_id", `Invalid pk "1"`},
		{"unknown state", func(b map[string]any) { b["state_id"] = 2 }, "state_id", `Invalid pk "2"`},
		{"us zip", func(b map[string]any) { b["zip"] = "1234" }, "zip", "ZIP"},
		{"phone", func(b map[string]any) { b["phone"] = "12-34" }, "phone", "phone"},
		{"minor", func(b map[string]any) { b["date_of_birth"] = "2010-01-01" }, "date_of_birth", "18"},
		{"bad date", func(b map[string]any) { b["date_of_birth"] = "01/02/1980" }, "date_of_birth", "YYYY-MM-DD"},
		{"unknown qualification", func(b map[string]any) { b["accredited_investor_document"] = []int{99} }, "accredited_investor_document", `Invalid pk "99"`},
		{"entity qualification for a person", func(b map[string]any) { b["accredited_investor_document"] = []int{3} }, "accredited_investor_document", "does not apply"},
		{"country as string", func(b map[string]any) { b["country_id"] = "abc" }, "country_id", msgInteger},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b := validBody("individual", "investor")
			c.edit(b)
			errs := check(t, b, false)
			if len(errs[c.field]) == 0 || !strings.Contains(errs[c.field][0], c.want) {
				t.Fatalf("errors %v, want %s: …%s…", errs, c.field, c.want)
			}
		})
	}
	b := validBody("entity", "manager")
	b["tax_id"] = "07-1234567"
	if errs := check(t, b, false); len(errs["tax_id"]) == 0 || !strings.Contains(errs["tax_id"][0], "EIN") {
		t.Fatalf("EIN prefix 07: %v", check(t, b, false))
	}
	b = validBody("individual", "founder")
	delete(b, "tax_id")
	if errs := check(t, b, true); len(errs) > 0 {
		t.Fatalf("update without tax_id: %v", errs)
	}
	b = validBody("individual", "founder")
	b["country_id"] = []int{840} // the seed's "integer, list"
	b["zip"] = 10001
	if errs := check(t, b, false); len(errs) > 0 {
		t.Fatalf("list id and integer zip: %v", errs)
	}
}

func TestTaxIDsAndRouting(t *testing.T) {
	for s, ok := range map[string]bool{"123-45-6789": true, "123456789": true, "000-12-3456": false, "900-70-1234": true, "900-10-1234": false, "123-00-4567": false, "123-45-0000": false} {
		if _, problem := NormalizeSSN(s); (problem == "") != ok {
			t.Errorf("SSN %s: %v", s, problem)
		}
	}
	for s, ok := range map[string]bool{"12-3456789": true, "00-1234567": false, "96-1234567": false, "1234567": false} {
		if _, problem := NormalizeEIN(s); (problem == "") != ok {
			t.Errorf("EIN %s: %v", s, problem)
		}
	}
	// Real routing numbers: JPMorgan Chase NY, Bank of America CA, Wells Fargo.
	for s, ok := range map[string]bool{"021000021": true, "121000358": true, "121042882": true, "021000022": false, "991000021": false, "12345678": false} {
		if ValidRouting(s) != ok {
			t.Errorf("routing %s: want %v", s, ok)
		}
	}
	if Mask("123456789") != "*****6789" || Secret("123456789").String() != "*****6789" {
		t.Fatal(Mask("123456789"))
	}
}

func TestClassification(t *testing.T) {
	cases := map[[3]string]string{
		{"individual", "", ""}:           "individual",
		{"joint", "", ""}:                "individual",
		{"trust", "", "no"}:              "trust_estate",
		{"entity", "c corp", ""}:         "c_corporation",
		{"entity", "s corp", ""}:         "s_corporation",
		{"entity", "partnership", "yes"}: "partnership",
		{"entity", "llc", "yes"}:         "llc_p",
		{"entity", "llc", "no"}:          "llc_c",
	}
	for k, want := range cases {
		p := profileOf(k[0], k[1], k[2])
		if got := Classification(p); got != want {
			t.Errorf("%v: %s, want %s", k, got, want)
		}
	}
}

func TestReferenceData(t *testing.T) {
	if len(ref.Countries) < 240 || ref.country[840].Alpha2 != "US" || ref.country[826].Alpha3 != "GBR" {
		t.Fatalf("countries: %d, 840 = %+v", len(ref.Countries), ref.country[840])
	}
	if len(ref.States) != 57 || ref.state[53].Abbr != "CA" || ref.state[11].Abbr != "AK" {
		t.Fatalf("states: %d", len(ref.States))
	}
	for i, q := range Qualifications {
		if q.ID != int64(i+1) || !strings.HasPrefix(q.Rule, "230.501(a)(") {
			t.Fatalf("qualification %d: %+v", i, q)
		}
	}
}

func profileOf(typ, kind, pass string) *store.ProfileRecord {
	return &store.ProfileRecord{Type: typ, EntityTypeID: kind, Passthrough: pass}
}
