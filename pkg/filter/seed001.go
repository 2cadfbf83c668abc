package filter

// Seed 001's users list (issue 12): GET /api/user-types/{type}/users/ and
// the CSV exports. The type is derived (pkg/users.Facts.TypeOf).

// UserTypes are the seed 001 user types, in the order the document lists
// them.
var UserTypes = []Choice{{Value: "internal", Label: "Internal"}, {Value: "issuer", Label: "Issuer"},
	{Value: "investor", Label: "Investor"}, {Value: "user", Label: "User"}}

// UserFilters001 filters the seed 001 users by type, e-mail, names and
// date joined; ordering and search over the same.
var UserFilters001 = &Set{
	Fields: []Field{
		{Name: "id", Kind: IntegerField, Lookups: []Lookup{Exact, In}},
		{Name: "type", Kind: ChoiceField, Lookups: []Lookup{Exact, In}, Choices: UserTypes},
		{Name: "email", Kind: StringField, Lookups: []Lookup{Exact, IContains, In}},
		{Name: "first_name", Kind: StringField, Lookups: []Lookup{Exact, IContains}},
		{Name: "last_name", Kind: StringField, Lookups: []Lookup{Exact, IContains}},
		{Name: "date_joined", Kind: DateTimeField, Lookups: []Lookup{DateGte, DateLte, Gte, Lte}},
	},
	Ordering:        []string{"id", "email", "first_name", "last_name", "date_joined", "type"},
	DefaultOrdering: []string{"id"},
	Search:          []string{"email", "first_name", "last_name"},
}
