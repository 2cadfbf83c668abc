package model

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

func form(t *testing.T, body string, partial bool) *Form {
	t.Helper()
	var raw map[string]json.RawMessage
	if err := json.Unmarshal([]byte(body), &raw); err != nil {
		t.Fatal(err)
	}
	return NewForm(raw, partial)
}

// TestFormMessages: DRF's messages, word for word.
func TestFormMessages(t *testing.T) {
	zero := MustMoney("0")
	f := form(t, `{"a": "x", "b": "1.234", "c": "-1", "d": true, "e": 1.5, "g": "maybe", "h": "nope@", "i": "zz", "j": null, "k": "", "l": "2026-13-01", "m": 123456789012345}`, false)
	f.Money("a", Dec{})
	f.Money("b", Dec{})
	f.Money("c", Dec{Min: &zero})
	f.Money("d", Dec{})
	f.Int("e", Int{})
	f.Bool("g", false, false)
	f.Email("h", Str{})
	f.String("i", Str{Choices: InvestorTypes})
	f.String("j", Str{})
	f.String("k", Str{})
	f.Date("l", false, false)
	f.Money("m", Dec{})
	f.String("missing", Str{Required: true})
	want := FieldErrors{
		"a": {MsgNumber}, "b": {MsgDecimalPlaces}, "c": {"Ensure this value is greater than or equal to 0."},
		"d": {MsgNumber}, "e": {MsgInteger}, "g": {MsgBoolean}, "h": {"Enter a valid email address."},
		"i": {`"zz" is not a valid choice.`}, "j": {"This field may not be null."}, "k": {"This field may not be blank."},
		"l": {MsgDate}, "m": {"Ensure that there are no more than 14 digits in total."}, "missing": {"This field is required."},
	}
	if !reflect.DeepEqual(f.Errors, want) {
		t.Errorf("errors\n got %v\nwant %v", f.Errors, want)
	}
	g := form(t, `{"amount": 12.5, "n": "7", "b": "true"}`, true)
	if v, _ := g.Money("amount", Dec{}); v == nil || v.String() != "12.50" {
		t.Errorf("money from a number: %v", v)
	}
	if v, _ := g.Int("n", Int{}); v == nil || *v != 7 {
		t.Errorf("int from a string: %v", v)
	}
	g.String("absent", Str{Required: true})
	if len(g.Errors) != 0 {
		t.Errorf("partial form: %v", g.Errors)
	}
}

func TestPrice(t *testing.T) {
	unit, fees := MustMoney("10.00"), MustMoney("25.00")
	o := &Offering{UnitPrice: &unit, AdministrativeFees: &fees, AdministrativeFeesPaidByInvestor: true}
	q := int64(12)
	p, errs := Price(o, &q, nil, MustMoney("3.60"))
	if len(errs) > 0 || p.Price.String() != "120.00" || p.PriceFees.String() != "25.00" || p.Amount.String() != "148.60" {
		t.Errorf("price %+v %v", p, errs)
	}
	amt := MustMoney("145.00")
	if p, errs := Price(o, nil, &amt, MustMoney("0")); len(errs) > 0 || p.Quantity != 12 {
		t.Errorf("quantity from amount: %+v %v", p, errs)
	}
	bad := MustMoney("146.00")
	if _, errs := Price(o, &q, &bad, MustMoney("0")); !errs.Has("amount") {
		t.Errorf("disagreeing amount accepted")
	}
	o.AdministrativeFeesPaidByInvestor = false
	if p, _ := Price(o, &q, nil, MustMoney("0")); p.Amount.String() != "120.00" {
		t.Errorf("fees paid by the issuer charged: %s", p.Amount)
	}
}

func TestCheckAmount(t *testing.T) {
	min, max, inc := MustMoney("100"), MustMoney("1000"), MustMoney("50")
	o := &Offering{MinInvestmentAmount: &min, MaxInvestmentAmount: &max, InvestmentIncrementAmount: &inc}
	for amount, ok := range map[string]bool{"99.99": false, "100": true, "1000": true, "1000.01": false, "150": true, "160": false} {
		if errs := CheckAmount(o, MustMoney(amount)); (len(errs) == 0) != ok {
			t.Errorf("%s: %v", amount, errs)
		}
	}
}

