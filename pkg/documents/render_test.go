package documents

import (
	"bytes"
	"io"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pdfcpu/pdfcpu/pkg/api"

	"github.com/tranche-dev/tranche/pkg/model"
)

// pdfText returns the strings a PDF's pages draw (Tj operands, in
// content order), read back with pdfcpu's content extraction: what a
// reader of the file sees, not what the renderer meant to write.
func pdfText(t *testing.T, pdf []byte) []string {
	t.Helper()
	var content bytes.Buffer
	err := api.ExtractContent(bytes.NewReader(pdf), nil, func(r io.Reader, _ int) error {
		_, err := io.Copy(&content, r)
		return err
	}, nil)
	if err != nil {
		t.Fatalf("pdfcpu cannot read the PDF: %v", err)
	}
	var out []string
	for _, m := range tjRE.FindAllSubmatch(content.Bytes(), -1) {
		s := strings.NewReplacer(`\(`, "(", `\)`, ")", `\\`, `\`).Replace(string(m[1]))
		out = append(out, s)
	}
	return out
}

var tjRE = regexp.MustCompile(`\(((?:[^()\\]|\\.)*)\)\s*Tj`)

// checked returns the line 3a labels drawn right after an "X".
func checked(text []string) []string {
	var out []string
	for i := 1; i < len(text); i++ {
		if text[i-1] == "X" {
			for _, b := range classificationBoxes {
				if text[i] == b.label {
					out = append(out, b.label)
				}
			}
		}
	}
	return out
}

func contains(text []string, s string) bool {
	for _, t := range text {
		if strings.Contains(t, s) {
			return true
		}
	}
	return false
}

func TestRenderShowsTheFormFilled(t *testing.T) {
	at := time.Date(2026, 12, 1, 5, 0, 0, 0, time.UTC)
	cases := []struct {
		in          model.W9Input
		wantBox     string
		wantTIN     string
		wantLetterC bool
	}{
		{model.W9Input{ProfileID: 1, Version: 1, Name: "Ada (Countess) Lovelace", Classification: model.W9Individual, Address: "1 Main St", CityStateZIP: "Austin, TX 78701", TINKind: "ssn", TINLast4: "6789"},
			"Individual/sole proprietor", "XXX-XX-6789", false},
		{model.W9Input{ProfileID: 2, Version: 3, Name: "Acme Holdings LLC", BusinessName: "Acme", Classification: model.W9LLCC, Address: "5 Elm", CityStateZIP: "Reno, NV 89501", TINKind: "ein", TINLast4: "4321"},
			"LLC. Enter the tax classification (C = C corporation, S = S corporation, P = Partnership)", "XX-XXX4321", true},
		{model.W9Input{ProfileID: 3, Version: 1, Name: "Smith Family Trust", Classification: model.W9TrustEstate, Address: "9 Oak", CityStateZIP: "Boise, ID 83702", TINKind: "ein", TINLast4: "0001"},
			"Trust/estate", "XX-XXX0001", false},
	}
	for _, c := range cases {
		pdf, err := Render(c.in, at)
		if err != nil {
			t.Fatal(err)
		}
		text := pdfText(t, pdf)
		for _, want := range []string{"Form W-9", c.in.Name, c.in.Address, c.in.CityStateZIP, c.wantTIN, "Sign Here"} {
			if !contains(text, want) {
				t.Errorf("%s: the PDF does not show %q; it shows %q", c.in.Name, want, text)
			}
		}
		if got := checked(text); len(got) != 1 || got[0] != c.wantBox {
			t.Errorf("%s: checked boxes %q, want only %q", c.in.Name, got, c.wantBox)
		}
		letter := false
		for _, s := range text {
			letter = letter || s == "C"
		}
		if letter != c.wantLetterC {
			t.Errorf("%s: the LLC letter C shown: %v, want %v", c.in.Name, letter, c.wantLetterC)
		}
		again, _ := Render(c.in, at)
		if !bytes.Equal(pdf, again) {
			t.Errorf("%s: two renders of one input differ: the hash would not be stable", c.in.Name)
		}
	}
}

func TestRenderRefusesWhatTheFormCannotShow(t *testing.T) {
	base := model.W9Input{Name: "A", Classification: model.W9Individual, TINKind: "ssn", TINLast4: "1234"}
	for _, mut := range []func(*model.W9Input){
		func(in *model.W9Input) { in.Classification = "corporation" },
		func(in *model.W9Input) { in.TINKind = "itin" },
		func(in *model.W9Input) { in.TINLast4 = "123456789" },
	} {
		in := base
		mut(&in)
		if _, err := Render(in, time.Now()); err == nil {
			t.Errorf("Render(%+v) succeeded", in)
		}
	}
}
