package model

import (
	"encoding/json"
	"fmt"
	"strconv"
	"testing"
	"time"
)

func TestMoneyWire(t *testing.T) {
	for _, c := range []struct{ in, out string }{{"5", "5.00"}, {"1345.5", "1345.50"}, {"0", "0.00"}, {"-2.25", "-2.25"}} {
		m := MustMoney(c.in)
		b, _ := json.Marshal(m)
		if string(b) != `"`+c.out+`"` || fmt.Sprint(m) != c.out || fmt.Sprintf("%s", m) != c.out {
			t.Errorf("%s: json %s, %%v %v", c.in, b, m)
		}
	}
	for _, bad := range []string{"", "abc", "1e3", "1.2.3", "NaN"} {
		if _, err := MoneyFrom(bad); err == nil {
			t.Errorf("MoneyFrom(%q) accepted", bad)
		}
	}
}

func TestTimeWire(t *testing.T) {
	for _, c := range []struct{ in, out string }{
		{"2025-03-07T11:14:26.816941Z", "2025-03-07T11:14:26.816941Z"},
		{"2025-03-07T11:14:26Z", "2025-03-07T11:14:26Z"},
		{"2025-03-07T11:14:26.120000Z", "2025-03-07T11:14:26.120000Z"},
		{"2025-03-07T13:14:26+02:00", "2025-03-07T11:14:26Z"},
		{"2025-03-07T11:14:26", "2025-03-07T11:14:26Z"},
	} {
		v, err := ParseTime(c.in)
		if err != nil || v.String() != c.out {
			t.Errorf("%s → %s, %v; want %s", c.in, v, err, c.out)
		}
	}
	a, b := NewTime(time.Date(2025, 1, 1, 0, 0, 5, 0, time.UTC)), NewTime(time.Date(2025, 1, 1, 0, 0, 5, 1000, time.UTC))
	if !(a.SortKey() < b.SortKey()) {
		t.Errorf("sort keys out of order: %s %s", a.SortKey(), b.SortKey())
	}
}

func TestTaxIDMasked(t *testing.T) {
	for _, c := range []struct{ in, out string }{{"123-45-6789", "***-**-6789"}, {"***-**-8622", "***-**-8622"}, {"12", "***-**-****"}} {
		if got := TaxID(c.in).Masked(); got != c.out {
			t.Errorf("%s → %s", c.in, got)
		}
	}
}

// Issue 11, finding 5: a stored value containing '*' was rendered as it
// was, so "987-65-4321*" showed the whole number. Whatever is stored is
// masked; what is given is stored as its digits.
func TestTaxIDAlwaysMasked(t *testing.T) {
	for _, c := range []struct{ in, stored, out string }{
		{"987-65-4321*", "987654321", "***-**-4321"},
		{"*987654321", "987654321", "***-**-4321"},
		{"***-**-8622", "8622", "***-**-8622"},
		{"12-3456789", "123456789", "***-**-6789"},
		{"**", "", "***-**-****"},
		{"", "", "***-**-****"},
	} {
		if got := TaxID(c.in).Masked(); got != c.out {
			t.Errorf("stored %q masked %q, want %q", c.in, got, c.out)
		}
		if got := NewTaxID(c.in); string(got) != c.stored || got.Masked() != c.out {
			t.Errorf("NewTaxID(%q) = %q (%s), want %q", c.in, got, got.Masked(), c.stored)
		}
		var fromJSON TaxID
		if err := json.Unmarshal([]byte(strconv.Quote(c.in)), &fromJSON); err != nil || string(fromJSON) != c.stored {
			t.Errorf("JSON %q read as %q (%v)", c.in, fromJSON, err)
		}
		b, _ := json.Marshal(NewTaxID(c.in))
		if string(b) != strconv.Quote(c.out) {
			t.Errorf("%q renders %s", c.in, b)
		}
	}
}