func TestInvestorAllowed(t *testing.T) {
	us, fr := "US", "FR"
	yes, no := true, false
	o := &Offering{AccreditedInvestors: true, NonAccreditedInvestors: false, InvestorsExcludedCountries: StringList{"FR"}}
	if errs := CheckInvestorAllowed(o, &Entity{Country: &us, AccreditedInvestor: &yes}); len(errs) > 0 {
		t.Errorf("accredited US: %v", errs)
	}
	if errs := CheckInvestorAllowed(o, &Entity{Country: &fr, AccreditedInvestor: &yes}); !errs.Has("investor") {
		t.Errorf("excluded country accepted")
	}
	if errs := CheckInvestorAllowed(o, &Entity{Country: &us, AccreditedInvestor: &no}); !errs.Has("investor") {
		t.Errorf("non-accredited accepted by an accredited-only offering")
	}
	o.InvestorsIncludedCountries, o.InvestorsExcludedCountries = StringList{"FR"}, nil
	if errs := CheckInvestorAllowed(o, &Entity{Country: &us, AccreditedInvestor: &yes}); !errs.Has("investor") {
		t.Errorf("country outside the included list accepted")
	}
}

func TestAutoAccepts(t *testing.T) {
	lo, hi := MustMoney("100"), MustMoney("1000")
	o := &Offering{AutoAcceptInvestments: true, AutoAcceptMinAmount: &lo, AutoAcceptMaxAmount: &hi}
	for amount, want := range map[string]bool{"99.99": false, "100": true, "1000": true, "1000.01": false} {
		if got := AutoAccepts(o, MustMoney(amount)); got != want {
			t.Errorf("%s: %v", amount, got)
		}
	}
	o.AutoAcceptInvestments = false
	if AutoAccepts(o, MustMoney("500")) {
		t.Errorf("accepted with the setting off")
	}
}

func TestOfferingSettings(t *testing.T) {
	max := MustMoney("5000000.01")
	o := &Offering{Type: TypeRegCF, MaximumAmountRaised: &max, AccreditedInvestors: true}
	if errs := CheckOfferingSettings(o); !errs.Has("maximum_amount_raised") {
		t.Errorf("Reg CF over 5,000,000 accepted")
	}
	c := &Offering{Type: TypeRegD506c, AccreditedInvestors: true, NonAccreditedInvestors: true}
	if errs := CheckOfferingSettings(c); !errs.Has("non_accredited_investors") {
		t.Errorf("506(c) with non-accredited investors accepted")
	}
	open := OfferingFieldsToOpen(&Offering{Type: TypeRegCF, AccreditedInvestors: true})
	for _, f := range []string{"name", "unit_price", "maximum_amount_raised", "minimum_amount_raised", "deadline_date"} {
		if !open.Has(f) {
			t.Errorf("opening a bare Reg CF offering does not require %s: %v", f, open)
		}
	}
	if _, err := NextOfferingStatus("closed", "open"); err == nil {
		t.Errorf("reopened a closed offering")
	}
}

// Issue 11, finding 3: a JSONField took any size, and a few hundred KB
// reached DynamoDB's item limit (a 500). MaxJSON bytes of compact JSON
// pass; one more is a 400 naming the bound.
func TestFormJSONIsBounded(t *testing.T) {
	fits := `{"k":"` + strings.Repeat("x", MaxJSON-len(`{"k":""}`)) + `"}`
	f := form(t, `{"fits": `+fits+`, "spaced": `+strings.Replace(fits, `{"k":`, `{ "k" :  `, 1)+`, "over": {"k":"`+strings.Repeat("x", MaxJSON)+`"}}`, true)
	if v, set := f.JSON("fits"); !set || len(v) != MaxJSON {
		t.Errorf("fits: %d bytes, set %v", len(v), set)
	}
	if _, set := f.JSON("spaced"); !set {
		t.Error("whitespace counted against the bound")
	}
	if _, set := f.JSON("over"); set {
		t.Error("over the bound accepted")
	}
	want := FieldErrors{"over": {"Ensure this field has no more than 65536 bytes."}}
	if !reflect.DeepEqual(f.Errors, want) {
		t.Errorf("errors %v", f.Errors)
	}
}
