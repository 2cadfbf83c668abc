package model

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// Issue 16's findings, each rule at its boundaries.

// TestDeadlinePassed: the deadline date is the offering's last day; it
// passes at the end of that day in the offering's timezone, and then the
// offering neither opens nor takes investments.
func TestDeadlinePassed(t *testing.T) {
	d, _ := ParseDate("2026-06-10")
	end := time.Date(2026, 6, 11, 0, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		name   string
		zone   string
		noDate bool
		now    time.Time
		passed bool
	}{
		{"start of the deadline day", "UTC", false, time.Date(2026, 6, 10, 0, 0, 0, 0, time.UTC), false},
		{"last instant of the deadline day", "UTC", false, end.Add(-time.Nanosecond), false},
		{"end of the deadline day", "UTC", false, end, true},
		{"a year later", "UTC", false, end.AddDate(1, 0, 0), true},
		{"New York, midnight UTC", "America/New_York", false, end, false},
		{"New York, last instant", "America/New_York", false, end.Add(4*time.Hour - time.Nanosecond), false},
		{"New York, end of its day", "America/New_York", false, end.Add(4 * time.Hour), true},
		{"Tokyo ends earlier", "Asia/Tokyo", false, end.Add(-9 * time.Hour), true},
		{"no timezone is UTC", "", false, end, true},
		{"no deadline", "UTC", true, end.AddDate(10, 0, 0), false},
	} {
		o := &Offering{Status: "opened", DeadlineDate: &d, DefaultTimezone: c.zone}
		if c.noDate {
			o.DeadlineDate = nil
		}
		if got := DeadlinePassed(o, c.now); got != c.passed {
			t.Errorf("%s: passed %v, want %v", c.name, got, c.passed)
		}
		err := OfferingOpen(o, c.now)
		if c.passed != (err != nil) {
			t.Errorf("%s: OfferingOpen %v", c.name, err)
		}
		if c.passed && !strings.Contains(err.Error(), "offering: The offering's deadline_date 2026-06-10 has passed") {
			t.Errorf("%s: message %q", c.name, err)
		}
		open := DeadlineToOpen(o, c.now)
		if c.passed != open.Has("deadline_date") {
			t.Errorf("%s: DeadlineToOpen %v", c.name, open)
		}
	}
	// The status and archive checks come first: a paused offering past its
	// deadline says it is paused.
	o := &Offering{Status: "paused", DeadlineDate: &d}
	if err := OfferingOpen(o, end); err == nil || !strings.Contains(err.Error(), "status paused") {
		t.Errorf("paused past the deadline: %v", err)
	}
}

// TestUSPersonOf: 230.902(k) — residence in the United States (its
// territories included, 230.902(l)) makes a U.S. person whatever is
// declared; otherwise the us_person declaration counts; neither is
// unknown.
func TestUSPersonOf(t *testing.T) {
	yes, no := true, false
	str := func(s string) *string { return &s }
	for _, c := range []struct {
		name        string
		e           *Entity
		us, known   bool
		regSRefused string // "" passes Reg S; else a substring of the 400
	}{
		{"no entity", nil, false, false, "neither us_person nor a country"},
		{"nothing declared", &Entity{}, false, false, "neither us_person nor a country"},
		{"blank country, nothing else", &Entity{Country: str(" ")}, false, false, "neither us_person nor a country"},
		{"not a US person, resident in the US", &Entity{USPerson: &no, Country: str("US")}, true, true, "230.903"},
		{"lower-case us", &Entity{USPerson: &no, Country: str("us")}, true, true, "230.903"},
		{"resident in Puerto Rico", &Entity{USPerson: &no, Country: str("PR")}, true, true, "230.903"},
		{"resident in Guam, nothing declared", &Entity{Country: str("GU")}, true, true, "230.903"},
		{"US person abroad", &Entity{USPerson: &yes, Country: str("FR")}, true, true, "230.903"},
		{"US person, no country", &Entity{USPerson: &yes}, true, true, "230.903"},
		{"not a US person, abroad", &Entity{USPerson: &no, Country: str("FR")}, false, true, ""},
		{"not a US person, no country", &Entity{USPerson: &no}, false, true, ""},
		{"undeclared, abroad", &Entity{Country: str("FR")}, false, true, ""},
		{"US citizen resident abroad", &Entity{USPerson: &no, Country: str("DE"), Citizenship: str("United States")}, false, true, ""},
	} {
		us, known := USPersonOf(c.e)
		if us != c.us || known != c.known {
			t.Errorf("%s: us %v known %v, want %v %v", c.name, us, known, c.us, c.known)
		}
		err := Regulations[TypeRegS].CheckInvestor(m("1"), InvestorFacts{Accredited: true, USPerson: us, USPersonUnknown: !known}, 0)
		switch {
		case c.regSRefused == "" && err != nil:
			t.Errorf("%s: Reg S refused: %v", c.name, err)
		case c.regSRefused != "" && (err == nil || !strings.Contains(err.Message, c.regSRefused) || err.Field != "investor"):
			t.Errorf("%s: Reg S %v, want %q", c.name, err, c.regSRefused)
		}
	}
	// Other regulations do not ask.
	if err := Regulations[TypeRegD506b].CheckInvestor(m("1"), InvestorFacts{Accredited: true, USPersonUnknown: true}, 0); err != nil {
		t.Errorf("506(b) refused an undeclared investor: %v", err)
	}
}

