package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/awslabs/aws-lambda-go-api-proxy/httpadapter"
	"github.com/spf13/cobra"

	"github.com/tranche-dev/tranche/infra/localgw"
	"github.com/tranche-dev/tranche/pkg/app"
	"github.com/tranche-dev/tranche/pkg/httpapi"
	"github.com/tranche-dev/tranche/pkg/schedule"
)

// invokeCmd is make invoke: one function's handler, as its main builds it
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
func invokeCmd(getenv func(string) string) *cobra.Command {
	var at string
	c := &cobra.Command{
		Use:   "invoke [--at TIME] FN EVENT.json",
		Short: "Run one function's handler once on an event file (make invoke)",
		Long: `Run one function's handler, as its main builds it for lambda.Start, once on
an event file. For reminders and summaries the event is an EventBridge event
whose "time" (or --at) is the run's clock; for an API function it is an API
Gateway v2 request, and the response event is printed.`,
		Args: exactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			return invoke(cmd.Context(), getenv, at, args[0], args[1])
		},
	}
	c.Flags().StringVar(&at, "at", "", "the run's clock (RFC 3339), instead of the event's time")
	return c
}

func invoke(ctx context.Context, getenv func(string) string, at, fn, file string) error {
	raw, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	deps, t, err := openTarget(ctx, getenv, os.Stderr, func(t target, k string) string {
		switch {
		case k == app.EnvSESEndpointURL && t.local && getenv(k) == "":
			return localSESURL // make run's SES emulator
		case k == app.EnvLogLevel && getenv(k) == "":
			return "info" // the run's summary line is the point
		case k == app.EnvPublicURL && t.local && getenv(k) == "":
			return localAPIURL // make run's gateway serves the unsubscribe route
		}
		return ""
	})
	if err != nil {
		return err
	}
	sesURL := t.getenv(app.EnvSESEndpointURL)
	if t.local && sesURL == "" {
		sesURL = localSESURL
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
		if at != "" {
			if ev.Time, err = time.Parse(time.RFC3339, at); err != nil {
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
