// Package schema generates Tranche's OpenAPI 3.0 document from the route
// table (pkg/routes) and serves it at GET /api/schema/ (seed 003): YAML by
// default, JSON by content negotiation or ?format=json.
//
// Every route of routes.All becomes an operation with its path parameters,
// its security (issuer API key, Clerk bearer JWT, Svix signature, or none),
// a request body for writes and the contract's responses (DRF's {"detail"}
// and field-error bodies). Query parameters come from two places: the
// pagination, ordering and search parameters the generator knows for the
// seed 000 list routes, and whatever a resource registers for a route with
// Register: a list handler's FilterSet satisfies ParamSource and registers
// itself, so every filter name and lookup reaches the document without
// being listed twice.
package schema

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
	"sync"

	"github.com/tranche-dev/tranche/pkg/page"
	"github.com/tranche-dev/tranche/pkg/routes"
)

// Version is the document's info.version.
const Version = "1.0.0"

// Param is one query (or header) parameter of a route.
type Param struct {
	Name        string
	In          string // "query" (default) or "header"
	Description string
	Required    bool
	Type        string // string (default), integer, number, boolean, array
	Format      string // date-time, date, decimal, uuid…
	Enum        []string
	Pattern     string
	ItemType    string // element type when Type is array
}

// ParamSource supplies the query parameters of a route. A resource's
// FilterSet implements it (each filter name and lookup, ordering fields,
// search) and is registered for its list routes.
type ParamSource interface {
	OpenAPIParams() []Param
}

// Params is a fixed list of parameters; it is a ParamSource.
type Params []Param

// OpenAPIParams implements ParamSource.
func (p Params) OpenAPIParams() []Param { return p }

var registry struct {
	sync.Mutex
	sources map[string][]ParamSource
}

// Register adds the parameters of src to the route with key routeKey
// ("GET /api/investments/", as routes.Route.Key). A registered parameter
// replaces a built-in one of the same name. Register before the document
// is first served (the schema function's main, or a resource package's
// variable initialisation); it panics for a key the route table lacks, as
// a parameter of an unrouted path would be a lie in the document.
func Register(routeKey string, src ParamSource) {
	found := false
	for _, r := range routes.All {
		if r.Key() == routeKey {
			found = true
			break
		}
	}
	if !found {
		panic(fmt.Sprintf("schema: no route %q in the route table", routeKey))
	}
	registry.Lock()
	defer registry.Unlock()
	if registry.sources == nil {
		registry.sources = map[string][]ParamSource{}
	}
	registry.sources[routeKey] = append(registry.sources[routeKey], src)
}

// RegisterParams is Register for a fixed list.
func RegisterParams(routeKey string, params ...Param) { Register(routeKey, Params(params)) }

func registered(routeKey string) []Param {
	registry.Lock()
	defer registry.Unlock()
	var out []Param
	for _, src := range registry.sources[routeKey] {
		out = append(out, src.OpenAPIParams()...)
	}
	return out
}

// Security scheme names.
const (
	SchemeAPIKey = "ApiKeyAuth"
	SchemeJWT    = "jwtAuth"
	SchemeSvix   = "SvixSignature"
)

// paginated lists the functions whose collection GET is a seed 000
// PageNumberPagination list with ordering and search.
var paginated = map[string]bool{"offerings": true, "investments": true, "investors": true, "users": true}

// integerIDs lists the functions whose {id} is an integer (DESIGN.md:
// integer ids where the contract shows integers).
var integerIDs = map[string]bool{"offerings": true, "investments": true, "investors": true, "users": true, "forms": true}

var pathParam = regexp.MustCompile(`\{([A-Za-z0-9_]+)\+?\}`)

