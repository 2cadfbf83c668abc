// Package stack is Tranche's one CDK stack: the DynamoDB table built from
// pkg/store's definition, one arm64 provided.al2023 Lambda per function,
// the HTTP API whose routes come from pkg/routes, hourly EventBridge
// Scheduler schedules for the scheduled functions, the SES identity, the
// secret that holds the Svix signing secret and Clerk settings,
// least-privilege IAM per function (see access.go) and CloudWatch alarms,
// every one notifying the alarm topic (AlarmTopicArn output; subscribe with
// `aws sns subscribe --topic-arn ARN --protocol email --notification-endpoint
// you@example.com`, or deploy with -c alarmEmail=you@example.com).
//
// Scheduled e-mail loses nothing silently: a send that uses up its attempts
// is recorded dead and counted in the DeadSends metric (package schedule),
// which is alarmed per scheduled function; an invocation that still fails
// after Lambda's two retries goes to the ScheduledFailures queue (the
// functions' on-failure destination), as does an event Scheduler could not
// deliver (the schedule target's dead-letter queue), and the queue's depth
// is alarmed too. Lambda's retries of a run are harmless: a retried run
// uses no attempt of a send (store.MaxSendAttempts).
//
// Nothing here lists a route, a function or an index by hand: everything is
// read from routes.All, routes.Scheduled and store.Indexes when the stack is
// built, so a group added to the route table is deployed by the next synth.
package stack

import (
	"fmt"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsapigatewayv2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsapigatewayv2integrations"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatchactions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsdynamodb"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambdadestinations"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsscheduler"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsschedulertargets"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssecretsmanager"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsses"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssns"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssnssubscriptions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssqs"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdklabs/cdk-nag-go/cdknag/v2"

	"github.com/tranche-dev/tranche/pkg/app"
	"github.com/tranche-dev/tranche/pkg/emf"
	"github.com/tranche-dev/tranche/pkg/httpapi"
	"github.com/tranche-dev/tranche/pkg/routes"
	"github.com/tranche-dev/tranche/pkg/schedule"
	"github.com/tranche-dev/tranche/pkg/store"
)

// EnvSecretsARN is app.EnvSecretsARN: the secret functions read at cold start.
const EnvSecretsARN = app.EnvSecretsARN

// SecretFields are the keys of the secret's JSON value: the Svix signing
// secret and the Clerk settings. The secret is created with these keys
// empty; the operator fills them with `aws secretsmanager put-secret-value`
// after the first deploy. Add a name here when the identity code needs a
// new setting; the stack needs no other change.
var SecretFields = []string{
	app.EnvSvixSecret,
	app.EnvClerkJWKSURL,
	app.EnvClerkIssuer,
	app.EnvClerkAuthorizedParties,
}

// DefaultMailFrom is the SES e-mail identity when the context gives none.
const DefaultMailFrom = "no-reply@example.com"

// Props configure the stack.
type Props struct {
	awscdk.StackProps
	// Root is the repository root, where bin/lambda lives ("" = working dir).
	Root string
	// RequireBuild fails the synth when a function's binary is missing,
	// instead of using the placeholder asset (assets.go). Deploys set it.
	RequireBuild bool
	// MailFrom is the SES e-mail identity and every mailer's MAIL_FROM.
	MailFrom string
	// LogLevel is every function's LOG_LEVEL (default info).
	LogLevel string
	// LogRetention of the functions' and the API's log groups (default one month).
	LogRetention awslogs.RetentionDays
	// AlarmEmail, when set, subscribes this address to the alarm topic
	// (it must confirm the subscription from the e-mail SNS sends).
	AlarmEmail string
	// CorsOrigins are the browser origins allowed to call the API (a web
	// app on Clerk sessions); none: no CORS, as API keys are for servers.
	CorsOrigins []string
	// ThrottleRate (requests per second, steady) and ThrottleBurst of the
	// API's stage; 0 takes DefaultThrottleRate and DefaultThrottleBurst.
	ThrottleRate, ThrottleBurst float64
}

// The stage's default throttling: far under the account's 10,000 rps, so a
// runaway client is refused with 429 by API Gateway before it spends the
// table's capacity and the functions' concurrency, and well over what the
// issuers' dashboards and integrations send.
const (
	DefaultThrottleRate  = 100
	DefaultThrottleBurst = 200
)

// CorsHeaders are the request headers a browser may send: Clerk's bearer
// token, JSON bodies and the retry key of the write routes.
var CorsHeaders = []string{"Authorization", "Content-Type", "Idempotency-Key"}

// DefaultEnvironment is the environment of a deploy that names none.
const DefaultEnvironment = "dev"

