// Command forms serves seed 001's user data forms and investor preference forms on AWS Lambda.
package main

import (
	"context"
	"net/http"

	"github.com/tranche-dev/tranche/pkg/forms"
	"github.com/tranche-dev/tranche/pkg/lambdaapi"
)

func main() { lambdaapi.Start("forms", run) }

// run builds the function's handler once per cold start (its tests call
// it as main does).
func run(ctx context.Context, getenv func(string) string) (http.Handler, error) {
	return lambdaapi.Handler(ctx, getenv, forms.NewHandler)
}
