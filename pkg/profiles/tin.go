package profiles

import "log/slog"

// Secret is a tax id or bank account number held in memory: it logs and
// prints itself masked, so a stray log line cannot carry it.
type Secret string

// LogValue implements slog.LogValuer.
func (s Secret) LogValue() slog.Value { return slog.StringValue(Mask(string(s))) }

// String masks the secret too (fmt verbs).
func (s Secret) String() string { return Mask(string(s)) }

// Mask shows the last four characters of a secret, the rest as bullets.
func Mask(s string) string {
	if len(s) <= 4 {
		return "****"
	}
	return "*****" + s[len(s)-4:]
}

// NormalizeSSN returns a Social Security number (or ITIN, which files in
// the same W-9 box) as nine digits. "123-45-6789" and "123456789" are
// accepted. The SSA never issues area 000, 666 or 900–999 (ITINs use 9xx
// with groups 50–65, 70–88, 90–92, 94–99), group 00 or serial 0000.
func NormalizeSSN(s string) (digits9, problem string) {
	d := digits(s, "- ")
	if len(d) != 9 {
		return "", "Enter a valid SSN or ITIN: nine digits, as 123-45-6789."
	}
	area, group, serial := d[:3], d[3:5], d[5:]
	if d[0] == '9' {
		g := atoi(group)
		if (g >= 50 && g <= 65) || (g >= 70 && g <= 88) || (g >= 90 && g <= 92) || g >= 94 {
			return d, ""
		}
		return "", "Enter a valid SSN or ITIN: this ITIN's middle digits are not issued."
	}
	if area == "000" || area == "666" || group == "00" || serial == "0000" {
		return "", "Enter a valid SSN: no SSN has this area, group or serial number."
	}
	return d, ""
}

// invalidEINPrefixes are the two-digit prefixes the IRS does not assign.
var invalidEINPrefixes = map[string]bool{
	"00": true, "07": true, "08": true, "09": true, "17": true, "18": true, "19": true,
	"28": true, "29": true, "49": true, "69": true, "70": true, "78": true, "79": true,
	"89": true, "96": true, "97": true,
}

// NormalizeEIN returns an Employer Identification Number as nine digits;
// "12-3456789" and "123456789" are accepted, with an assigned prefix.
func NormalizeEIN(s string) (digits9, problem string) {
	d := digits(s, "- ")
	if len(d) != 9 {
		return "", "Enter a valid EIN: nine digits, as 12-3456789."
	}
	if invalidEINPrefixes[d[:2]] {
		return "", "Enter a valid EIN: the IRS assigns no EIN with this prefix."
	}
	return d, ""
}

// NormalizeSSN and NormalizeEIN return the problem as the message the
// client sees (a 422 field error), "" when the number is valid.

// ValidRouting reports whether s is an ABA routing transit number: nine
// digits, a Federal Reserve prefix (00–12, 21–32, 61–72, 80) and the ABA
// checksum 3(d1+d4+d7) + 7(d2+d5+d8) + (d3+d6+d9) ≡ 0 (mod 10).
func ValidRouting(s string) bool {
	if len(s) != 9 || digits(s, "") != s {
		return false
	}
	p := atoi(s[:2])
	if !(p <= 12 || (p >= 21 && p <= 32) || (p >= 61 && p <= 72) || p == 80) {
		return false
	}
	w := [3]int{3, 7, 1}
	sum := 0
	for i := 0; i < 9; i++ {
		sum += int(s[i]-'0') * w[i%3]
	}
	return sum%10 == 0
}

// ValidAccountNumber reports whether s is a US bank account number as ACH
// carries it: 4 to 17 digits.
func ValidAccountNumber(s string) bool {
	return len(s) >= 4 && len(s) <= 17 && digits(s, "") == s
}

func atoi(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}
