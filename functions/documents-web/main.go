// Command documents-web serves the W-9 signing page (package documents)
// on AWS Lambda.
package main

import (
	"context"
	"net/http"

	"github.com/tranche-dev/tranche/pkg/documents"
	"github.com/tranche-dev/tranche/pkg/lambdaapi"
)

func main() { lambdaapi.Start("documents-web", run) }

// run builds the function's handler once per cold start (its tests call
// it as main does).
func run(ctx context.Context, getenv func(string) string) (http.Handler, error) {
	return lambdaapi.Handler(ctx, getenv, documents.NewHandler)
}
