// Command invitations serves seed 004's invitation routes (/api/accounts/invitations/) on AWS Lambda.
package main

import (
	"context"
	"net/http"

	"github.com/tranche-dev/tranche/pkg/lambdaapi"
	"github.com/tranche-dev/tranche/pkg/workspaces"
)

func main() { lambdaapi.Start("invitations", run) }

// run builds the function's handler once per cold start (its tests call
// it as main does).
func run(ctx context.Context, getenv func(string) string) (http.Handler, error) {
	return lambdaapi.Handler(ctx, getenv, workspaces.NewInvitationsHandler)
}
