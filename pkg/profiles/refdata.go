package profiles

import (
	_ "embed"
	"encoding/json"
	"fmt"
)

//go:generate go run gen_iso3166.go

//go:embed iso3166.json
var iso3166JSON []byte

// Country is one ISO 3166-1 country; its id is the ISO numeric code.
type Country struct {
	ID     int64  `json:"id"`
	Alpha2 string `json:"alpha_2"`
	Alpha3 string `json:"alpha_3"`
	Name   string `json:"name"`
}

// State is a US state, district or outlying area (ISO 3166-2:US); its id
// is derived from the two-letter code (gen_iso3166.go).
type State struct {
	ID        int64  `json:"id"`
	Code      string `json:"code"`
	Abbr      string `json:"abbreviation"`
	Name      string `json:"name"`
	Type      string `json:"type"`
	CountryID int64  `json:"country_id"`
}

// USCountryID is the United States' ISO 3166-1 numeric code: the one
// country whose profiles give a state_id, and the only one ACH serves.
const USCountryID = 840

// Qualification is an accredited-investor basis: one paragraph of Rule
// 501(a) (17 CFR 230.501(a)); its id is the paragraph number.
type Qualification struct {
	ID        int64    `json:"id"`
	Rule      string   `json:"rule"`
	Name      string   `json:"name"`
	Criterion string   `json:"criterion"`
	AppliesTo []string `json:"applies_to"` // the profile types that can claim it
}

var (
	entityTypes = []string{"entity", "trust"}
	personTypes = []string{"individual", "joint"}
	allTypes    = []string{"individual", "joint", "entity", "trust"}
)

// Qualifications are Rule 501(a)(1)–(13), as amended in 2020 (85 FR 64234).
var Qualifications = []Qualification{
	{1, "230.501(a)(1)", "Regulated institution or benefit plan", "A bank, savings and loan association, registered broker-dealer, registered or exempt reporting investment adviser, insurance company, registered investment company, business development company, SBIC or RBIC, or an employee benefit plan with total assets over $5,000,000 or whose investment decisions are made by a plan fiduciary.", entityTypes},
	{2, "230.501(a)(2)", "Private business development company", "A private business development company as defined in section 202(a)(22) of the Investment Advisers Act of 1940.", entityTypes},
	{3, "230.501(a)(3)", "Organization with assets over $5 million", "A 501(c)(3) organization, corporation, Massachusetts or similar business trust, partnership or limited liability company, not formed to acquire the securities offered, with total assets over $5,000,000.", entityTypes},
	{4, "230.501(a)(4)", "Insider of the issuer", "A director, executive officer or general partner of the issuer, or of a general partner of the issuer.", personTypes},
	{5, "230.501(a)(5)", "Net worth over $1 million", "A natural person whose individual net worth, or joint net worth with a spouse or spousal equivalent, exceeds $1,000,000, excluding the primary residence.", personTypes},
	{6, "230.501(a)(6)", "Income over $200,000 ($300,000 joint)", "A natural person with income over $200,000 in each of the two most recent years, or joint income with a spouse or spousal equivalent over $300,000, and a reasonable expectation of the same this year.", personTypes},
	{7, "230.501(a)(7)", "Trust with assets over $5 million", "A trust with total assets over $5,000,000, not formed to acquire the securities offered, whose purchase is directed by a sophisticated person.", []string{"trust"}},
	{8, "230.501(a)(8)", "Entity owned by accredited investors", "An entity in which all of the equity owners are accredited investors.", entityTypes},
	{9, "230.501(a)(9)", "Entity with investments over $5 million", "An entity of a type not listed in (a)(1)–(8), not formed to acquire the securities offered, owning investments over $5,000,000.", entityTypes},
	{10, "230.501(a)(10)", "Professional certification", "A natural person holding in good standing a Series 7, Series 65 or Series 82 license.", personTypes},
	{11, "230.501(a)(11)", "Knowledgeable employee", "A knowledgeable employee (Investment Company Act rule 3c-5(a)(4)) of the issuer, where the issuer is a private fund.", personTypes},
	{12, "230.501(a)(12)", "Family office", "A family office with assets under management over $5,000,000, not formed to acquire the securities offered, whose investment is directed by a sophisticated person.", entityTypes},
	{13, "230.501(a)(13)", "Family client", "A family client of a family office meeting (a)(12), whose investment is directed by that family office.", allTypes},
}

// refData is the parsed reference data with its indexes.
type refData struct {
	Source    string    `json:"source"`
	Countries []Country `json:"countries"`
	States    []State   `json:"states"`

	country map[int64]*Country
	state   map[int64]*State
	qual    map[int64]*Qualification
}

// ref is loaded once, at start-up: a broken embedded file is a build
// defect, caught by the package's tests.
var ref = mustRef()

func mustRef() *refData {
	var r refData
	if err := json.Unmarshal(iso3166JSON, &r); err != nil {
		panic(fmt.Sprintf("profiles: iso3166.json: %v", err))
	}
	r.country = map[int64]*Country{}
	for i := range r.Countries {
		r.country[r.Countries[i].ID] = &r.Countries[i]
	}
	r.state = map[int64]*State{}
	for i := range r.States {
		r.state[r.States[i].ID] = &r.States[i]
	}
	r.qual = map[int64]*Qualification{}
	for i := range Qualifications {
		r.qual[Qualifications[i].ID] = &Qualifications[i]
	}
	return &r
}

// hasStates reports whether a country's profiles give a state_id.
func hasStates(country int64) bool { return country == USCountryID }
