package model

import (
	"strings"
	"testing"
	"time"
)

// TestCheckCeiling: each per-issuer ceiling at its boundary.
func TestCheckCeiling(t *testing.T) {
	tier1 := int64(1)
	for _, c := range []struct {
		name   string
		o      Offering
		amount string
		soFar  string
		cfr    string // "" when allowed
	}{
		{"reg cf, to exactly $5M", Offering{Type: TypeRegCF}, "100.00", "4999900.00", ""},
		{"reg cf, a cent over", Offering{Type: TypeRegCF}, "100.01", "4999900.00", "17 CFR 227.100(a)(1)"},
		{"reg a tier 2, to $75M", Offering{Type: TypeRegA}, "1.00", "74999999.00", ""},
		{"reg a tier 2, over", Offering{Type: TypeRegA}, "1.01", "74999999.00", "17 CFR 230.251(a)(2)"},
		{"reg a tier 1, to $20M", Offering{Type: TypeRegA, RegATier: &tier1}, "10.00", "19999990.00", ""},
		{"reg a tier 1, over", Offering{Type: TypeRegA, RegATier: &tier1}, "10.01", "19999990.00", "17 CFR 230.251(a)(1)"},
		{"506(b), no ceiling", Offering{Type: TypeRegD506b}, "1000000000.00", "1000000000.00", ""},
	} {
		re := RegulationFor(&c.o).CheckCeiling(MustMoney(c.amount), MustMoney(c.soFar))
		switch {
		case c.cfr == "" && re != nil:
			t.Errorf("%s: refused: %v", c.name, re)
		case c.cfr != "" && (re == nil || re.Field != "amount" || !strings.Contains(re.Message, c.cfr)):
			t.Errorf("%s: %v, want a refusal citing %s", c.name, re, c.cfr)
		}
	}
}

// TestLedgerUnits: who shares a ledger.
func TestLedgerUnits(t *testing.T) {
	tier1, ent := int64(1), int64(9)
	cf, ra1, ra2, b := &Offering{Type: TypeRegCF, Issuer: 3}, &Offering{Type: TypeRegA, RegATier: &tier1, Issuer: 3}, &Offering{Type: TypeRegA, Issuer: 3}, &Offering{Type: TypeRegD506b, Issuer: 3}
	for _, c := range []struct{ got, want string }{
		{CeilingLedger(cf), "CEILING#reg_cf#ISSUER#000000000003"},
		{CeilingLedger(ra1), "CEILING#reg_a/tier_1#ISSUER#000000000003"},
		{CeilingLedger(ra2), "CEILING#reg_a#ISSUER#000000000003"},
		{CeilingLedger(b), ""},
		{PersonLedger(cf, &Investor{ID: 1, User: 7, Type: "person", Entity: &ent}), "REGCF#USER#000000000007"},
		{PersonLedger(cf, &Investor{ID: 2, User: 7, Type: "person"}), "REGCF#USER#000000000007"},
		{PersonLedger(cf, &Investor{ID: 3, User: 7, Type: "company", Entity: &ent}), "REGCF#ENTITY#000000000009"},
		{PersonLedger(cf, &Investor{ID: 4, User: 7, Type: "trust"}), "REGCF#INVESTOR#000000000004"},
		{PersonLedger(ra2, &Investor{ID: 1, User: 7, Type: "person"}), ""},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
}

// TestWindow: a sale counts on its UTC day; a year later that day has
// left the window.
func TestWindow(t *testing.T) {
	sale := time.Date(2025, 12, 1, 23, 30, 0, 0, time.FixedZone("EST", -5*3600)) // 2025-12-02 04:30 UTC
	day := LedgerDay(sale)
	if day != "2025-12-02" {
		t.Fatalf("day %s", day)
	}
	days := map[string]Money{day: MustMoney("100.00"), "2024-01-01": MustMoney("5.00")}
	for _, c := range []struct {
		at   time.Time
		want string
	}{
		{time.Date(2025, 12, 2, 0, 0, 0, 0, time.UTC), "100.00"},
		{time.Date(2026, 12, 1, 23, 59, 59, 0, time.UTC), "100.00"},
		{time.Date(2026, 12, 2, 0, 0, 0, 0, time.UTC), "0.00"},
	} {
		if got := SumSince(days, WindowStart(c.at)); got.String() != c.want {
			t.Errorf("at %s: %s, want %s", c.at, got, c.want)
		}
	}
}
