package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/tranche-dev/tranche/pkg/app"
	"github.com/tranche-dev/tranche/pkg/store"
)

// make run's stack (tranche dev with its default ports).
const (
	localTable     = "tranche"
	localDynamoURL = "http://127.0.0.1:8000"
	localSESURL    = "http://127.0.0.1:8005"
	localAPIURL    = "http://localhost:8080"
	localRegion    = "us-east-1"
)

// target is where a command's table lives.
type target struct {
	getenv func(string) string // the environment, with make run's values when local
	local  bool                // make run's stack, chosen because nothing else was named
	where  string              // the endpoint, for messages
}

// resolveTarget resolves the table and endpoint as every AWS tool does:
// TABLE_NAME names the table and the SDK's default chain gives credentials
// and region; an endpoint other than AWS's comes only from
// AWS_ENDPOINT_URL. With neither TABLE_NAME nor AWS_ENDPOINT_URL set the
// operator can only mean make run's stack (the README's local examples),
// and the choice is said on stderr so it is never a surprise. With
// TABLE_NAME set the endpoint is never defaulted: a deployed table is
// reached on AWS.
func resolveTarget(ctx context.Context, getenv func(string) string, stderr io.Writer) (target, error) {
	table, endpoint, region := getenv(app.EnvTableName), getenv(app.EnvEndpointURL), getenv(app.EnvRegion)
	if table == "" && endpoint == "" {
		fmt.Fprintf(stderr, "tranche: TABLE_NAME and AWS_ENDPOINT_URL are not set: using make run's local stack (table %q at %s)\n",
			localTable, localDynamoURL)
		def := map[string]string{app.EnvTableName: localTable, app.EnvEndpointURL: localDynamoURL, app.EnvRegion: localRegion}
		return target{getenv: overlay(getenv, def), local: true, where: localDynamoURL}, nil
	}
	def := map[string]string{}
	where := endpoint
	switch {
	case endpoint != "":
		// An emulator: its table is make run's unless named, and any
		// region will do.
		def[app.EnvTableName], def[app.EnvRegion] = localTable, localRegion
	case region == "":
		// pkg/app would fall back to us-east-1; an operator's profile or
		// AWS_DEFAULT_REGION must win, as for the AWS CLI.
		cfg, err := config.LoadDefaultConfig(ctx)
		if err != nil {
			return target{}, fmt.Errorf("load AWS config: %w", err)
		}
		if cfg.Region == "" {
			return target{}, errors.New("no AWS region: set AWS_REGION or a region in the AWS profile")
		}
		def[app.EnvRegion] = cfg.Region
		where = "AWS " + cfg.Region
	default:
		where = "AWS " + region
	}
	return target{getenv: overlay(getenv, def), where: where}, nil
}

// overlay is getenv with defaults for what it leaves empty.
func overlay(getenv func(string) string, def map[string]string) func(string) string {
	return func(k string) string {
		if v := getenv(k); v != "" {
			return v
		}
		return def[k]
	}
}

// checkTable fails unless the table exists: only dev creates tables, so
// a mistyped TABLE_NAME is an error, never a stray table.
func checkTable(ctx context.Context, db *store.DB, where string) error {
	_, err := db.Client().DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(db.Name())})
	var nf *types.ResourceNotFoundException
	switch {
	case errors.As(err, &nf):
		return fmt.Errorf("table %s not found at %s (is make run running? is TABLE_NAME the stack's table?)", db.Name(), where)
	case err != nil:
		return fmt.Errorf("cannot reach table %s at %s: %w", db.Name(), where, err)
	}
	return nil
}

// openTarget resolves the target, builds the dependencies as the functions
// do and checks that the table exists. extra overrides the environment
// for the keys it holds (SES endpoint, log level...).
func openTarget(ctx context.Context, getenv func(string) string, stderr io.Writer, extra func(t target, k string) string) (app.Deps, target, error) {
	t, err := resolveTarget(ctx, getenv, stderr)
	if err != nil {
		return app.Deps{}, t, err
	}
	env := t.getenv
	if extra != nil {
		env = func(k string) string {
			if v := extra(t, k); v != "" {
				return v
			}
			return t.getenv(k)
		}
	}
	deps, err := app.FromEnv(ctx, env)
	if err != nil {
		return app.Deps{}, t, err
	}
	if err := checkTable(ctx, deps.DB, t.where); err != nil {
		if t.local {
			return app.Deps{}, t, fmt.Errorf("%w; is make run running? (or set TABLE_NAME for a deployed stack)", err)
		}
		return app.Deps{}, t, err
	}
	return deps, t, nil
}

// openStore is openTarget for the commands that need only the table.
func openStore(ctx context.Context, getenv func(string) string, stderr io.Writer) (*store.DB, error) {
	deps, _, err := openTarget(ctx, getenv, stderr, nil)
	return deps.DB, err
}