// StackID is the stack's id for an environment ("dev", "prod", …):
// "Tranche-<env>", so two environments live in one account side by side
// (no resource of the stack has a fixed physical name). Lower-case letters,
// digits and hyphens only, as CloudFormation stack names allow.
func StackID(env string) (string, error) {
	if env == "" {
		env = DefaultEnvironment
	}
	ok := len(env) <= 32 && env[0] != '-' && env[len(env)-1] != '-'
	for _, c := range env {
		ok = ok && ('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-')
	}
	if !ok {
		return "", fmt.Errorf("stack: environment %q: want lower-case letters, digits and hyphens (dev, prod, staging-2)", env)
	}
	return "Tranche-" + env, nil
}

// Timeouts: API Gateway gives up on an integration after 30 s, so API
// functions stop before it; the scheduled jobs walk every offering.
const (
	apiTimeoutSeconds       = 15
	scheduledTimeoutSeconds = 300
	memoryMB                = 256
)

// NewStack builds the stack. It returns an error when RequireBuild is set
// and a binary is missing.
func NewStack(scope constructs.Construct, id string, props *Props) (awscdk.Stack, error) {
	if props == nil {
		props = &Props{}
	}
	if props.MailFrom == "" {
		props.MailFrom = DefaultMailFrom
	}
	if props.LogLevel == "" {
		props.LogLevel = "info"
	}
	if props.ThrottleRate == 0 {
		props.ThrottleRate = DefaultThrottleRate
	}
	if props.ThrottleBurst == 0 {
		props.ThrottleBurst = DefaultThrottleBurst
	}
	if props.LogRetention == "" {
		props.LogRetention = awslogs.RetentionDays_ONE_MONTH
	}
	sp := props.StackProps
	if sp.Description == nil {
		sp.Description = jsii.String("Tranche: serverless backend for private-market capital raising")
	}
	stack := awscdk.NewStack(scope, &id, &sp)

	table := newTable(stack)
	mail := awsses.NewEmailIdentity(stack, jsii.String("MailIdentity"), &awsses.EmailIdentityProps{
		Identity: awsses.Identity_Email(jsii.String(props.MailFrom)),
	})
	secret := newSecret(stack)
	alarms := newAlarmTopic(stack, props.AlarmEmail)
	failures := newFailureQueue(stack, alarms)

	fns := map[string]awslambda.Function{}
	scheduled := map[string]bool{}
	for _, fn := range append(append([]string(nil), routes.Scheduled...), routes.Queued...) {
		scheduled[fn] = true // the scheduled functions' timeout
	}
	for _, fn := range Functions() {
		dir, _, err := assetDir(props.Root, fn, props.RequireBuild)
		if err != nil {
			return nil, err
		}
		fns[fn] = newFunction(stack, fn, dir, scheduled[fn], props, table, mail, secret)
		newFunctionAlarms(stack, fn, fns[fn], alarms)
	}

	// Seed 002's profiles seal tax ids and bank account numbers with data
	// keys from this key (package seal); only the profiles function may
	// make or unwrap them.
	if f, ok := fns["profiles"]; ok && AccessFor("profiles").TaxKey {
		taxKey := awskms.NewKey(stack, jsii.String("TaxDataKey"), &awskms.KeyProps{
			Description:       jsii.String("Tranche: wraps the data keys of profiles' tax ids and bank account numbers"),
			EnableKeyRotation: jsii.Bool(true),
			RemovalPolicy:     awscdk.RemovalPolicy_RETAIN,
		})
		f.AddEnvironment(jsii.String(app.EnvTaxKMSKeyID), taxKey.KeyArn(), nil)
		acts := make([]*string, len(taxKeyActions))
		for i, a := range taxKeyActions {
			acts[i] = jsii.String(a)
		}
		taxKey.Grant(f, acts...)
	}

	api := newAPI(stack, props, fns)
	for _, fn := range routes.Scheduled {
		// Reminders link the unsubscribe route (function mail) under the
		// API's URL. No cycle: the scheduled functions are no integration.
		fns[fn].AddEnvironment(jsii.String(app.EnvPublicURL), api.ApiEndpoint(), nil)
		newSchedule(stack, fn, fns[fn], failures, hourly(), "hourly")
		newDeadSendsAlarm(stack, fn, alarms)
	}
	newDocuments(stack, fns, alarms, failures)
	newTableAlarm(stack, table, alarms)
	newAPIAlarms(stack, api, alarms)
	for _, fn := range routes.Functions() {
		newServerErrorsAlarm(stack, fn, alarms)
	}

	awscdk.NewCfnOutput(stack, jsii.String("ApiUrl"), &awscdk.CfnOutputProps{Value: api.ApiEndpoint()})
	awscdk.NewCfnOutput(stack, jsii.String("TableName"), &awscdk.CfnOutputProps{Value: table.TableName()})
	awscdk.NewCfnOutput(stack, jsii.String("SecretArn"), &awscdk.CfnOutputProps{Value: secret.SecretArn()})
	awscdk.NewCfnOutput(stack, jsii.String("AlarmTopicArn"), &awscdk.CfnOutputProps{
		Value:       alarms.TopicArn(),
		Description: jsii.String("Every alarm notifies this topic: aws sns subscribe --topic-arn <this> --protocol email --notification-endpoint <you>"),
	})
	awscdk.NewCfnOutput(stack, jsii.String("ScheduledFailuresQueueUrl"), &awscdk.CfnOutputProps{Value: failures.QueueUrl()})

	cdknag.NagSuppressions_AddResourceSuppressions(secret, &[]*cdknag.NagPackSuppression{{
		Id: jsii.String("AwsSolutions-SMG4"),
		Reason: jsii.String("The values are issued by Clerk and Svix: they are rotated in those dashboards and " +
			"copied here with put-secret-value; a rotation Lambda cannot mint them."),
	}}, nil)
	return stack, nil
}

