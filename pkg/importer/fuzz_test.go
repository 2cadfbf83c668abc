package importer

import (
	"testing"

	"github.com/tranche-dev/tranche/pkg/httpapi/httpapitest"
	"github.com/tranche-dev/tranche/pkg/importer/sample"
)

// FuzzParse feeds import documents to Parse: no panic, a refusal lists
// its problems, and an accepted document holds clean strings only.
func FuzzParse(f *testing.F) {
	f.Add(sample.JSON)
	for _, s := range []string{
		`{"format": "tranche-import/1", "issuers": [], "offerings": [], "users": [], "investors": [], "investments": []}`,
		`{"format": "tranche-import/1", "issuers": [{"id": 1, "name": "Smith & Sons <x>"}], "offerings": [{"id": 1, "issuer": 1, "name": "\u0026", "type": "reg_cf"}]}`,
		`{"format": "x"}`, `[]`, `{"investments": [{"id": 1e309}]}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		d, err := Parse(b)
		if err != nil {
			if ps, ok := err.(Problems); ok && len(ps) == 0 {
				t.Fatal("refused with no problem listed")
			}
			return
		}
		httpapitest.CleanStrings(t, d)
	})
}
