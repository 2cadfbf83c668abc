package schema

import (
	"github.com/tranche-dev/tranche/pkg/filter"
	"github.com/tranche-dev/tranche/pkg/forms"
)

// filterSets are the FilterSets whose parameters each route accepts: the
// lists, and the detail, summary and values routes that apply the same
// filters. The declaration in pkg/filter is the one list of filter names
// and lookups; the document reads it from there.
var filterSets = map[string]*filter.Set{
	"GET /api/investments/":         filter.InvestmentFilters,
	"GET /api/investments/{id}/":    filter.InvestmentFilters,
	"GET /api/investments/summary/": filter.InvestmentFilters,
	"GET /api/investments/values/":  filter.InvestmentFilters,
	"GET /api/investors/":           filter.InvestorFilters,
	"GET /api/investors/{id}/":      filter.InvestorFilters,
	"GET /api/investors/values/":    filter.InvestorFilters,
	"GET /api/offerings/":           filter.OfferingFilters,
	"GET /api/offerings/{id}/":      filter.OfferingFilters,
	"GET /api/users/":               filter.UserFilters,
	"GET /api/users/{id}/":          filter.UserFilters,
	"GET /api/accounts/companies/":  filter.CompanyFilters,
	"GET /api/accounts/users/":      filter.AccountUserFilters,

	// users — seed 001 (issue 12)
	"GET /api/user-types/{type}/users/":  filter.UserFilters001,
	"GET /api/user-types/{type}/export/": filter.UserFilters001,
	"GET /api/users/export/":             filter.UserFilters001,

	// forms — seed 001 (issue 12)
	"GET /api/user-data-forms/":                   forms.FormFilters,
	"GET /api/user-data-forms/enabled/":           forms.FormFilters,
	"GET /api/user-data-forms/enabled/me/":        forms.FormFilters,
	"GET /api/investor-preference-forms/":         forms.FormFilters,
	"GET /api/investor-preference-forms/enabled/": forms.FormFilters,
	"GET /api/user-data-forms/data/":              forms.DataFilters,
	"GET /api/investor-preference-forms/data/":    forms.DataFilters,
}

// pageNumberLists are the lists beyond seed 000 paginated by page
// numbers (PageNumberPagination), with the listing parameters each
// accepts.
var pageNumberLists = map[string]struct{ ordering, search bool }{
	// forms — seed 001 (issue 12)
	"GET /api/user-data-forms/":                   {ordering: true, search: true},
	"GET /api/user-data-forms/enabled/":           {ordering: true, search: true},
	"GET /api/user-data-forms/enabled/me/":        {ordering: true, search: true},
	"GET /api/user-data-forms/data/":              {ordering: true},
	"GET /api/investor-preference-forms/":         {ordering: true, search: true},
	"GET /api/investor-preference-forms/enabled/": {ordering: true, search: true},
	"GET /api/investor-preference-forms/data/":    {ordering: true},
	// users — seed 001 (issue 12)
	"GET /api/user-types/{type}/users/": {ordering: true, search: true},
}

// limitOffsetLists are seed 004's lists paginated by limit and offset,
// with the listing parameters each accepts.
var limitOffsetLists = map[string]struct{ ordering, search bool }{
	"GET /api/accounts/companies/":  {ordering: true, search: true},
	"GET /api/accounts/users/":      {search: true},
	"GET /api/accounts/workspaces/": {},
}

// filterParams converts a route's FilterSet parameters.
func filterParams(routeKey string) []Param {
	set, ok := filterSets[routeKey]
	if !ok {
		return nil
	}
	var out []Param
	for _, fp := range set.Params() {
		p := Param{Name: fp.Name, Description: fp.Description, Type: fp.Type, Format: fp.Format, Enum: fp.Enum}
		if fp.Array {
			// django-filter's __in takes one comma-separated string.
			p.Type, p.Format, p.Enum = "string", "", nil
			if p.Description == "" {
				p.Description = "Multiple values may be separated by commas."
			}
		}
		out = append(out, p)
	}
	return out
}
