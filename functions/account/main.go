// Command account serves seed 003's account routes (user, extension, organisation, profile, subscription, devtest, server select) on AWS Lambda.
package main

import (
	"context"
	"net/http"

	"github.com/tranche-dev/tranche/pkg/account"
	"github.com/tranche-dev/tranche/pkg/lambdaapi"
)

func main() { lambdaapi.Start("account", run) }

// run builds the function's handler once per cold start (its tests call
// it as main does).
func run(ctx context.Context, getenv func(string) string) (http.Handler, error) {
	return lambdaapi.Handler(ctx, getenv, account.NewHandler)
}