// newTable is the table of store.CreateTableInput: the same keys and GSIs,
// plus what only production needs (PITR, deletion protection, retain).
func newTable(stack awscdk.Stack) awsdynamodb.Table {
	str := awsdynamodb.AttributeType_STRING
	table := awsdynamodb.NewTable(stack, jsii.String("Table"), &awsdynamodb.TableProps{
		PartitionKey:        &awsdynamodb.Attribute{Name: jsii.String(store.AttrPK), Type: str},
		SortKey:             &awsdynamodb.Attribute{Name: jsii.String(store.AttrSK), Type: str},
		BillingMode:         awsdynamodb.BillingMode_PAY_PER_REQUEST,
		TimeToLiveAttribute: jsii.String(store.AttrTTL),
		Stream:              awsdynamodb.StreamViewType_NEW_AND_OLD_IMAGES,
		DeletionProtection:  jsii.Bool(true),
		RemovalPolicy:       awscdk.RemovalPolicy_RETAIN,
		PointInTimeRecoverySpecification: &awsdynamodb.PointInTimeRecoverySpecification{
			PointInTimeRecoveryEnabled: jsii.Bool(true),
		},
	})
	for _, ix := range store.Indexes {
		table.AddGlobalSecondaryIndex(&awsdynamodb.GlobalSecondaryIndexProps{
			IndexName:      jsii.String(ix.Name),
			PartitionKey:   &awsdynamodb.Attribute{Name: jsii.String(ix.PK), Type: str},
			SortKey:        &awsdynamodb.Attribute{Name: jsii.String(ix.SK), Type: str},
			ProjectionType: awsdynamodb.ProjectionType_ALL,
		})
	}
	return table
}

func newSecret(stack awscdk.Stack) awssecretsmanager.Secret {
	fields := make([]string, len(SecretFields))
	for i, f := range SecretFields {
		fields[i] = fmt.Sprintf("%q:%q", f, "")
	}
	return awssecretsmanager.NewSecret(stack, jsii.String("IdentitySecret"), &awssecretsmanager.SecretProps{
		Description: jsii.String("Tranche identity settings as JSON (" + strings.Join(SecretFields, ", ") +
			"); set the values with put-secret-value after the first deploy."),
		// The template gives the JSON its shape; "placeholder" is random
		// filler Secrets Manager requires when a template is used.
		GenerateSecretString: &awssecretsmanager.SecretStringGenerator{
			SecretStringTemplate: jsii.String("{" + strings.Join(fields, ",") + "}"),
			GenerateStringKey:    jsii.String("placeholder"),
		},
	})
}

// constructID turns a function name into a construct id: "offerings" → "Offerings".
func constructID(fn string) string {
	var b strings.Builder
	up := true
	for _, c := range fn {
		if c == '-' || c == '_' {
			up = true
			continue
		}
		if up && c >= 'a' && c <= 'z' {
			c -= 'a' - 'A'
		}
		up = false
		b.WriteRune(c)
	}
	return b.String()
}

