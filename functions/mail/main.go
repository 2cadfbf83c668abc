// Command mail serves the unsubscribe route of the scheduled e-mail
// (package schedule) on AWS Lambda.
package main

import (
	"context"
	"net/http"

	"github.com/tranche-dev/tranche/pkg/lambdaapi"
	"github.com/tranche-dev/tranche/pkg/schedule"
)

func main() { lambdaapi.Start("mail", run) }

// run builds the function's handler once per cold start (its tests call
// it as main does).
func run(ctx context.Context, getenv func(string) string) (http.Handler, error) {
	return lambdaapi.Handler(ctx, getenv, lambdaapi.Always(schedule.NewUnsubscribeHandler))
}
