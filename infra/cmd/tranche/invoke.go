package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/awslabs/aws-lambda-go-api-proxy/httpadapter"

	"github.com/tranche-dev/tranche/infra/localgw"
	"github.com/tranche-dev/tranche/pkg/app"
	"github.com/tranche-dev/tranche/pkg/httpapi"
	"github.com/tranche-dev/tranche/pkg/schedule"
)

// cmdInvoke is make invoke: one function's handler, as its main builds it
// for lambda.Start, run once on one event file against make run's stack
// (or the table and endpoints of the environment).
//
//	tranche invoke [--at 2025-06-30T15:00:00Z] FN EVENT.json
//
// For reminders and summaries the event's "time" is the run's clock: the
// run acts as the hourly run scheduled at that instant (08:00-local
// summaries, reminder windows), whatever the wall clock says. --at
// replaces it, to replay another hour with the same event. The run's log
// line (sent, skipped, failed, dead) and its metrics line go to stdout; the
// mail is in the SES emulator's mailbox.
//
// For an API function the event is an API Gateway v2 (HTTP API) request,
// and the response event is printed.
func cmdInvoke(ctx context.Context, args []string, getenv func(string) string) error {
	fs := flag.NewFlagSet("invoke", flag.ContinueOnError)
	atFlag := fs.String("at", "", "the run's clock (RFC 3339), instead of the event's time")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 2 {
		return errors.New("usage: tranche invoke [--at TIME] FN EVENT.json")
	}
	fn, file := fs.Arg(0), fs.Arg(1)
	raw, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	local := getenv(app.EnvTableName) == "" && getenv(app.EnvEndpointURL) == ""
	env := localDefaults(getenv)
	sesURL := getenv(app.EnvSESEndpointURL)
	if sesURL == "" && local {
		sesURL = "http://127.0.0.1:8005" // make run's SES emulator
	}
	deps, err := app.FromEnv(ctx, func(k string) string {
		switch {
		case k == app.EnvSESEndpointURL:
			return sesURL
		case k == app.EnvLogLevel && getenv(k) == "":
			return "info" // the run's summary line is the point
		case k == app.EnvPublicURL && getenv(k) == "" && local:
			return "http://localhost:8080" // make run's gateway serves the unsubscribe route
		}
		return env(k)
	})
	if err != nil {
		return err
	}
	if _, err := deps.DB.Client().DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(deps.DB.Name())}); err != nil {
		return fmt.Errorf("table %s at %s: %w (is make run running?)", deps.DB.Name(), env(app.EnvEndpointURL), err)
	}

	var run func(context.Context, events.EventBridgeEvent) error
	switch fn {
	case "reminders":
		run = schedule.New(deps).RemindersHandler()
	case "summaries":
		run = schedule.New(deps).SummariesHandler()
	}
	if run != nil {
		var ev events.EventBridgeEvent
		if err := json.Unmarshal(raw, &ev); err != nil {
			return fmt.Errorf("%s: not an EventBridge event: %w", file, err)
		}
		if *atFlag != "" {
			if ev.Time, err = time.Parse(time.RFC3339, *atFlag); err != nil {
				return fmt.Errorf("--at: %w", err)
			}
		}
		fmt.Fprintf(os.Stderr, "%s at %s (the run's clock)\n", fn, ev.Time.UTC().Format(time.RFC3339))
		err := run(ctx, ev)
		if sesURL != "" {
			fmt.Fprintf(os.Stderr, "mail: %s/ (the SES emulator's mailbox; JSON at %s/store)\n", sesURL, sesURL)
		}
		return err
	}

	mk, ok := localgw.Handlers[fn]
	if !ok {
		return fmt.Errorf("unknown function %q (reminders, summaries, or one of the route table's)", fn)
	}
	h, err := mk(deps)
	if err != nil {
		return err
	}
	var req events.APIGatewayV2HTTPRequest
	if err := json.Unmarshal(raw, &req); err != nil {
		return fmt.Errorf("%s: not an API Gateway v2 request: %w", file, err)
	}
	resp, err := httpadapter.NewV2(httpapi.Wrap(h, deps.Log)).ProxyWithContext(ctx, req)
	if err != nil {
		return err
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(resp)
}
