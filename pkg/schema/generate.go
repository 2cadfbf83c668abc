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
	"reflect"
	"regexp"
	"sort"
	"strings"
	"sync"

	"github.com/tranche-dev/tranche/pkg/investments"
	"github.com/tranche-dev/tranche/pkg/page"
	"github.com/tranche-dev/tranche/pkg/routes"
	"github.com/tranche-dev/tranche/pkg/store"
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
	doc, _ := generate()
	return doc
}

// Problems lists what keeps the document from describing every route
// exactly: a route without a typed response or (for a write) request
// body, and a Go type the generator cannot describe. Empty when the
// document is complete; TestEveryRouteIsTyped asserts that.
func Problems() []string {
	_, problems := generate()
	return problems
}

func generate() (*Document, []string) {
	doc := &Document{
		OpenAPI: "3.0.3",
		Info: Info{
			Title:   "Tranche API",
			Version: Version,
			Description: "Private-market capital raising: offerings, investments, investors, users, " +
				"workspaces, invitations and Clerk-synced accounts. Generated from the route table.",
		},
		// Relative: the server that serves the document (a deployed
		// stage's API URL, or make run's local gateway).
		Servers:    []Server{{URL: "/", Description: "The server serving this document."}},
		Paths:      map[string]PathItem{},
		Components: components(),
	}
	g := &gen{comps: doc.Components.Schemas, types: map[string]reflect.Type{}}
	tags := map[string]bool{}
	opIDs := map[string]int{}
	var problems []string
	for _, r := range routes.All {
		op := operation(r)
		problems = append(problems, typedResponse(r, op, g)...)
		problems = append(problems, typedRequest(r, op, g)...)
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
	g.schema(reflect.TypeFor[investments.EnvelopeError]())
	problems = append(problems, g.errs...)
	return doc, problems
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
	if r.Key() == "GET /api/schema/" {
		op.Parameters = append(op.Parameters,
			&Parameter{Name: "format", In: "query", Schema: &Schema{Type: "string", Enum: []any{"json", "yaml"}}},
			&Parameter{Name: "lang", In: "query", Description: "Accepted and ignored: the document is in English.", Schema: &Schema{Type: "string"}})
	}
	if r.Key() == "GET /api/schema/ui/{file}" {
		var names []string
		for n := range uiAssets {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			op.Parameters[0].Schema.Enum = append(op.Parameters[0].Schema.Enum, n)
		}
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

	if r.Auth == routes.AuthSvix {
		op.RequestBody = &RequestBody{Required: true,
			Content: map[string]MediaType{"application/json": {Schema: &Schema{Ref: "#/components/schemas/ClerkEvent"}}}}
	}
	if idempotent(r) {
		op.Parameters = append(op.Parameters, &Parameter{Name: "Idempotency-Key", In: "header", Schema: &Schema{Type: "string", MaxLength: ptr(255)},
			Description: "Makes a retry safe: the first answer to this key (per caller, 24 hours) is replayed with " +
				"`Idempotent-Replayed: true` and nothing runs again. The key reused with another request is a 422; " +
				"a retry while the first is still running a 409."})
	}
	if r.Key() == "GET /api/accounts/me/" {
		op.Deprecated = true
		op.Description = strings.TrimSpace(op.Description + " Deprecated: use GET /api/accounts/users/me/, which answers the same.")
	}

	// The error responses each route really sends (the live test in
	// infra/robust validates them): 400 for a bad body or query (DRF's
	// field errors, or {"detail"} for a body that is not JSON); 401/403
	// where credentials are needed; 404 and 405 everywhere; 409 where a
	// state machine or a concurrent write refuses, and on idempotent
	// routes; 422 for a reused Idempotency-Key and seed 002's profiles.
	// 429 as below.
	if r.Function != "schema" {
		op.Responses["400"] = &Response{Ref: "#/components/responses/ValidationError"}
		if strings.HasSuffix(r.Path, "/values/") {
			op.Responses["400"] = &Response{Ref: "#/components/responses/EnvelopeError"}
		}
	}
	if r.Auth != routes.AuthNone {
		op.Responses["401"] = &Response{Ref: "#/components/responses/Unauthenticated"}
		op.Responses["403"] = &Response{Ref: "#/components/responses/Forbidden"}
	}
	op.Responses["404"] = &Response{Ref: "#/components/responses/NotFound"}
	op.Responses["405"] = &Response{Ref: "#/components/responses/MethodNotAllowed"}
	if conflicts(r) {
		op.Responses["409"] = &Response{Ref: "#/components/responses/Conflict"}
	}
	if r.Seed == "002" || idempotent(r) {
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

// idempotent reports whether the route honours Idempotency-Key (the
// handlers wrap them in store.DB.Idempotent): the creates and the
// lifecycle actions of offerings and investments (not api-keys: a stored
// answer would keep the secret). The live test in infra/robust retries
// every POST with its key and fails when this disagrees with the handler.
func idempotent(r routes.Route) bool {
	if r.Method != "POST" {
		return false
	}
	switch r.Path {
	case "/api/offerings/", "/api/investments/", "/api/investors/", "/api/users/":
		return true
	}
	segs := strings.Split(strings.Trim(r.Path, "/"), "/")
	return len(segs) == 4 && (segs[1] == "offerings" || segs[1] == "investments") && segs[2] == "{id}" && segs[3] != "api-keys"
}

// conflicts reports whether the route may answer 409: the writes of the
// seed 000 resources (lifecycle state machines, optimistic concurrency)
// and the idempotent routes.
func conflicts(r routes.Route) bool {
	if r.Method == "GET" {
		return false
	}
	switch r.Function {
	case "offerings", "investments", "investors":
		return true
	case "groups", "forms":
		// Versioned writes (a race answers 409) and, for the forms'
		// DELETE, a form users still hold.
		return true
	}
	return idempotent(r)
}

// createdStatus lists the POST routes that answer 201 beyond the creates
// (a summary starting "Create").
var createdStatus = map[string]bool{"POST /api/v1/ibkr/trades/": true, "POST /api/accounts/invitations/": true}

// successStatus is the status of the route's success response.
func successStatus(r routes.Route, t reflect.Type) string {
	switch {
	case t == noBody:
		return "204"
	case r.Method == "POST" && (strings.HasPrefix(strings.ToLower(r.Summary), "create") || createdStatus[r.Key()]):
		return "201"
	}
	return "200"
}

// typedResponse sets the route's success response from its Go type in
// responseTypes; a route without one is a problem.
func typedResponse(r routes.Route, op *Operation, g *gen) []string {
	t, ok := responseTypes[r.Key()]
	if !ok {
		return []string{r.Key() + ": no response type in responseTypes (pkg/schema/types.go)"}
	}
	if r.Key() == "GET /api/schema/" {
		doc := &Schema{Type: "object", AdditionalProperties: true, Description: "An OpenAPI 3.0 document."}
		op.Responses["200"] = &Response{Description: "The OpenAPI 3 document.", Content: map[string]MediaType{
			MediaYAML: {Schema: doc}, MediaYAMLPlain: {Schema: doc}, MediaJSON: {Schema: doc}, MediaJSONPlain: {Schema: doc},
		}}
		return nil
	}
	status := successStatus(r, t)
	switch t {
	case noBody:
		op.Responses[status] = &Response{Description: "Done; no body."}
		return nil
	case htmlPage:
		op.Responses[status] = &Response{Description: "An HTML page.", Content: map[string]MediaType{
			"text/html": {Schema: &Schema{Type: "string"}}}}
		return nil
	case uiAsset:
		op.Responses[status] = &Response{Description: "The file.", Content: map[string]MediaType{
			"text/javascript": {Schema: &Schema{Type: "string"}}, "text/css": {Schema: &Schema{Type: "string"}}}}
		return nil
	case csvFile:
		op.Responses[status] = &Response{Description: "The export as CSV (RFC 4180, UTF-8, a header row; cells a spreadsheet would read as formulas are prefixed with ').", Content: map[string]MediaType{
			"text/csv": {Schema: &Schema{Type: "string"}}}}
		op.Responses["303"] = &Response{Description: "An export too large to answer inline: Location is a presigned download URL, valid for minutes.",
			Headers: map[string]*Header{"Location": {Required: true, Schema: &Schema{Type: "string", Format: "uri"}}}}
		return nil
	}
	item := g.schema(t)
	s := item
	desc := "Success."
	if status == "201" {
		desc = "Created."
	}
	if isList(r) || offsetEnvelope[r.Key()] || offsetOptional[r.Key()] {
		desc = "A page of results."
		name := "Paginated" + g.componentName(t) + "List"
		g.comps[name] = &Schema{
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
		if offsetOptional[r.Key()] {
			desc = "The whole list, or a page of it when limit or offset is given."
			s = &Schema{AnyOf: []*Schema{{Type: "array", Items: item}, s}}
		}
	}
	resp := jsonResponse(desc, s)
	if planHeader(r) {
		resp.Headers = map[string]*Header{store.PlanHeader: {Required: true, Schema: &Schema{Type: "string"},
			Description: "What the read cost: items read, query plan (see README)."}}
	}
	if idempotent(r) {
		if resp.Headers == nil {
			resp.Headers = map[string]*Header{}
		}
		resp.Headers[store.IdempotencyReplayHeader] = &Header{Schema: &Schema{Type: "string", Enum: []any{"true"}},
			Description: "Present on an answer replayed for a retried Idempotency-Key."}
	}
	op.Responses[status] = resp
	return nil
}

// offsetEnvelope are seed 004's lists that always answer a limit/offset
// page; offsetOptional those that answer the whole array unless limit or
// offset is given.
var (
	offsetEnvelope = map[string]bool{"GET /api/accounts/companies/": true}
	offsetOptional = map[string]bool{"GET /api/accounts/users/": true}
)

// planHeader reports whether the route answers X-Tranche-Plan: the lists
// served by pkg/listing (seed 001's typed pages too), the values routes
// and the summary.
func planHeader(r routes.Route) bool {
	_, paged := pageNumberLists[r.Key()]
	return isList(r) || paged || offsetEnvelope[r.Key()] || strings.HasSuffix(r.Path, "/values/") || r.Key() == "GET /api/investments/summary/"
}

// typedRequest sets the request body of a write route from its Go type
// in requestTypes; a write route without one is a problem.
func typedRequest(r routes.Route, op *Operation, g *gen) []string {
	switch r.Method {
	case "POST", "PUT", "PATCH", "DELETE":
	default:
		return nil
	}
	if r.Auth == routes.AuthSvix {
		return nil // ClerkEvent, set by operation
	}
	t, ok := requestTypes[r.Key()]
	if !ok {
		return []string{r.Key() + ": no request type in requestTypes (pkg/schema/types.go)"}
	}
	if t == noBody {
		if r.Method != "DELETE" {
			op.RequestBody = &RequestBody{Description: "Not read: send nothing or {}.",
				Content: map[string]MediaType{"application/json": {Schema: &Schema{Type: "object"}}}}
		}
		return nil
	}
	op.RequestBody = &RequestBody{Required: r.Method != "DELETE",
		Content: map[string]MediaType{"application/json": {Schema: g.schema(t)}}}
	if r.Method == "DELETE" {
		op.RequestBody.Description = "Or key_id in the query."
	}
	return nil
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
			"ValidationError": {Description: "Invalid input: DRF's field errors, or {\"detail\"} for a body that is not JSON.", Content: map[string]MediaType{
				"application/json": {Schema: &Schema{AnyOf: []*Schema{{Ref: "#/components/schemas/ValidationError"}, {Ref: "#/components/schemas/Error"}}}}}},
			"Unauthenticated": errorResponse("Authentication credentials were not provided or are invalid.", map[string]*Header{
				"WWW-Authenticate": {Schema: str}}),
			"Forbidden":        errorResponse("You do not have permission to perform this action.", nil),
			"NotFound":         errorResponse("Not found.", nil),
			"MethodNotAllowed": errorResponse("Method not allowed.", map[string]*Header{"Allow": {Schema: str}}),
			"Unprocessable":    errorResponse("The body could not be processed.", nil),
			"Conflict":         errorResponse("The object's state does not allow this now.", nil),
			"EnvelopeError": {Description: "Invalid field parameter.", Content: map[string]MediaType{
				"application/json": {Schema: &Schema{Ref: "#/components/schemas/EnvelopeError"}}}},
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

func ptr[T any](v T) *T { return &v }
