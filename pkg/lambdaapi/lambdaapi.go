// Package lambdaapi is the main of every function that serves HTTP routes
// on AWS Lambda: build the dependencies once per cold start, build the
// function's handler from them (failing the start when its configuration
// is missing, rather than answering 500 to every request), wrap it with
// httpapi's request logging and recovery, and serve API Gateway's
// payload 2.0 through the proxy adapter. Each functions/<name>/main.go
// names only its handler.
package lambdaapi

import (
	"context"
	"fmt"
	"net/http"
	"os"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/awslabs/aws-lambda-go-api-proxy/httpadapter"

	"github.com/tranche-dev/tranche/pkg/app"
	"github.com/tranche-dev/tranche/pkg/httpapi"
)

// Constructor builds a function's handler from its dependencies.
type Constructor func(app.Deps) (http.Handler, error)

// Always adapts a constructor that cannot fail.
func Always(f func(app.Deps) http.Handler) Constructor {
	return func(d app.Deps) (http.Handler, error) { return f(d), nil }
}

// Handler builds the dependencies from getenv (config, logger, AWS, store)
// and the wrapped handler: what Start serves, and what a function's tests
// call.
func Handler(ctx context.Context, getenv func(string) string, build Constructor) (http.Handler, error) {
	deps, err := app.FromEnv(ctx, getenv)
	if err != nil {
		return nil, err
	}
	h, err := build(deps)
	if err != nil {
		return nil, err
	}
	return httpapi.Wrap(h, deps.Log), nil
}

// Start runs the named function: run builds its handler (exit 1 naming
// the function when it cannot), then Lambda serves it.
func Start(name string, run func(context.Context, func(string) string) (http.Handler, error)) {
	h, err := run(context.Background(), os.Getenv)
	if err != nil {
		fmt.Fprintln(os.Stderr, name+":", err)
		os.Exit(1)
	}
	lambda.Start(httpadapter.NewV2(h).ProxyWithContext)
}