func newFunction(stack awscdk.Stack, fn, dir string, isScheduled bool, props *Props,
	table awsdynamodb.Table, mail awsses.EmailIdentity, secret awssecretsmanager.Secret) awslambda.Function {
	id := constructID(fn)
	logs := awslogs.NewLogGroup(stack, jsii.String(id+"Logs"), &awslogs.LogGroupProps{
		Retention:     props.LogRetention,
		RemovalPolicy: awscdk.RemovalPolicy_RETAIN,
	})
	role := awsiam.NewRole(stack, jsii.String(id+"Role"), &awsiam.RoleProps{
		AssumedBy:   awsiam.NewServicePrincipal(jsii.String("lambda.amazonaws.com"), nil),
		Description: jsii.String("Tranche " + fn + " function"),
	})
	// Instead of the managed AWSLambdaBasicExecutionRole (which writes to
	// any log group): write to this function's own log group only.
	role.AddToPrincipalPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Actions:   jsii.Strings("logs:CreateLogStream", "logs:PutLogEvents"),
		Resources: &[]*string{logs.LogGroupArn()},
	}))

	env := map[string]*string{
		app.EnvTableName: table.TableName(),
		app.EnvLogLevel:  jsii.String(props.LogLevel),
	}
	acc := AccessFor(fn)
	if len(acc.Table) > 0 {
		resources := []*string{table.TableArn()}
		for _, ix := range store.Indexes {
			resources = append(resources, jsii.String(*table.TableArn()+"/index/"+ix.Name))
		}
		role.AddToPrincipalPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
			Actions:   jsii.Strings(acc.Table...),
			Resources: &resources,
		}))
	}
	if acc.Mail {
		env[app.EnvMailFrom] = jsii.String(props.MailFrom)
		role.AddToPrincipalPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
			Actions:   jsii.Strings(mailActions...),
			Resources: &[]*string{mail.EmailIdentityArn()},
		}))
	}
	if acc.Secret {
		env[EnvSecretsARN] = secret.SecretArn()
		role.AddToPrincipalPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
			Actions:   jsii.Strings(secretActions...),
			Resources: &[]*string{secret.SecretArn()},
		}))
	}

	timeout := apiTimeoutSeconds
	if isScheduled {
		timeout = scheduledTimeoutSeconds
	}
	// X-Ray has no resource-level permissions: active tracing's grant
	// (xray:PutTraceSegments, xray:PutTelemetryRecords) is on "*".
	cdknag.NagSuppressions_AddResourceSuppressions(role, &[]*cdknag.NagPackSuppression{{
		Id:        jsii.String("AwsSolutions-IAM5"),
		Reason:    jsii.String("X-Ray's PutTraceSegments and PutTelemetryRecords take no resource but *."),
		AppliesTo: &[]any{"Resource::*"},
	}}, jsii.Bool(true))
	return awslambda.NewFunction(stack, jsii.String(id+"Function"), &awslambda.FunctionProps{
		Description:  jsii.String("Tranche " + fn),
		Runtime:      awslambda.Runtime_PROVIDED_AL2023(),
		Architecture: awslambda.Architecture_ARM_64(),
		Handler:      jsii.String("bootstrap"),
		Code:         awslambda.Code_FromAsset(jsii.String(dir), nil),
		MemorySize:   jsii.Number(memoryMB),
		Timeout:      awscdk.Duration_Seconds(jsii.Number(float64(timeout))),
		Environment:  &env,
		Role:         role,
		LogGroup:     logs,
		// Each invocation's segment (cold start, duration, errors) in
		// X-Ray; HTTP APIs have no tracing of their own, so this is where
		// a request's trace starts.
		Tracing: awslambda.Tracing_ACTIVE,
	})
}

