// Command trades serves seed 003's IBKR trade history and trade import on AWS Lambda.
package main

import (
	"context"
	"net/http"

	"github.com/tranche-dev/tranche/pkg/lambdaapi"
	"github.com/tranche-dev/tranche/pkg/trades"
)

func main() { lambdaapi.Start("trades", run) }

// run builds the function's handler once per cold start (its tests call
// it as main does).
func run(ctx context.Context, getenv func(string) string) (http.Handler, error) {
	return lambdaapi.Handler(ctx, getenv, trades.NewHandler)
}
