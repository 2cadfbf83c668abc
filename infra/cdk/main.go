// Command cdk is Tranche's CDK app; cdk.json runs it (`go run ./infra/cdk`).
// Context values: mailFrom (SES identity and sender; default
// no-reply@example.com), logLevel (functions' LOG_LEVEL), requireBuild=true
// (fail instead of using placeholder assets when bin/lambda/<fn>/bootstrap
// is missing; `make deploy` sets it), alarmEmail (subscribe this address to
// the alarm topic). cdk-nag's AwsSolutions checks run on
// every synth: an unsuppressed finding is an error and fails it.
package main

import (
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdklabs/cdk-nag-go/cdknag/v2"

	"github.com/tranche-dev/tranche/infra/stack"
)

func main() {
	err := run()
	jsii.Close()
	if err != nil {
		fmt.Fprintln(os.Stderr, "cdk:", err)
		os.Exit(1)
	}
}

func run() error {
	app := awscdk.NewApp(nil)
	defer stack.RemovePlaceholder()
	props := &stack.Props{
		RequireBuild: contextString(app, "requireBuild") == "true",
		MailFrom:     contextString(app, "mailFrom"),
		LogLevel:     contextString(app, "logLevel"),
		AlarmEmail:   contextString(app, "alarmEmail"),
	}
	// -c corsOrigins=https://app.example.com,https://admin.example.com
	for _, o := range strings.Split(contextString(app, "corsOrigins"), ",") {
		if o = strings.TrimSpace(o); o != "" {
			props.CorsOrigins = append(props.CorsOrigins, o)
		}
	}
	// -c throttleRate=100 -c throttleBurst=200 (requests per second)
	for key, dst := range map[string]*float64{"throttleRate": &props.ThrottleRate, "throttleBurst": &props.ThrottleBurst} {
		if v := contextString(app, key); v != "" {
			n, err := strconv.ParseFloat(v, 64)
			if err != nil || n <= 0 {
				return fmt.Errorf("context %s=%q: want a positive number", key, v)
			}
			*dst = n
		}
	}
	// Environment-agnostic unless the CLI knows the account (deploy, diff):
	// synth needs no credentials.
	if acct, region := os.Getenv("CDK_DEFAULT_ACCOUNT"), os.Getenv("CDK_DEFAULT_REGION"); acct != "" && region != "" {
		props.Env = &awscdk.Environment{Account: jsii.String(acct), Region: jsii.String(region)}
	}
	// -c env=prod deploys Tranche-prod next to Tranche-dev (the default).
	id, err := stack.StackID(contextString(app, "env"))
	if err != nil {
		return err
	}
	if _, err := stack.NewStack(app, id, props); err != nil {
		return err
	}
	awscdk.Aspects_Of(app).Add(cdknag.NewAwsSolutionsChecks(&cdknag.NagPackProps{Verbose: jsii.Bool(true)}), nil)
	app.Synth(nil)
	return nil
}

func contextString(app awscdk.App, key string) string {
	if v, ok := app.Node().TryGetContext(jsii.String(key)).(string); ok {
		return v
	}
	return ""
}