func newAPI(stack awscdk.Stack, props *Props, fns map[string]awslambda.Function) awsapigatewayv2.HttpApi {
	var cors *awsapigatewayv2.CorsPreflightOptions
	if len(props.CorsOrigins) > 0 {
		// API Gateway answers the preflight itself and adds the headers to
		// every response; the functions stay unaware of origins.
		cors = &awsapigatewayv2.CorsPreflightOptions{
			AllowOrigins: jsii.Strings(props.CorsOrigins...),
			AllowHeaders: jsii.Strings(CorsHeaders...),
			AllowMethods: &[]awsapigatewayv2.CorsHttpMethod{
				awsapigatewayv2.CorsHttpMethod_GET, awsapigatewayv2.CorsHttpMethod_HEAD,
				awsapigatewayv2.CorsHttpMethod_POST, awsapigatewayv2.CorsHttpMethod_PUT,
				awsapigatewayv2.CorsHttpMethod_PATCH, awsapigatewayv2.CorsHttpMethod_DELETE,
				awsapigatewayv2.CorsHttpMethod_OPTIONS,
			},
			// The app reads the request id to quote it in a support request.
			ExposeHeaders: jsii.Strings(httpapi.RequestIDHeader),
			MaxAge:        awscdk.Duration_Hours(jsii.Number(1)),
		}
	}
	api := awsapigatewayv2.NewHttpApi(stack, jsii.String("Api"), &awsapigatewayv2.HttpApiProps{
		Description:        jsii.String("Tranche HTTP API; routes generated from pkg/routes"),
		CreateDefaultStage: jsii.Bool(false),
		CorsPreflight:      cors,
	})
	accessLogs := awslogs.NewLogGroup(stack, jsii.String("ApiAccessLogs"), &awslogs.LogGroupProps{
		Retention:     props.LogRetention,
		RemovalPolicy: awscdk.RemovalPolicy_RETAIN,
	})
	stage := awsapigatewayv2.NewHttpStage(stack, jsii.String("DefaultStage"), &awsapigatewayv2.HttpStageProps{
		HttpApi:    api,
		StageName:  jsii.String("$default"),
		AutoDeploy: jsii.Bool(true),
		Throttle:   &awsapigatewayv2.ThrottleSettings{RateLimit: &props.ThrottleRate, BurstLimit: &props.ThrottleBurst},
	})
	stage.Node().DefaultChild().(awsapigatewayv2.CfnStage).SetAccessLogSettings(&awsapigatewayv2.CfnStage_AccessLogSettingsProperty{
		DestinationArn: accessLogs.LogGroupArn(),
		Format: jsii.String(`{"requestId":"$context.requestId","ip":"$context.identity.sourceIp",` +
			`"requestTime":"$context.requestTime","httpMethod":"$context.httpMethod","routeKey":"$context.routeKey",` +
			`"status":"$context.status","protocol":"$context.protocol","responseLength":"$context.responseLength",` +
			`"integrationError":"$context.integrationErrorMessage","latency":"$context.responseLatency"}`),
	})

	integrations := map[string]awsapigatewayv2integrations.HttpLambdaIntegration{}
	for _, fn := range routes.Functions() {
		// One invoke permission per function for the whole API, not one
		// per route: 230-odd routes would otherwise add as many
		// AWS::Lambda::Permission resources, and the stack would pass
		// CloudFormation's 500-resource limit (and each function's
		// 20 KB resource-policy limit). The function serves only the
		// routes its router knows; any other path answers 404.
		integrations[fn] = awsapigatewayv2integrations.NewHttpLambdaIntegration(
			jsii.String(constructID(fn)+"Integration"), fns[fn],
			&awsapigatewayv2integrations.HttpLambdaIntegrationProps{ScopePermissionToRoute: jsii.Bool(false)})
	}
	for _, r := range routes.All {
		method, path := GatewayRoute(r)
		awsapigatewayv2.NewHttpRoute(api, jsii.String("Route "+strings.ReplaceAll(r.Key(), "/", "|")), &awsapigatewayv2.HttpRouteProps{
			HttpApi:     api,
			RouteKey:    awsapigatewayv2.HttpRouteKey_With(jsii.String(path), awsapigatewayv2.HttpMethod(method)),
			Integration: integrations[r.Function],
		})
	}
	// Any other method or path goes to the schema function, which answers
	// as the path's own function would (httpapi.GatewayFallback): DRF's
	// 405 with Allow and OPTIONS on a known path, the 301 to the slashed
	// path, else 404; not API Gateway's bare 404. One $default route
	// rather than an ANY route per path keeps the stack well under
	// CloudFormation's 500 resources and API Gateway's 300 routes.
	awsapigatewayv2.NewHttpRoute(api, jsii.String("Route $default"), &awsapigatewayv2.HttpRouteProps{
		HttpApi:     api,
		RouteKey:    awsapigatewayv2.HttpRouteKey_DEFAULT(),
		Integration: integrations["schema"],
	})
	cdknag.NagSuppressions_AddResourceSuppressions(api, &[]*cdknag.NagPackSuppression{
		{Id: jsii.String("AwsSolutions-APIG4"), Reason: jsii.String(authReason)},
		{Id: jsii.String("AwsSolutions-COG4"), Reason: jsii.String(authReason)},
	}, jsii.Bool(true))
	return api
}

// GatewayRoute is the API Gateway route of a table route (see
// routes.Route.GatewayPath for why the trailing slash goes).
func GatewayRoute(r routes.Route) (method, path string) { return r.Method, r.GatewayPath() }

// TableKey is the route table key ("GET /api/offerings/{id}/") of an API
// Gateway route key, or "" if no route maps to it.
func TableKey(gatewayKey string) string {
	r, ok := routes.ByGatewayKey(gatewayKey)
	if !ok {
		return ""
	}
	return r.Key()
}

const authReason = "Every route authenticates in its function, per the route table's Auth: issuer API keys " +
	"(hash lookup in DynamoDB), Clerk session JWTs (JWKS), Svix signatures, or none for the public schema. " +
	"A gateway authorizer cannot answer with the DRF 401 bodies and WWW-Authenticate the contract requires."

// scheduledEvent is the EventBridge event shape the scheduled functions
// take (events.EventBridgeEvent), filled from Scheduler's context.
func scheduledEvent(fn string) map[string]any {
	return map[string]any{
		"version":     "0",
		"id":          *awsscheduler.ContextAttribute_ExecutionId(),
		"detail-type": "Scheduled Event",
		"source":      "aws.scheduler",
		"time":        *awsscheduler.ContextAttribute_ScheduledTime(),
		"resources":   []string{*awsscheduler.ContextAttribute_ScheduleArn()},
		"detail":      map[string]any{"function": fn},
	}
}

