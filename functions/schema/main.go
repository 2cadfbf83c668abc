// Command schema serves GET /api/schema/, the OpenAPI document generated
// from the route table, on AWS Lambda. The document is built on the first
// request of a cold start, not here.
package main

import (
	"context"
	"net/http"

	"github.com/tranche-dev/tranche/pkg/lambdaapi"
	"github.com/tranche-dev/tranche/pkg/schema"
)

func main() { lambdaapi.Start("schema", run) }

// run builds the function's handler once per cold start (its tests call
// it as main does).
func run(ctx context.Context, getenv func(string) string) (http.Handler, error) {
	return lambdaapi.Handler(ctx, getenv, lambdaapi.Always(schema.NewHandler))
}
