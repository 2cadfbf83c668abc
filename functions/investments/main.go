// Command investments serves the investments routes of the route table on AWS Lambda.
package main

import (
	"context"
	"net/http"

	"github.com/tranche-dev/tranche/pkg/investments"
	"github.com/tranche-dev/tranche/pkg/lambdaapi"
)

func main() { lambdaapi.Start("investments", run) }

// run builds the function's handler once per cold start (its tests call
// it as main does).
func run(ctx context.Context, getenv func(string) string) (http.Handler, error) {
	return lambdaapi.Handler(ctx, getenv, lambdaapi.Always(investments.NewHandler))
}
