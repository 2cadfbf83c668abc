package model

import (
	"strings"
	"testing"
	"time"
)

func m(s string) Money { return MustMoney(s) }

// TestRegCFInvestorLimit: 227.100(a)(2) with the 2026 figures, at and
// around each boundary.
func TestRegCFInvestorLimit(t *testing.T) {
	for _, c := range []struct{ income, worth, want string }{
		{"0", "0", "2500.00"},                // nothing declared: the floor
		{"50000", "40000", "2500.00"},        // 5% of 50,000 = 2,500
		{"50000.20", "0", "2500.01"},         // just above the floor
		{"49999.99", "0", "2500.00"},         // 5% = 2,499.99 → the floor
		{"123999.99", "1000000", "50000.00"}, // income below 124,000: 5% of the greater (net worth)
		{"124000", "123999.99", "6200.00"},   // net worth below: 5% of 124,000
		{"124000", "124000", "12400.00"},     // both at the threshold: 10%
		{"1240000", "124000", "124000.00"},   // 10% = 124,000: the cap exactly
		{"5000000", "9000000", "124000.00"},  // capped
		{"300000", "200000", "30000.00"},     // 10% of 300,000
	} {
		if got := RegCFInvestorLimit(m(c.income), m(c.worth)); got.String() != c.want {
			t.Errorf("income %s net worth %s: %s, want %s", c.income, c.worth, got, c.want)
		}
	}
}

func TestRegATier2Limit(t *testing.T) {
	if got := RegATier2InvestorLimit(m("80000"), m("120000")); got.String() != "12000.00" {
		t.Errorf("10%% of the greater: %s", got)
	}
}

// TestCheckInvestor: each rule of the table, with its CFR section, at its
// boundary.
func TestCheckInvestor(t *testing.T) {
	cf, a, b, c, s, ttw := Regulations[TypeRegCF], Regulations[TypeRegA], Regulations[TypeRegD506b], Regulations[TypeRegD506c], Regulations[TypeRegS], Regulations[TypeTestTheWaters]
	low := InvestorFacts{AnnualIncome: m("50000"), NetWorth: m("40000")} // Reg CF limit 2,500
	for _, tc := range []struct {
		name   string
		reg    Regulation
		amount string
		facts  InvestorFacts
		nonAcc int
		want   string // "" passes; else a substring of the message
	}{
		{"cf at the limit", cf, "2500", low, 0, ""},
		{"cf a cent over", cf, "2500.01", low, 0, "227.100(a)(2)"},
		{"cf counts this year", cf, "1000", with(low, func(f *InvestorFacts) { f.RegCFThisYear = m("1500") }), 0, ""},
		{"cf counts this year, over", cf, "1000.01", with(low, func(f *InvestorFacts) { f.RegCFThisYear = m("1500") }), 0, "at most 1000.00 remains"},
		{"cf counts other platforms", cf, "1000.01", with(low, func(f *InvestorFacts) { f.RegCFOtherPlatforms = m("1500") }), 0, "227.100(a)(2)"},
		{"cf counts this platform", cf, "1", with(low, func(f *InvestorFacts) { f.RegCFThisPlatform = m("2500") }), 0, "at most 0.00 remains"},
		{"cf accredited unlimited", cf, "1000000", with(low, func(f *InvestorFacts) { f.Accredited = true }), 0, ""},
		{"cf high earner capped", cf, "124000.01", InvestorFacts{AnnualIncome: m("5000000"), NetWorth: m("5000000")}, 0, "124000.00"},
		{"reg a at 10%", a, "12000", InvestorFacts{AnnualIncome: m("120000"), NetWorth: m("80000")}, 0, ""},
		{"reg a over 10%", a, "12000.01", InvestorFacts{AnnualIncome: m("120000"), NetWorth: m("80000")}, 0, "230.251(d)(2)(i)(C)"},
		{"reg a counts the offering", a, "2000.01", InvestorFacts{AnnualIncome: m("120000"), InOffering: m("10000")}, 0, "230.251(d)(2)(i)(C)"},
		{"reg a accredited", a, "9999999", InvestorFacts{Accredited: true}, 0, ""},
		{"506b 34 non-accredited so far", b, "1", InvestorFacts{}, 34, ""},
		{"506b 35 non-accredited so far", b, "1", InvestorFacts{}, 35, "230.506(b)(2)(i)"},
		{"506b accredited past 35", b, "1", InvestorFacts{Accredited: true}, 35, ""},
		// Issue 16 item 5: a self-declared accredited investor was let
		// through; 230.506(c)(2)(ii) needs a verification valid on the day.
		{"506c accredited, unverified", c, "1", InvestorFacts{Accredited: true}, 0, "its accreditation is not verified"},
		{"506c accredited, verified", c, "1", InvestorFacts{Accredited: true, At: day(2026, 6, 1), Verification: verified("2026-03-01", "2026-06-01")}, 0, ""},
		{"506c accredited, expired the day before", c, "1", InvestorFacts{Accredited: true, At: day(2026, 6, 2), Verification: verified("2026-03-01", "2026-06-01")}, 0, "until 2026-06-01, not on 2026-06-02"},
		{"506c accredited, verified after the sale", c, "1", InvestorFacts{Accredited: true, At: day(2026, 2, 28), Verification: verified("2026-03-01", "2026-06-01")}, 0, "230.506(c)(2)(ii)"},
		{"506c non-accredited", c, "1", InvestorFacts{}, 0, "230.506(c)(2)(ii)"},
		{"reg s non-US", s, "1", InvestorFacts{}, 0, ""},
		{"reg s US person", s, "1", InvestorFacts{USPerson: true, Accredited: true}, 0, "230.903"},
		{"test the waters", ttw, "1", InvestorFacts{}, 0, ""},
	} {
		err := tc.reg.CheckInvestor(m(tc.amount), tc.facts, tc.nonAcc)
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%s: refused: %v", tc.name, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Message, tc.want)):
			t.Errorf("%s: %v, want %q", tc.name, err, tc.want)
		}
	}
}