// hourly is the scheduled functions' schedule.
func hourly() awsscheduler.ScheduleExpression {
	return awsscheduler.ScheduleExpression_Cron(&awsscheduler.CronOptionsWithTimezone{Minute: jsii.String("0")})
}

// newSchedule invokes fn on expr (every says when, for people). Scheduler retries an invocation it could
// not deliver (throttling) and then puts the event on failures; Lambda
// retries a run that returned an error twice (a retry of the same
// scheduled time uses no attempt of a send) and then records it on
// failures too.
func newSchedule(stack awscdk.Stack, fn string, f awslambda.Function, failures awssqs.Queue, expr awsscheduler.ScheduleExpression, every string) {
	id := constructID(fn)
	f.ConfigureAsyncInvoke(&awslambda.EventInvokeConfigOptions{
		OnFailure:     awslambdadestinations.NewSqsDestination(failures),
		RetryAttempts: jsii.Number(2),
		MaxEventAge:   awscdk.Duration_Hours(jsii.Number(1)),
	})
	// Scheduler's role gets lambda:InvokeFunction on the function and
	// "<arn>:*" (CDK's grantInvoke always adds its versions and aliases).
	// The wildcard stays inside this one function.
	fnID := stack.GetLogicalId(f.Node().DefaultChild().(awscdk.CfnElement))
	cdknag.NagSuppressions_AddStackSuppressions(stack, &[]*cdknag.NagPackSuppression{{
		Id:        jsii.String("AwsSolutions-IAM5"),
		Reason:    jsii.String("EventBridge Scheduler may invoke the " + fn + " function's versions and aliases (<arn>:*), nothing else."),
		AppliesTo: &[]any{"Resource::<" + *fnID + ".Arn>:*"},
	}}, nil)
	awsscheduler.NewSchedule(stack, jsii.String(id+"Schedule"), &awsscheduler.ScheduleProps{
		Description: jsii.String("Tranche " + fn + ", " + every),
		Schedule:    expr,
		Target: awsschedulertargets.NewLambdaInvoke(f, &awsschedulertargets.ScheduleTargetBaseProps{
			Input:           awsscheduler.ScheduleTargetInput_FromObject(scheduledEvent(fn)),
			RetryAttempts:   jsii.Number(2),
			MaxEventAge:     awscdk.Duration_Hours(jsii.Number(1)),
			DeadLetterQueue: failures,
		}),
	})
}

// newAlarmTopic is the topic every alarm notifies. It is encrypted with a
// key of its own: CloudWatch cannot publish to a topic under the AWS
// managed SNS key, so the key's policy lets CloudWatch use it.
func newAlarmTopic(stack awscdk.Stack, email string) awssns.Topic {
	key := awskms.NewKey(stack, jsii.String("AlarmTopicKey"), &awskms.KeyProps{
		Description:       jsii.String("Tranche alarm topic"),
		EnableKeyRotation: jsii.Bool(true),
	})
	key.AddToResourcePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Principals: &[]awsiam.IPrincipal{awsiam.NewServicePrincipal(jsii.String("cloudwatch.amazonaws.com"), nil)},
		Actions:    jsii.Strings("kms:Decrypt", "kms:GenerateDataKey*"),
		Resources:  jsii.Strings("*"), // in a key policy, "*" is this key
	}), nil)
	topic := awssns.NewTopic(stack, jsii.String("AlarmTopic"), &awssns.TopicProps{
		DisplayName: jsii.String("Tranche alarms"),
		MasterKey:   key,
		EnforceSSL:  jsii.Bool(true),
	})
	if email != "" {
		topic.AddSubscription(awssnssubscriptions.NewEmailSubscription(jsii.String(email), nil))
	}
	return topic
}

// newFailureQueue holds the scheduled invocations that failed for good:
// the schedules' dead-letter queue and the functions' on-failure
// destination. An operator reads it to see which runs failed (the records
// themselves are re-driven with tranche mail retry); its depth is alarmed.
func newFailureQueue(stack awscdk.Stack, alarms awssns.Topic) awssqs.Queue {
	q := awssqs.NewQueue(stack, jsii.String("ScheduledFailures"), &awssqs.QueueProps{
		Encryption:      awssqs.QueueEncryption_SQS_MANAGED,
		EnforceSSL:      jsii.Bool(true),
		RetentionPeriod: awscdk.Duration_Days(jsii.Number(14)),
	})
	cdknag.NagSuppressions_AddResourceSuppressions(q, &[]*cdknag.NagPackSuppression{{
		Id:     jsii.String("AwsSolutions-SQS3"),
		Reason: jsii.String("This queue is itself the dead-letter queue of the schedules and the on-failure destination of the scheduled functions."),
	}}, nil)
	alarm := q.MetricApproximateNumberOfMessagesVisible(&awscloudwatch.MetricOptions{
		Period: awscdk.Duration_Minutes(jsii.Number(5)), Statistic: jsii.String("Maximum"),
	}).CreateAlarm(stack, jsii.String("ScheduledFailuresAlarm"), &awscloudwatch.CreateAlarmOptions{
		AlarmDescription:   jsii.String("Tranche scheduled functions: an invocation failed for good (see the ScheduledFailures queue)"),
		Threshold:          jsii.Number(1),
		EvaluationPeriods:  jsii.Number(1),
		ComparisonOperator: awscloudwatch.ComparisonOperator_GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
		TreatMissingData:   awscloudwatch.TreatMissingData_NOT_BREACHING,
	})
	alarm.AddAlarmAction(awscloudwatchactions.NewSnsAction(alarms))
	return q
}

