// Package robust is Tranche's robustness suite (issue 11): it sends every
// route of the route table (pkg/routes) what a broken or hostile client
// sends — malformed JSON, each body field with a wrong type, oversize
// strings, NUL and invalid UTF-8, boundary numbers, bad path ids, bad
// query strings and forged credentials — through the local gateway and
// the functions' real handlers on DynamoDB Local, and checks that no
// request answers 500 (or panics), that every 4xx body is DRF's, and that
// a refused request changed nothing in the table.
//
// The corpus is generated, not listed: routes and their auth from the
// route table, query parameters from the OpenAPI document (pkg/schema),
// body fields from the document's schemas, from each write route's base
// body and from what the route's GET sibling answers. A route without
// generated cases fails the suite, so a new route cannot go untested.
//
// The package has only tests. `make test` runs a bounded, deterministic
// corpus; `make fuzz` sets ROBUST_BUDGET=0 (every generated case) and
// then runs the Go fuzz targets for a bounded time each.
package robust