func with(f InvestorFacts, fn func(*InvestorFacts)) InvestorFacts { fn(&f); return f }

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 12, 0, 0, 0, time.UTC) }

func verified(on, expires string) *AccreditationVerification {
	a, _ := ParseDate(on)
	b, _ := ParseDate(expires)
	return &AccreditationVerification{Method: VerifyNetWorth, Verifier: "CPA", VerifiedOn: a, ExpiresOn: b}
}

func TestMaxRaise(t *testing.T) {
	for _, c := range []struct {
		typ, max string
		ok       bool
	}{
		{TypeRegCF, "5000000.00", true}, {TypeRegCF, "5000000.01", false},
		{TypeRegA, "75000000.00", true}, {TypeRegA, "75000000.01", false},
		{TypeRegD506b, "900000000", true},
	} {
		err := RegulationOf(c.typ).CheckMaxRaise(m(c.max))
		if (err == nil) != c.ok {
			t.Errorf("%s max %s: %v", c.typ, c.max, err)
		}
	}
	if err := Regulations[TypeRegCF].CheckMaxRaise(m("6000000")); !strings.Contains(err.Message, "227.100(a)(1)") {
		t.Errorf("message %q", err.Message)
	}
}

// TestCancellationWindow: 227.304(a), 48 hours before the end of the
// deadline day in the offering's timezone.
func TestCancellationWindow(t *testing.T) {
	d, _ := ParseDate("2026-06-10")
	o := &Offering{Type: TypeRegCF, DeadlineDate: &d, DefaultTimezone: "UTC"}
	until := time.Date(2026, 6, 9, 0, 0, 0, 0, time.UTC)
	inv := &Investment{Status: StatusAccepted}
	if msg := CancelAllowed(o, inv, until.Add(-time.Nanosecond)); msg != "" {
		t.Errorf("just before the window closes: %s", msg)
	}
	if msg := CancelAllowed(o, inv, until); !strings.Contains(msg, "227.304(a)") {
		t.Errorf("at the window: %q", msg)
	}
	ny := &Offering{Type: TypeRegCF, DeadlineDate: &d, DefaultTimezone: "America/New_York"}
	if got, _ := RegulationOf(TypeRegCF).CancelDeadline(ny.DeadlineDate, loadLocation(ny.DefaultTimezone)); !got.Equal(until.Add(4 * time.Hour)) {
		t.Errorf("New York deadline %v", got)
	}
	a := &Offering{Type: TypeRegA}
	if msg := CancelAllowed(a, inv, until); msg == "" {
		t.Errorf("Reg A: cancelled an accepted investment")
	}
	// Escrow: the target reached and the window passed. Issue 16 item 1:
	// and only once the offering was public for 21 days (227.303(a)); an
	// offering that never opened cannot close its escrow.
	min := m("1000")
	o.MinimumAmountRaised = &min
	if msg := EscrowCloseAllowed(o, m("1000"), until); !strings.Contains(msg, "227.303(a)") {
		t.Errorf("never opened: %q", msg)
	}
	opened := NewTime(until.Add(-RegCFMinPublic).Add(time.Second))
	o.OpenedAt = &opened
	if msg := EscrowCloseAllowed(o, m("1000"), until); !strings.Contains(msg, "public for 21 days") {
		t.Errorf("a second short of 21 days: %q", msg)
	}
	opened = NewTime(until.Add(-RegCFMinPublic - time.Hour))
	if msg := EscrowCloseAllowed(o, m("999.99"), until.Add(time.Hour)); !strings.Contains(msg, "target") {
		t.Errorf("below target: %q", msg)
	}
	if msg := EscrowCloseAllowed(o, m("1000"), until.Add(-time.Second)); !strings.Contains(msg, "227.304") {
		t.Errorf("inside the window: %q", msg)
	}
	if msg := EscrowCloseAllowed(o, m("1000"), until); msg != "" {
		t.Errorf("target reached, window passed: %q", msg)
	}
}