// newDeadSendsAlarm fires when a run of fn records an e-mail dead (the
// EMF metric of package schedule); `tranche mail failed` lists them.
func newDeadSendsAlarm(stack awscdk.Stack, fn string, alarms awssns.Topic) {
	m := awscloudwatch.NewMetric(&awscloudwatch.MetricProps{
		Namespace:     jsii.String(schedule.MetricNamespace),
		MetricName:    jsii.String(schedule.MetricDeadSends),
		DimensionsMap: &map[string]*string{schedule.MetricDimension: jsii.String(fn)},
		Statistic:     jsii.String("Sum"),
		Period:        awscdk.Duration_Minutes(jsii.Number(5)),
	})
	alarm := m.CreateAlarm(stack, jsii.String(constructID(fn)+"DeadSendsAlarm"), &awscloudwatch.CreateAlarmOptions{
		AlarmDescription:   jsii.String("Tranche " + fn + ": e-mail recorded dead after its last attempt; see tranche mail failed"),
		Threshold:          jsii.Number(1),
		EvaluationPeriods:  jsii.Number(1),
		ComparisonOperator: awscloudwatch.ComparisonOperator_GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
		TreatMissingData:   awscloudwatch.TreatMissingData_NOT_BREACHING,
	})
	alarm.AddAlarmAction(awscloudwatchactions.NewSnsAction(alarms))
}

func newFunctionAlarms(stack awscdk.Stack, fn string, f awslambda.Function, alarms awssns.Topic) {
	id := constructID(fn)
	opts := &awscloudwatch.MetricOptions{Period: awscdk.Duration_Minutes(jsii.Number(5)), Statistic: jsii.String("Sum")}
	alarm := func(suffix string, m awscloudwatch.Metric, what string) {
		m.CreateAlarm(stack, jsii.String(id+suffix+"Alarm"), &awscloudwatch.CreateAlarmOptions{
			AlarmDescription:   jsii.String("Tranche " + fn + ": " + what + " in 5 minutes"),
			Threshold:          jsii.Number(1),
			EvaluationPeriods:  jsii.Number(1),
			ComparisonOperator: awscloudwatch.ComparisonOperator_GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
			TreatMissingData:   awscloudwatch.TreatMissingData_NOT_BREACHING,
		}).AddAlarmAction(awscloudwatchactions.NewSnsAction(alarms))
	}
	alarm("Errors", f.MetricErrors(opts), "invocation errors")
	alarm("Throttles", f.MetricThrottles(opts), "throttled invocations")
}

// tableOperations are the operations whose throttling the table alarm sums.
var tableOperations = []awsdynamodb.Operation{
	awsdynamodb.Operation_GET_ITEM, awsdynamodb.Operation_BATCH_GET_ITEM, awsdynamodb.Operation_QUERY,
	awsdynamodb.Operation_PUT_ITEM, awsdynamodb.Operation_UPDATE_ITEM, awsdynamodb.Operation_DELETE_ITEM,
	awsdynamodb.Operation_BATCH_WRITE_ITEM, awsdynamodb.Operation_TRANSACT_WRITE_ITEMS,
	awsdynamodb.Operation_TRANSACT_GET_ITEMS,
}

// newTableAlarm watches the table: throttled requests (on-demand capacity
// still has limits) and DynamoDB's own system errors (500s the SDK retried
// and may have surfaced as our 500s).
func newTableAlarm(stack awscdk.Stack, table awsdynamodb.Table, alarms awssns.Topic) {
	awscloudwatch.NewAlarm(stack, jsii.String("TableSystemErrorsAlarm"), &awscloudwatch.AlarmProps{
		Metric: table.MetricSystemErrorsForOperations(&awsdynamodb.SystemErrorsForOperationsMetricOptions{
			Operations: &tableOperations,
			Period:     awscdk.Duration_Minutes(jsii.Number(5)),
		}),
		AlarmDescription:   jsii.String("Tranche table: DynamoDB system errors in 5 minutes"),
		Threshold:          jsii.Number(1),
		EvaluationPeriods:  jsii.Number(1),
		ComparisonOperator: awscloudwatch.ComparisonOperator_GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
		TreatMissingData:   awscloudwatch.TreatMissingData_NOT_BREACHING,
	}).AddAlarmAction(awscloudwatchactions.NewSnsAction(alarms))
	m := table.MetricThrottledRequestsForOperations(&awsdynamodb.OperationsMetricOptions{
		Operations: &tableOperations,
		Period:     awscdk.Duration_Minutes(jsii.Number(5)),
	})
	awscloudwatch.NewAlarm(stack, jsii.String("TableThrottlesAlarm"), &awscloudwatch.AlarmProps{
		Metric:             m,
		AlarmDescription:   jsii.String("Tranche table: throttled requests in 5 minutes"),
		Threshold:          jsii.Number(1),
		EvaluationPeriods:  jsii.Number(1),
		ComparisonOperator: awscloudwatch.ComparisonOperator_GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
		TreatMissingData:   awscloudwatch.TreatMissingData_NOT_BREACHING,
	}).AddAlarmAction(awscloudwatchactions.NewSnsAction(alarms))
}

