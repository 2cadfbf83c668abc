// Command documents-web serves the W-9 signing page (package documents)
// on AWS Lambda.
package main

import (
	"context"
	"fmt"
	"net/http"
	"os"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/awslabs/aws-lambda-go-api-proxy/httpadapter"

	"github.com/tranche-dev/tranche/pkg/app"
	"github.com/tranche-dev/tranche/pkg/documents"
	"github.com/tranche-dev/tranche/pkg/httpapi"
)

func main() {
	h, err := run(context.Background(), os.Getenv)
	if err != nil {
		fmt.Fprintln(os.Stderr, "documents-web:", err)
		os.Exit(1)
	}
	lambda.Start(httpadapter.NewV2(h).ProxyWithContext)
}

func run(ctx context.Context, getenv func(string) string) (http.Handler, error) {
	deps, err := app.FromEnv(ctx, getenv)
	if err != nil {
		return nil, err
	}
	h, err := documents.NewHandler(deps)
	if err != nil {
		return nil, err
	}
	return httpapi.Wrap(h, deps.Log), nil
}
