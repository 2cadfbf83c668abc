package filter

// CompanyTypes are seed 004's workspace types.
var CompanyTypes = []Choice{{"active", "Active"}, {"inactive", "Inactive"}, {"test", "Test"},
	{"demo", "Demo"}, {"trial", "Trial"}, {"stakeholder", "Stakeholder"}}

var textLookups = []Lookup{Exact, IContains, IStartsWith, IEndsWith}

// CompanyFilters is seed 004's GET /api/accounts/companies/ (paginated with
// limit/offset). The seed lists no ordering fields or search fields; these
// follow DRF's defaults for a view that declares none: ordering by any
// serializer field, search by the workspace name (the seed says search
// filters by name).
var CompanyFilters = &Set{
	Fields: []Field{
		{Name: "name", Kind: StringField, Lookups: textLookups},
		{Name: "type", Kind: ChoiceField, Lookups: []Lookup{Exact, In, Exclude}, Choices: CompanyTypes},
		{Name: "country", Kind: StringField, Lookups: append(textLookups[:len(textLookups):len(textLookups)], In)},
	},
	Ordering: []string{"workspace_id", "workspace_name", "id", "name", "type", "country",
		"member_count", "is_mfa_enabled", "created_at", "updated_at"},
	DefaultOrdering: []string{"id"},
	Search:          []string{"name"},
}

// AccountUserFilters is seed 004's GET /api/accounts/users/: no filters
// and no client ordering (the seed lists neither; users come in id
// order), search by first name, last name and e-mail.
var AccountUserFilters = &Set{
	DefaultOrdering: []string{"id"},
	Search:          []string{"first_name", "last_name", "email"},
}
