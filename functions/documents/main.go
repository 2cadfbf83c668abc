// Command documents renders the W-9 document jobs (package documents) on
// AWS Lambda: triggered by the documents queue (a message per job,
// partial batch failures reported) and by a schedule every few minutes
// that sweeps the jobs still pending.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/tranche-dev/tranche/pkg/app"
	"github.com/tranche-dev/tranche/pkg/documents"
)

func main() {
	h, err := run(context.Background(), os.Getenv)
	if err != nil {
		fmt.Fprintln(os.Stderr, "documents:", err)
		os.Exit(1)
	}
	lambda.Start(h)
}

func run(ctx context.Context, getenv func(string) string) (func(context.Context, json.RawMessage) (any, error), error) {
	deps, err := app.FromEnv(ctx, getenv) // config, logger, AWS, store, bucket: once per cold start
	if err != nil {
		return nil, err
	}
	w, err := documents.NewWorker(deps)
	if err != nil {
		return nil, err
	}
	return w.LambdaHandler(), nil
}