// Generate builds the document from routes.All and the registered params.
func Generate() *Document {
	doc := &Document{
		OpenAPI: "3.0.3",
		Info: Info{
			Title:   "Tranche API",
			Version: Version,
			Description: "Private-market capital raising: offerings, investments, investors, users, " +
				"workspaces, invitations and Clerk-synced accounts. Generated from the route table.",
		},
		Paths:      map[string]PathItem{},
		Components: components(),
	}
	tags := map[string]bool{}
	opIDs := map[string]int{}
	for _, r := range routes.All {
		op := operation(r)
		typedResponse(r, op, doc.Components.Schemas)
		typedRequest(r, op, doc.Components.Schemas)
		if n := opIDs[op.OperationID]; n > 0 {
			op.OperationID = fmt.Sprintf("%s_%d", op.OperationID, n+1)
		}
		opIDs[op.OperationID]++
		item := doc.Paths[r.Path]
		if item == nil {
			item = PathItem{}
			doc.Paths[r.Path] = item
		}
		item[strings.ToLower(r.Method)] = op
		tags[r.Function] = true
	}
	for t := range tags {
		doc.Tags = append(doc.Tags, Tag{Name: t})
	}
	sort.Slice(doc.Tags, func(i, j int) bool { return doc.Tags[i].Name < doc.Tags[j].Name })
	return doc
}

func operationID(r routes.Route) string {
	var b strings.Builder
	b.WriteString(strings.ToLower(r.Method))
	for _, seg := range strings.Split(strings.Trim(r.Path, "/"), "/") {
		seg = strings.Trim(seg, "{}+")
		seg = strings.Map(func(c rune) rune {
			if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' {
				return c
			}
			return '_'
		}, seg)
		if seg != "" {
			b.WriteString("_" + seg)
		}
	}
	return b.String()
}

func operation(r routes.Route) *Operation {
	op := &Operation{
		OperationID: operationID(r),
		Summary:     r.Summary,
		Tags:        []string{r.Function},
		Responses:   map[string]*Response{},
	}
	if r.Seed != "" {
		op.Description = "Reproduces seed " + r.Seed + "."
	}
	for _, m := range pathParam.FindAllStringSubmatch(r.Path, -1) {
		s := &Schema{Type: "string"}
		if (m[1] == "id" || m[1] == "user") && integerIDs[r.Function] {
			s = &Schema{Type: "integer"}
		}
		op.Parameters = append(op.Parameters, &Parameter{Name: m[1], In: "path", Required: true, Schema: s})
	}
	for _, p := range queryParams(r) {
		op.Parameters = append(op.Parameters, p.parameter())
	}

	security := []map[string][]string{}
	switch r.Auth {
	case routes.AuthKey:
		security = append(security, map[string][]string{SchemeAPIKey: {}})
	case routes.AuthJWT:
		security = append(security, map[string][]string{SchemeJWT: {}})
	case routes.AuthKeyOrJWT:
		security = append(security, map[string][]string{SchemeAPIKey: {}}, map[string][]string{SchemeJWT: {}})
	case routes.AuthSvix:
		security = append(security, map[string][]string{SchemeSvix: {}})
		for _, h := range []string{"svix-id", "svix-timestamp"} {
			op.Parameters = append(op.Parameters, &Parameter{Name: h, In: "header", Required: true, Schema: &Schema{Type: "string"},
				Description: "Svix delivery header; signed together with the body."})
		}
	}
	op.Security = &security

	switch r.Method {
	case "POST", "PUT", "PATCH":
		op.RequestBody = &RequestBody{
			Content: map[string]MediaType{"application/json": {Schema: &Schema{Ref: "#/components/schemas/Object"}}},
		}
		if r.Auth == routes.AuthSvix {
			op.RequestBody.Required = true
			op.RequestBody.Content = map[string]MediaType{"application/json": {Schema: &Schema{Ref: "#/components/schemas/ClerkEvent"}}}
		}
	}

	switch {
	case r.Function == "schema":
		op.Parameters = append(op.Parameters,
			&Parameter{Name: "format", In: "query", Schema: &Schema{Type: "string", Enum: []any{"json", "yaml"}}},
			&Parameter{Name: "lang", In: "query", Description: "Accepted and ignored: the document is in English.", Schema: &Schema{Type: "string"}})
		doc := &Schema{Type: "object", AdditionalProperties: true}
		op.Responses["200"] = &Response{Description: "The OpenAPI 3 document.", Content: map[string]MediaType{
			MediaYAML: {Schema: doc}, MediaYAMLPlain: {Schema: doc}, MediaJSON: {Schema: doc}, MediaJSONPlain: {Schema: doc},
		}}
	case r.Method == "DELETE":
		op.Responses["204"] = &Response{Description: "Deleted."}
	case r.Method == "POST" && strings.HasPrefix(strings.ToLower(r.Summary), "create"):
		op.Responses["201"] = jsonResponse("Created.", &Schema{Ref: "#/components/schemas/Object"})
	case isList(r):
		op.Responses["200"] = jsonResponse("A page of results.", &Schema{Ref: "#/components/schemas/PaginatedList"})
	default:
		op.Responses["200"] = jsonResponse("Success.", &Schema{Ref: "#/components/schemas/Object"})
	}
	if r.Function != "schema" {
		op.Responses["400"] = &Response{Ref: "#/components/responses/ValidationError"}
	}
	if r.Auth != routes.AuthNone {
		op.Responses["401"] = &Response{Ref: "#/components/responses/Unauthenticated"}
		op.Responses["403"] = &Response{Ref: "#/components/responses/Forbidden"}
	}
	op.Responses["404"] = &Response{Ref: "#/components/responses/NotFound"}
	op.Responses["405"] = &Response{Ref: "#/components/responses/MethodNotAllowed"}
	if r.Seed == "002" {
		op.Responses["422"] = &Response{Ref: "#/components/responses/Unprocessable"}
	}
	// 429: the profiles function limits each caller (package ratelimit)
	// with Retry-After and the X-RateLimit headers; every other route is
	// throttled only by API Gateway's stage limit on AWS, whose 429 is
	// API Gateway's own body without Retry-After.
	if rateLimited(r) {
		op.Responses["429"] = &Response{Ref: "#/components/responses/Throttled"}
	} else if r.Function != "schema" {
		op.Responses["429"] = &Response{Ref: "#/components/responses/GatewayThrottled"}
	}
	if r.Function == "profiles" && strings.HasSuffix(r.Path, "/document-share-link") {
		op.Responses["409"] = &Response{Ref: "#/components/responses/W9Pending"}
	}
	return op
}