// TestCountriesUnknown: an offering that lists countries, included or
// excluded, refuses an investor whose country is unknown.
func TestCountriesUnknown(t *testing.T) {
	yes := true
	str := func(s string) *string { return &s }
	for _, c := range []struct {
		name               string
		included, excluded StringList
		country            *string
		want               string // "" passes
	}{
		{"no lists, no country", nil, nil, nil, ""},
		{"excluded, no country", nil, StringList{"FR"}, nil, "has no country"},
		{"excluded, blank country", nil, StringList{"FR"}, str(""), "has no country"},
		{"excluded, spaces", nil, StringList{"FR"}, str("  "), "has no country"},
		{"excluded, excluded country", nil, StringList{"FR"}, str("fr"), "from FR"},
		{"excluded, other country", nil, StringList{"FR"}, str("US"), ""},
		{"included, no country", StringList{"US"}, nil, nil, "has no country"},
		{"included, listed", StringList{"US"}, nil, str("us"), ""},
		{"included, not listed", StringList{"US"}, nil, str("CA"), "from CA"},
	} {
		o := &Offering{AccreditedInvestors: true, InvestorsIncludedCountries: c.included, InvestorsExcludedCountries: c.excluded}
		errs := CheckInvestorAllowed(o, &Entity{Country: c.country, AccreditedInvestor: &yes})
		got := strings.Join(errs["investor"], " ")
		if (c.want == "") != (got == "") || !strings.Contains(got, c.want) {
			t.Errorf("%s: %q, want %q", c.name, got, c.want)
		}
	}
	if errs := CheckInvestorAllowed(&Offering{AccreditedInvestors: true, InvestorsExcludedCountries: StringList{"RU"}}, nil); !errs.Has("investor") {
		t.Errorf("no entity accepted by an offering excluding countries")
	}
}

// TestRegCFCountedOnce: the declared 12-month total includes the other
// platforms' part, so the prior purchases are the greater of the total and
// other platforms + this platform, never their sum.
func TestRegCFCountedOnce(t *testing.T) {
	cf := Regulations[TypeRegCF]
	low := InvestorFacts{AnnualIncome: m("50000"), NetWorth: m("40000")} // limit 2,500
	for _, c := range []struct {
		name                   string
		thisYear, other, own   string
		prior, fits, refusedAt string
	}{
		{"nothing before", "0", "0", "0", "0.00", "2500", "2500.01"},
		{"total only", "1500", "0", "0", "1500.00", "1000", "1000.01"},
		{"other platforms only", "0", "1500", "0", "1500.00", "1000", "1000.01"},
		{"total includes the other platforms", "1500", "1500", "0", "1500.00", "1000", "1000.01"},
		{"total greater than its parts", "2000", "500", "0", "2000.00", "500", "500.01"},
		{"this platform bought since the declaration", "1500", "1000", "1000", "2000.00", "500", "500.01"},
		{"declared total covers this platform", "2000", "500", "1500", "2000.00", "500", "500.01"},
		{"this platform alone", "0", "0", "2500", "2500.00", "0", "0.01"},
	} {
		f := low
		f.RegCFThisYear, f.RegCFOtherPlatforms, f.RegCFThisPlatform = m(c.thisYear), m(c.other), m(c.own)
		if got := f.RegCFPrior(); got.String() != c.prior {
			t.Errorf("%s: prior %s, want %s", c.name, got, c.prior)
		}
		if c.fits != "0" {
			if err := cf.CheckInvestor(m(c.fits), f, 0); err != nil {
				t.Errorf("%s: %s refused: %v", c.name, c.fits, err)
			}
		}
		err := cf.CheckInvestor(m(c.refusedAt), f, 0)
		left := m("2500").Sub(m(c.prior).Decimal)
		if err == nil || !strings.Contains(err.Message, "at most "+Money{left}.String()+" remains") || !strings.Contains(err.Message, "227.100(a)(2)") {
			t.Errorf("%s: %s: %v", c.name, c.refusedAt, err)
		}
	}
}

