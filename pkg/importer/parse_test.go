package importer

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/tranche-dev/tranche/pkg/importer/sample"
)

func TestParseSample(t *testing.T) {
	d, err := Parse(sample.JSON)
	if err != nil {
		t.Fatal(err)
	}
	if got := []int{len(d.Issuers), len(d.Offerings), len(d.Users), len(d.Investors), len(d.Entities), len(d.Investments)}; got[0] != 3 || got[1] != 6 || got[2] != 40 || got[3] != 40 || got[5] != 300 {
		t.Errorf("counts = %v", got)
	}
}

// mutate applies edits to the sample and returns the file.
func mutate(t *testing.T, edit func(f map[string]any)) []byte {
	t.Helper()
	var f map[string]any
	if err := json.Unmarshal(sample.JSON, &f); err != nil {
		t.Fatal(err)
	}
	edit(f)
	b, err := json.Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func at(f map[string]any, kind string, i int) map[string]any {
	return f[kind].([]any)[i].(map[string]any)
}

// TestParseProblems: each kind of problem is reported with its JSON path,
// all of them together, and no data comes back.
func TestParseProblems(t *testing.T) {
	b := mutate(t, func(f map[string]any) {
		at(f, "offerings", 0)["name"] = 5             // wrong type
		delete(at(f, "investments", 3), "id")         // missing id
		at(f, "investments", 4)["offering"] = 99      // dangling reference
		at(f, "investments", 5)["amount"] = "12.3.4"  // bad decimal
		at(f, "investments", 6)["price"] = 1345       // a number for a decimal string
		at(f, "investments", 7)["status"] = "bogus"   // unknown enum
		at(f, "offerings", 1)["unit_price"] = "1.005" // more places than two
		inv := at(f, "investments", 0)["investor"].(map[string]any)
		inv["user"].(map[string]any)["email"] = "someone.else@example.com" // copies disagree
		at(f, "offerings", 2)["made_up"] = true                            // unknown field
	})
	d, err := Parse(b)
	if d != nil || err == nil {
		t.Fatal("an invalid file parsed")
	}
	probs := err.(Problems)
	for _, want := range []string{
		"$.offerings[0].name",
		"$.investments[3].id: required",
		"$.investments[4].offering: offering 99 is not in $.offerings",
		"$.investments[5]",
		"$.investments[6].price",
		`$.investments[7].status: "bogus"`,
		"$.offerings[1].unit_price",
		"email",
		"$.offerings[2].made_up: unknown field",
	} {
		found := false
		for _, p := range probs {
			if strings.Contains(p, want) {
				found = true
			}
		}
		if !found {
			t.Errorf("no problem mentions %q; got:\n%s", want, strings.Join(probs, "\n"))
		}
	}
}

func TestParseRejectsOtherFormats(t *testing.T) {
	for _, b := range []string{`[]`, `{"format":"other/1"}`, `not json`} {
		if _, err := Parse([]byte(b)); err == nil {
			t.Errorf("Parse(%s) succeeded", b)
		}
	}
}

// Issue 11, finding 9: a file whose strings hold &, < or > (or any \u
// escape) was refused, "cannot be stored as given (it would read back as
// \u0026…)", because the round-trip check compared HTML-escaped bytes.
// Real issuers are called "Smith & Sons": such a file imports, however
// its strings are spelled, and reads back as the decoded text.
func TestParseKeepsEscapedAndHTMLText(t *testing.T) {
	const name, first = `Smith & Sons <Holdings> "Ltd"`, "Zoë & Émile"
	var f map[string]any
	if err := json.Unmarshal(sample.JSON, &f); err != nil {
		t.Fatal(err)
	}
	at(f, "offerings", 0)["name"] = name
	inv := at(f, "investments", 0)["investor"].(map[string]any)
	userID := inv["user"].(map[string]any)["id"]
	user := int64(userID.(float64))
	// The user appears in several places; every copy gets the name.
	var rename func(v any)
	rename = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			if u, ok := v["user"].(map[string]any); ok && u["id"] == userID {
				u["first_name"] = first
			}
			for _, e := range v {
				rename(e)
			}
		case []any:
			for _, e := range v {
				rename(e)
			}
		}
	}
	rename(f)
	if us, ok := f["users"].([]any); ok {
		for _, u := range us {
			if u := u.(map[string]any); u["id"] == userID {
				u["first_name"] = first
			}
		}
	}

	escaped, err := json.Marshal(f) // & < > as \u0026 \u003c \u003e
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // & < > as themselves
	if err := enc.Encode(f); err != nil {
		t.Fatal(err)
	}
	literal := buf.Bytes()
	// Every non-ASCII letter as a \u escape, as some exporters write.
	unicode := bytes.ReplaceAll(bytes.ReplaceAll(literal, []byte("ë"), []byte(`\u00eb`)), []byte("É"), []byte(`\u00c9`))
	for label, b := range map[string][]byte{"HTML-escaped": escaped, "literal": literal, "\\u-escaped": unicode} {
		t.Run(label, func(t *testing.T) {
			d, err := Parse(b)
			if err != nil {
				t.Fatal(err)
			}
			if d.Offerings[0].Name != name {
				t.Errorf("offering name %q", d.Offerings[0].Name)
			}
			for _, u := range d.Users {
				if u.ID == user && u.FirstName != first {
					t.Errorf("user first name %q", u.FirstName)
				}
			}
		})
	}
	// A copy of the user that spells the name differently but means the
	// same is no disagreement; one that means something else still is.
	other := strings.Replace(string(literal), `"first_name":"`+first+`"`, `"first_name":"Zo\u00eb \u0026 \u00c9mile"`, 1)
	if other == string(literal) {
		t.Fatal("no copy respelled")
	}
	if _, err := Parse([]byte(other)); err != nil {
		t.Errorf("respelled copy: %v", err)
	}
}

// TestParseHoldsBackFollowOnProblems: an issuer or offering with a wrong
// field is one problem, not one more per object that refers to it.
func TestParseHoldsBackFollowOnProblems(t *testing.T) {
	b := mutate(t, func(f map[string]any) {
		at(f, "issuers", 1)["archived"] = "maybe"
		at(f, "offerings", 1)["issuer"] = "x"
	})
	_, err := Parse(b)
	var probs Problems
	if !errors.As(err, &probs) {
		t.Fatalf("err = %v, want Problems", err)
	}
	want := []string{
		"$.issuers[1].archived: wrong type: string where bool was expected",
		"$.offerings[1].issuer: wrong type: string where int64 was expected",
	}
	if strings.Join(probs, "\n") != strings.Join(want, "\n") {
		t.Fatalf("problems:\n%s\nwant:\n%s", strings.Join(probs, "\n"), strings.Join(want, "\n"))
	}
}