// typedResponse replaces the generic 200 schema of a route whose Go
// response type is known by that type's schema.
func typedResponse(r routes.Route, op *Operation, comps map[string]*Schema) {
	t, ok := responseTypes[r.Key()]
	if !ok {
		return
	}
	item := schemaOf(t, comps)
	s := item
	if isList(r) {
		name := "Paginated" + t.Name() + "List"
		comps[name] = &Schema{
			Type:     "object",
			Required: []string{"count", "next", "previous", "results"},
			Properties: map[string]*Schema{
				"count":    {Type: "integer"},
				"next":     {Type: "string", Format: "uri", Nullable: true},
				"previous": {Type: "string", Format: "uri", Nullable: true},
				"results":  {Type: "array", Items: item},
			},
		}
		s = &Schema{Ref: "#/components/schemas/" + name}
	}
	code := "200"
	if _, created := op.Responses["201"]; created {
		code = "201"
	}
	op.Responses[code] = jsonResponse(op.Responses[code].Description, s)
}

// typedRequest replaces the generic request body of a route whose Go
// request type is known by that type's schema.
func typedRequest(r routes.Route, op *Operation, comps map[string]*Schema) {
	t, ok := requestTypes[r.Key()]
	if !ok || op.RequestBody == nil {
		return
	}
	op.RequestBody.Required = true
	op.RequestBody.Content = map[string]MediaType{"application/json": {Schema: schemaOf(t, comps)}}
}

func isList(r routes.Route) bool {
	return r.Method == "GET" && (paginated[r.Function] && r.Path == "/api/"+r.Function+"/" || pagedLists[r.Key()] || seed002Lists[strings.TrimPrefix(r.Path, "/api/v1")])
}

// pagedLists are page-number lists beyond each function's collection GET,
// by route key (groups.go adds seed 001's).
var pagedLists = map[string]bool{}

// seed002Lists are the profiles function's lists (issue 13): the
// document shows no envelope; they use the same PageNumberPagination
// envelope as seed 000's lists.
var seed002Lists = map[string]bool{"/api/profiles": true, "/api/api/profiles": true, "/api/countries": true, "/api/api/countries": true,
	"/api/states": true, "/api/api/states": true, "/api/investor-qualifications": true, "/api/api/investor-qualifications": true}

// rateLimited reports whether a route's function applies a per-caller
// rate limit (package ratelimit): the profiles routes.
func rateLimited(r routes.Route) bool { return r.Function == "profiles" }

