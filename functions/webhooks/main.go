// Command webhooks serves the Svix-signed Clerk webhook on AWS Lambda.
package main

import (
	"context"
	"net/http"

	"github.com/tranche-dev/tranche/pkg/app"
	"github.com/tranche-dev/tranche/pkg/lambdaapi"
	"github.com/tranche-dev/tranche/pkg/webhooks"
)

func main() { lambdaapi.Start("webhooks", run) }

// run builds the function's handler once per cold start (its tests call
// it as main does).
func run(ctx context.Context, getenv func(string) string) (http.Handler, error) {
	return lambdaapi.Handler(ctx, getenv, func(d app.Deps) (http.Handler, error) { return webhooks.NewHandler(d) })
}
