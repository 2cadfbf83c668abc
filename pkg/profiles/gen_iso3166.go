//go:build ignore

// gen_iso3166 writes iso3166.json, the countries and US states/territories
// the profiles routes serve, from Debian's iso-codes JSON (the ISO 3166
// data the Debian iso-codes project keeps in step with the ISO 3166
// Maintenance Agency). Lambda has no /usr/share/iso-codes, so the result
// is embedded and committed; rerun with `go generate ./pkg/profiles/`
// after an iso-codes update.
//
// Ids are stable by construction, never by position in a list: a country's
// id is its ISO 3166-1 numeric code (Aruba 533, United States 840); a US
// subdivision's is derived from its two-letter ISO 3166-2 code,
// (first−'A')·26 + (second−'A') + 1 (AK 11, CA 53, PR 408), so adding or
// removing an entry never renumbers another.
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"sort"
	"strconv"
	"strings"
)

const dir = "/usr/share/iso-codes/json/"

type country struct {
	ID     int64  `json:"id"`
	Alpha2 string `json:"alpha_2"`
	Alpha3 string `json:"alpha_3"`
	Name   string `json:"name"`
}

type state struct {
	ID        int64  `json:"id"`
	Code      string `json:"code"` // ISO 3166-2, e.g. US-CA
	Abbr      string `json:"abbreviation"`
	Name      string `json:"name"`
	Type      string `json:"type"` // State, District, Outlying area
	CountryID int64  `json:"country_id"`
}

func main() {
	var c1 struct {
		List []struct {
			Alpha2  string `json:"alpha_2"`
			Alpha3  string `json:"alpha_3"`
			Name    string `json:"name"`
			Numeric string `json:"numeric"`
		} `json:"3166-1"`
	}
	read(dir+"iso_3166-1.json", &c1)
	var c2 struct {
		List []struct{ Code, Name, Type string } `json:"3166-2"`
	}
	read(dir+"iso_3166-2.json", &c2)
	var out struct {
		Source    string    `json:"source"`
		Countries []country `json:"countries"`
		States    []state   `json:"states"`
	}
	out.Source = "iso-codes " + version()
	for _, c := range c1.List {
		n, err := strconv.ParseInt(c.Numeric, 10, 64)
		if err != nil {
			panic(err)
		}
		out.Countries = append(out.Countries, country{ID: n, Alpha2: c.Alpha2, Alpha3: c.Alpha3, Name: c.Name})
	}
	for _, s := range c2.List {
		abbr, ok := strings.CutPrefix(s.Code, "US-")
		if !ok || len(abbr) != 2 {
			continue
		}
		id := int64(abbr[0]-'A')*26 + int64(abbr[1]-'A') + 1
		out.States = append(out.States, state{ID: id, Code: s.Code, Abbr: abbr, Name: s.Name, Type: s.Type, CountryID: 840})
	}
	sort.Slice(out.Countries, func(i, j int) bool { return out.Countries[i].ID < out.Countries[j].ID })
	sort.Slice(out.States, func(i, j int) bool { return out.States[i].ID < out.States[j].ID })
	b, err := json.MarshalIndent(out, "", " ")
	if err != nil {
		panic(err)
	}
	if err := os.WriteFile("iso3166.json", append(b, '\n'), 0o644); err != nil {
		panic(err)
	}
	fmt.Printf("iso3166.json: %d countries, %d US subdivisions (%s)\n", len(out.Countries), len(out.States), out.Source)
}

func read(path string, v any) {
	b, err := os.ReadFile(path)
	if err != nil {
		panic(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		panic(err)
	}
}

// version is the installed iso-codes package's version, if dpkg knows it.
func version() string {
	b, err := exec.Command("dpkg-query", "-W", "-f=${Version}", "iso-codes").Output()
	if err != nil {
		return "(version unknown)"
	}
	return strings.TrimSpace(string(b))
}
