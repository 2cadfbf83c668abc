package schema

// The seed 001 users list (issue 12) is a page-number list outside its
// function's collection path, so isList does not give it the page
// parameters: they are registered here.
func init() {
	RegisterParams("GET /api/user-types/{type}/users/",
		Param{Name: "page", Description: "A page number within the paginated result set, or `last`.", Pattern: `^([1-9][0-9]*|last)$`},
		Param{Name: "page_size", Description: "Number of results to return per page.", Type: "integer"},
	)
}