// queryParams are the built-in parameters of r, replaced or extended by
// the registered ones.
func queryParams(r routes.Route) []Param {
	var out []Param
	if isList(r) {
		out = append(out,
			Param{Name: "page", Description: "A page number within the paginated result set, or `last`.", Pattern: `^([1-9][0-9]*|last)$`},
			Param{Name: "page_size", Description: "Number of results to return per page.", Type: "integer"},
			Param{Name: "ordering", Description: "Which field to use when ordering the results; `-` for descending, comma-separated."},
			Param{Name: "search", Description: "A search term: words split on whitespace and commas, quoted phrases kept."},
		)
	}
	if pn, ok := pageNumberLists[r.Key()]; ok {
		out = append(out,
			Param{Name: "page", Description: "A page number within the paginated result set, or `last`.", Pattern: `^([1-9][0-9]*|last)$`},
			Param{Name: "page_size", Description: "Number of results to return per page.", Type: "integer"})
		if pn.ordering {
			out = append(out, Param{Name: "ordering", Description: "Which field to use when ordering the results; `-` for descending, comma-separated."})
		}
		if pn.search {
			out = append(out, Param{Name: "search", Description: "A search term: words split on whitespace and commas, quoted phrases kept."})
		}
	}
	if lo, ok := limitOffsetLists[r.Key()]; ok {
		for _, pp := range page.Offsets.Params() {
			out = append(out, Param{Name: pp.Name, Description: pp.Description, Type: "integer"})
		}
		if lo.ordering {
			out = append(out, Param{Name: "ordering", Description: "Which field to use when ordering the results; `-` for descending, comma-separated."})
		}
		if lo.search {
			out = append(out, Param{Name: "search", Description: "A search term: words split on whitespace and commas, quoted phrases kept."})
		}
	}
	if r.Method == "GET" && strings.HasSuffix(r.Path, "/audit/") {
		out = append(out,
			Param{Name: "limit", Description: "Number of records to return per page (1–1000, default 100).", Type: "integer"},
			Param{Name: "after", Description: "The cursor of the next page, as the previous page's next URL carries it."})
	}
	if r.Method == "GET" && strings.HasSuffix(r.Path, "/values/") {
		out = append(out, Param{Name: "field", Description: "Comma-separated names of the fields whose distinct values to return."})
	}
	reg := dedupe(append(filterParams(r.Key()), registered(r.Key())...))
	if len(reg) == 0 {
		return out
	}
	replaced := map[string]bool{}
	for _, p := range reg {
		replaced[p.In+" "+p.Name] = true
	}
	var merged []Param
	for _, p := range out {
		if !replaced[p.In+" "+p.Name] {
			merged = append(merged, p)
		}
	}
	return append(merged, reg...)
}

func (p Param) parameter() *Parameter {
	in := p.In
	if in == "" {
		in = "query"
	}
	s := &Schema{Type: p.Type, Format: p.Format, Pattern: p.Pattern}
	if s.Type == "" {
		s.Type = "string"
	}
	for _, e := range p.Enum {
		s.Enum = append(s.Enum, e)
	}
	if s.Type == "array" {
		it := p.ItemType
		if it == "" {
			it = "string"
		}
		s.Items = &Schema{Type: it}
	}
	if s.Type == "integer" && p.Name == "page_size" {
		one := 1.0
		s.Minimum = &one
	}
	return &Parameter{Name: p.Name, In: in, Description: p.Description, Required: p.Required, Schema: s}
}

func jsonResponse(desc string, s *Schema) *Response {
	return &Response{Description: desc, Content: map[string]MediaType{"application/json": {Schema: s}}}
}

func errorResponse(desc string, headers map[string]*Header) *Response {
	r := jsonResponse(desc, &Schema{Ref: "#/components/schemas/Error"})
	r.Headers = headers
	return r
}