// newAPIAlarms watches what clients see, at API Gateway: the share of 5xx
// (a handler's 500, a function that failed or timed out) and the p99
// latency. The 5xx rate waits for ten requests in the period, so one failed
// request at night is the ServerErrors alarm's business, not a rate.
func newAPIAlarms(stack awscdk.Stack, api awsapigatewayv2.HttpApi, alarms awssns.Topic) {
	period := awscdk.Duration_Minutes(jsii.Number(5))
	sum := &awscloudwatch.MetricOptions{Period: period, Statistic: jsii.String("Sum")}
	rate := awscloudwatch.NewMathExpression(&awscloudwatch.MathExpressionProps{
		Expression: jsii.String("IF(requests >= 10, 100 * errors / requests, 0)"),
		UsingMetrics: &map[string]awscloudwatch.IMetric{
			"errors":   api.MetricServerError(sum),
			"requests": api.MetricCount(sum),
		},
		Label:  jsii.String("API 5xx %"),
		Period: period,
	})
	rate.CreateAlarm(stack, jsii.String("Api5xxRateAlarm"), &awscloudwatch.CreateAlarmOptions{
		AlarmDescription:   jsii.String("Tranche API: 5% or more of the requests answered 5xx in 5 minutes"),
		Threshold:          jsii.Number(5),
		EvaluationPeriods:  jsii.Number(1),
		ComparisonOperator: awscloudwatch.ComparisonOperator_GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
		TreatMissingData:   awscloudwatch.TreatMissingData_NOT_BREACHING,
	}).AddAlarmAction(awscloudwatchactions.NewSnsAction(alarms))
	// Functions stop at 15 s; 3 s at p99 for 15 minutes is a slow table,
	// a cold-start storm or a list that outgrew its cache.
	api.MetricLatency(&awscloudwatch.MetricOptions{Period: period, Statistic: jsii.String("p99")}).
		CreateAlarm(stack, jsii.String("ApiLatencyP99Alarm"), &awscloudwatch.CreateAlarmOptions{
			AlarmDescription:   jsii.String("Tranche API: p99 latency at or over 3 s for 15 minutes"),
			Threshold:          jsii.Number(3000),
			EvaluationPeriods:  jsii.Number(3),
			ComparisonOperator: awscloudwatch.ComparisonOperator_GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
			TreatMissingData:   awscloudwatch.TreatMissingData_NOT_BREACHING,
		}).AddAlarmAction(awscloudwatchactions.NewSnsAction(alarms))
}

// newServerErrorsAlarm fires on any 500 a function's handler answered (the
// EMF metric of package httpapi): the adapter turns it into a response, so
// Lambda's Errors metric never counts it, and nothing should ever be one.
func newServerErrorsAlarm(stack awscdk.Stack, fn string, alarms awssns.Topic) {
	awscloudwatch.NewMetric(&awscloudwatch.MetricProps{
		Namespace:     jsii.String(emf.Namespace),
		MetricName:    jsii.String(httpapi.MetricServerErrors),
		DimensionsMap: &map[string]*string{"Function": jsii.String(fn)},
		Statistic:     jsii.String("Sum"),
		Period:        awscdk.Duration_Minutes(jsii.Number(5)),
	}).CreateAlarm(stack, jsii.String(constructID(fn)+"ServerErrorsAlarm"), &awscloudwatch.CreateAlarmOptions{
		AlarmDescription:   jsii.String("Tranche " + fn + ": a handler answered 5xx in 5 minutes; find request_id in its log group"),
		Threshold:          jsii.Number(1),
		EvaluationPeriods:  jsii.Number(1),
		ComparisonOperator: awscloudwatch.ComparisonOperator_GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
		TreatMissingData:   awscloudwatch.TreatMissingData_NOT_BREACHING,
	}).AddAlarmAction(awscloudwatchactions.NewSnsAction(alarms))
}