// TestLimitsCountSecurities: what the limits check is the price of the
// securities; the fees an investor pays on top are not securities sold.
func TestLimitsCountSecurities(t *testing.T) {
	unit, fees := MustMoney("10.00"), MustMoney("25.00")
	o := &Offering{UnitPrice: &unit, AdministrativeFees: &fees, AdministrativeFeesPaidByInvestor: true}
	low := InvestorFacts{AnnualIncome: m("50000"), NetWorth: m("40000")} // Reg CF limit 2,500
	tier2 := InvestorFacts{AnnualIncome: m("25000")}                     // Reg A Tier 2 limit 2,500
	for _, c := range []struct {
		name     string
		reg      Regulation
		facts    InvestorFacts
		quantity int64
		ok       bool
	}{
		{"cf: price at the limit, fees on top", Regulations[TypeRegCF], low, 250, true},
		{"cf: price over the limit", Regulations[TypeRegCF], low, 251, false},
		{"reg a: price at the limit, fees on top", Regulations[TypeRegA], tier2, 250, true},
		{"reg a: price over the limit", Regulations[TypeRegA], tier2, 251, false},
	} {
		p, errs := Price(o, &c.quantity, nil, MustMoney("3.00"))
		if len(errs) > 0 {
			t.Fatal(errs)
		}
		if !p.Amount.GreaterThan(p.Price.Decimal) {
			t.Fatalf("%s: no fees in %+v", c.name, p)
		}
		if err := c.reg.CheckInvestor(p.Price, c.facts, 0); (err == nil) != c.ok {
			t.Errorf("%s: price %s (amount %s): %v", c.name, p.Price, p.Amount, err)
		}
	}
}

// TestRegATiers: reg_a_tier picks the rules: Tier 1's $20M ceiling and no
// investor limit, Tier 2 (the default) as before.
func TestRegATiers(t *testing.T) {
	one, two := RegATierOne, RegATierTwo
	for _, c := range []struct {
		name     string
		o        Offering
		regName  string
		maxOK    string
		maxOver  string
		cfr      string
		limited  bool
		rendered string
	}{
		{"reg_a without a tier", Offering{Type: TypeRegA}, "Regulation A Tier 2", "75000000.00", "75000000.01", "230.251(a)(2)", true, `"reg_a_tier":2`},
		{"reg_a tier 2", Offering{Type: TypeRegA, RegATier: &two}, "Regulation A Tier 2", "75000000.00", "75000000.01", "230.251(a)(2)", true, `"reg_a_tier":2`},
		{"reg_a tier 1", Offering{Type: TypeRegA, RegATier: &one}, "Regulation A Tier 1", "20000000.00", "20000000.01", "230.251(a)(1)", false, `"reg_a_tier":1`},
		{"reg_cf has no tier", Offering{Type: TypeRegCF}, "Regulation Crowdfunding", "5000000.00", "5000000.01", "227.100(a)(1)", true, `"reg_a_tier":null`},
	} {
		reg := RegulationFor(&c.o)
		if reg.Name != c.regName {
			t.Errorf("%s: %s", c.name, reg.Name)
		}
		o := c.o
		o.AccreditedInvestors = true
		max := m(c.maxOK)
		o.MaximumAmountRaised = &max
		if errs := CheckOfferingSettings(&o); errs.Has("maximum_amount_raised") {
			t.Errorf("%s: %s refused: %v", c.name, c.maxOK, errs)
		}
		over := m(c.maxOver)
		o.MaximumAmountRaised = &over
		if errs := CheckOfferingSettings(&o); !strings.Contains(strings.Join(errs["maximum_amount_raised"], ""), c.cfr) {
			t.Errorf("%s: %s: %v", c.name, c.maxOver, errs)
		}
		// A non-accredited purchaser with 50,000 of income: 5,000.01 is over
		// Tier 2's 10% and within Tier 1's nothing.
		err := reg.CheckInvestor(m("5000.01"), InvestorFacts{AnnualIncome: m("50000"), NetWorth: m("50000")}, 0)
		if (err != nil) != c.limited {
			t.Errorf("%s: investor limit %v", c.name, err)
		}
		b, err2 := json.Marshal(&c.o)
		if err2 != nil || !strings.Contains(string(b), c.rendered) {
			t.Errorf("%s: rendered %s %v", c.name, b, err2)
		}
	}
}