func components() Components {
	str := &Schema{Type: "string"}
	return Components{
		Schemas: map[string]*Schema{
			"Error": {
				Type:        "object",
				Description: "DRF's error body.",
				Properties:  map[string]*Schema{"detail": str},
				Required:    []string{"detail"},
				Example:     map[string]any{"detail": "Not found."},
			},
			"ValidationError": {
				Type: "object",
				Description: "DRF's field errors: each invalid field or query parameter with its messages; " +
					"object-level problems under non_field_errors. Some 400s carry {\"detail\": ...} instead.",
				Properties:           map[string]*Schema{"non_field_errors": {Type: "array", Items: str}},
				AdditionalProperties: &Schema{Type: "array", Items: str},
				Example:              map[string]any{"amount__gte": []string{"Enter a number."}},
			},
			"Object": {Type: "object", AdditionalProperties: true},
			"PaginatedList": {
				Type:     "object",
				Required: []string{"count", "results"},
				Properties: map[string]*Schema{
					"count":    {Type: "integer", Example: 123},
					"next":     {Type: "string", Format: "uri", Nullable: true},
					"previous": {Type: "string", Format: "uri", Nullable: true},
					"results":  {Type: "array", Items: &Schema{Ref: "#/components/schemas/Object"}},
				},
			},
			"ClerkEvent": {
				Type:        "object",
				Description: "A Clerk webhook event delivered by Svix.",
				Required:    []string{"type", "data"},
				Properties: map[string]*Schema{
					"type": {Type: "string", Example: "user.created"},
					"data": {Type: "object", AdditionalProperties: true},
				},
			},
		},
		Responses: map[string]*Response{
			"ValidationError": {Description: "Invalid input.", Content: map[string]MediaType{
				"application/json": {Schema: &Schema{Ref: "#/components/schemas/ValidationError"}}}},
			"Unauthenticated": errorResponse("Authentication credentials were not provided or are invalid.", map[string]*Header{
				"WWW-Authenticate": {Schema: str}}),
			"Forbidden":        errorResponse("You do not have permission to perform this action.", nil),
			"NotFound":         errorResponse("Not found.", nil),
			"MethodNotAllowed": errorResponse("Method not allowed.", map[string]*Header{"Allow": {Schema: str}}),
			"Unprocessable":    errorResponse("The body could not be processed.", nil),
			"Throttled": errorResponse("Request was throttled: the caller's token bucket (PROFILES_RATE_LIMIT, default 120 a minute) is empty. Every answer of a rate-limited route carries the X-RateLimit headers.", map[string]*Header{
				"Retry-After":           {Description: "Seconds until one request is allowed again.", Schema: &Schema{Type: "integer"}},
				"X-RateLimit-Limit":     {Description: "The bucket's size: requests allowed at once.", Schema: &Schema{Type: "integer"}},
				"X-RateLimit-Remaining": {Description: "Requests left now.", Schema: &Schema{Type: "integer"}},
				"X-RateLimit-Reset":     {Description: "Seconds until the bucket is full again (not an epoch time).", Schema: &Schema{Type: "integer"}}}),
			"GatewayThrottled": {Description: "On AWS only: API Gateway's stage throttle (throttleRate/throttleBurst) refused the request before any function ran; API Gateway's own body, no Retry-After.",
				Content: map[string]MediaType{"application/json": {Schema: &Schema{Type: "object", Properties: map[string]*Schema{"message": {Type: "string", Example: "Too Many Requests"}}}}}},
			"W9Pending": errorResponse("The W-9 is being generated; try again after Retry-After.", map[string]*Header{
				"Retry-After": {Description: "Seconds to wait.", Schema: &Schema{Type: "integer"}}}),
		},
		SecuritySchemes: map[string]*SecurityScheme{
			SchemeAPIKey: {
				Type: "apiKey", In: "header", Name: "Authorization",
				Description: "Issuer API key: `Authorization: <key>` (or `Authorization: Api-Key <key>`).",
			},
			SchemeJWT: {
				Type: "http", Scheme: "bearer", BearerFormat: "JWT",
				Description: "Clerk session token: `Authorization: Bearer <JWT>`; the active workspace is the token's organisation.",
			},
			SchemeSvix: {
				Type: "apiKey", In: "header", Name: "svix-signature",
				Description: "Svix webhook signature (Clerk): `svix-signature` over `svix-id`, `svix-timestamp` and the raw body " +
					"with the endpoint's signing secret; timestamps older than 5 minutes are refused, a replayed `svix-id` is " +
					"acknowledged without being applied twice.",
			},
		},
	}
}

// dedupe keeps the last parameter of each name: a registered parameter
// overrides the FilterSet's.
func dedupe(ps []Param) []Param {
	last := map[string]int{}
	for i, p := range ps {
		last[p.In+" "+p.Name] = i
	}
	var out []Param
	for i, p := range ps {
		if last[p.In+" "+p.Name] == i {
			out = append(out, p)
		}
	}
	return out
}
