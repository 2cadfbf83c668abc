package stack

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdklabs/cdk-nag-go/cdknag/v2"

	"github.com/tranche-dev/tranche/pkg/routes"
	"github.com/tranche-dev/tranche/pkg/store"
)

// One synthesis serves every test: jsii starts a node process and a synth
// of the whole stack takes seconds, so it is done once and the template
// (and its JSON) shared.
var synth struct {
	once     sync.Once
	template assertions.Template
	json     map[string]any
	nagErrs  []string
	duration time.Duration
	err      error
}

type resource struct {
	Type           string         `json:"Type"`
	Properties     map[string]any `json:"Properties"`
	DeletionPolicy string         `json:"DeletionPolicy"`
	UpdateReplace  string         `json:"UpdateReplacePolicy"`
}

func synthesized(t *testing.T) (assertions.Template, map[string]resource) {
	t.Helper()
	synth.once.Do(func() {
		start := time.Now()
		ctx, err := cdkContext()
		if err != nil {
			synth.err = err
			return
		}
		app := awscdk.NewApp(&awscdk.AppProps{Context: &ctx})
		st, err := NewStack(app, "Tranche", &Props{Root: "../..", CorsOrigins: testCorsOrigins})
		if err != nil {
			synth.err = err
			return
		}
		awscdk.Aspects_Of(app).Add(cdknag.NewAwsSolutionsChecks(&cdknag.NagPackProps{Verbose: jsii.Bool(true)}), nil)
		synth.template = assertions.Template_FromStack(st, nil)
		synth.json = map[string]any{}
		for k, v := range *synth.template.ToJSON() {
			synth.json[k] = v
		}
		for _, m := range *assertions.Annotations_FromStack(st).FindError(jsii.String("*"),
			assertions.Match_StringLikeRegexp(jsii.String("AwsSolutions-.*"))) {
			b, _ := json.Marshal(m)
			synth.nagErrs = append(synth.nagErrs, string(b))
		}
		synth.duration = time.Since(start)
		RemovePlaceholder()
	})
	if synth.err != nil {
		t.Fatal(synth.err)
	}
	b, err := json.Marshal(synth.json["Resources"])
	if err != nil {
		t.Fatal(err)
	}
	var res map[string]resource
	if err := json.Unmarshal(b, &res); err != nil {
		t.Fatal(err)
	}
	return synth.template, res
}

// cdkContext is cdk.json's context, so the test synthesizes what `cdk
// synth` does (same feature flags).
func cdkContext() (map[string]any, error) {
	b, err := os.ReadFile(filepath.Join("..", "..", "cdk.json"))
	if err != nil {
		return nil, err
	}
	var c struct {
		Context map[string]any `json:"context"`
	}
	return c.Context, json.Unmarshal(b, &c)
}

func ofType(res map[string]resource, typ string) map[string]resource {
	out := map[string]resource{}
	for id, r := range res {
		if r.Type == typ {
			out[id] = r
		}
	}
	return out
}

// functionIDs maps each function name to its AWS::Lambda::Function logical id.
func functionIDs(t *testing.T, res map[string]resource) map[string]string {
	t.Helper()
	out := map[string]string{}
	for id, r := range ofType(res, "AWS::Lambda::Function") {
		desc, _ := r.Properties["Description"].(string)
		fn, ok := strings.CutPrefix(desc, "Tranche ")
		if !ok {
			t.Fatalf("function %s has no Tranche description", id)
		}
		out[fn] = id
	}
	return out
}

// refID is the logical id a {"Ref": id} or {"Fn::GetAtt": [id, attr]} names.
func refID(v any) string {
	m, ok := v.(map[string]any)
	if !ok {
		return ""
	}
	if s, ok := m["Ref"].(string); ok {
		return s
	}
	if a, ok := m["Fn::GetAtt"].([]any); ok && len(a) > 0 {
		s, _ := a[0].(string)
		return s
	}
	return ""
}

func strs(v any) []string {
	switch x := v.(type) {
	case string:
		return []string{x}
	case []any:
		var out []string
		for _, e := range x {
			out = append(out, strs(e)...)
		}
		return out
	}
	return nil
}

func TestTable(t *testing.T) {
	tpl, res := synthesized(t)
	tables := ofType(res, "AWS::DynamoDB::Table")
	if len(tables) != 1 {
		t.Fatalf("%d tables, want 1", len(tables))
	}
	var gsis []any
	for _, ix := range store.Indexes {
		gsis = append(gsis, map[string]any{
			"IndexName": ix.Name,
			"KeySchema": []any{
				map[string]any{"AttributeName": ix.PK, "KeyType": "HASH"},
				map[string]any{"AttributeName": ix.SK, "KeyType": "RANGE"},
			},
			"Projection": map[string]any{"ProjectionType": "ALL"},
		})
	}
	tpl.HasResourceProperties(jsii.String("AWS::DynamoDB::Table"), &map[string]any{
		"KeySchema": []any{
			map[string]any{"AttributeName": store.AttrPK, "KeyType": "HASH"},
			map[string]any{"AttributeName": store.AttrSK, "KeyType": "RANGE"},
		},
		"BillingMode":                      "PAY_PER_REQUEST",
		"PointInTimeRecoverySpecification": map[string]any{"PointInTimeRecoveryEnabled": true},
		"DeletionProtectionEnabled":        true,
		"TimeToLiveSpecification":          map[string]any{"AttributeName": store.AttrTTL, "Enabled": true},
		"StreamSpecification":              map[string]any{"StreamViewType": "NEW_AND_OLD_IMAGES"},
		"GlobalSecondaryIndexes":           gsis,
	})
	for id, tb := range tables {
		if tb.DeletionPolicy != "Retain" || tb.UpdateReplace != "Retain" {
			t.Errorf("table %s: DeletionPolicy %q UpdateReplacePolicy %q, want Retain", id, tb.DeletionPolicy, tb.UpdateReplace)
		}
		defs := map[string]string{}
		for _, d := range tb.Properties["AttributeDefinitions"].([]any) {
			m := d.(map[string]any)
			defs[m["AttributeName"].(string)] = m["AttributeType"].(string)
		}
		want := map[string]string{store.AttrPK: "S", store.AttrSK: "S"}
		for _, ix := range store.Indexes {
			want[ix.PK], want[ix.SK] = "S", "S"
		}
		if !reflect.DeepEqual(defs, want) {
			t.Errorf("attribute definitions %v, want %v", defs, want)
		}
	}
}

func TestFunctions(t *testing.T) {
	_, res := synthesized(t)
	ids := functionIDs(t, res)
	var got []string
	for fn := range ids {
		got = append(got, fn)
	}
	sort.Strings(got)
	want := append([]string(nil), Functions()...)
	sort.Strings(want)
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("functions %v, want %v (routes.Functions() + routes.Scheduled)", got, want)
	}
	for _, fn := range want {
		t.Run(fn, func(t *testing.T) {
			p := res[ids[fn]].Properties
			if p["Runtime"] != "provided.al2023" || p["Handler"] != "bootstrap" {
				t.Errorf("runtime %v handler %v", p["Runtime"], p["Handler"])
			}
			if a := strs(p["Architectures"]); !reflect.DeepEqual(a, []string{"arm64"}) {
				t.Errorf("architectures %v", a)
			}
			if _, ok := p["LoggingConfig"].(map[string]any)["LogGroup"]; !ok {
				t.Errorf("no log group: %v", p["LoggingConfig"])
			}
			env := p["Environment"].(map[string]any)["Variables"].(map[string]any)
			if refID(env["TABLE_NAME"]) == "" {
				t.Errorf("TABLE_NAME %v, want a Ref to the table", env["TABLE_NAME"])
			}
			_, hasSecret := env[EnvSecretsARN]
			if hasSecret != AccessFor(fn).Secret {
				t.Errorf("%s set: %v, want %v", EnvSecretsARN, hasSecret, AccessFor(fn).Secret)
			}
			if _, ok := p["ReservedConcurrentExecutions"]; ok {
				t.Error("reserved concurrency is the operator's choice")
			}
		})
	}
	// Log groups of the functions (and the API's access logs) have a retention.
	for id, lg := range ofType(res, "AWS::Logs::LogGroup") {
		if lg.Properties["RetentionInDays"] == nil {
			t.Errorf("log group %s has no retention", id)
		}
	}
}

// TestRoutesEqualRouteTable: the template's route keys, mapped back with
// TableKey (API Gateway's form of a trailing slash, see GatewayRoute), are
// exactly routes.All's keys, each going to its own function.
func TestRoutesEqualRouteTable(t *testing.T) {
	_, res := synthesized(t)
	fnIDs := functionIDs(t, res)
	// integration logical id → function logical id
	integrationFn := map[string]string{}
	for id, in := range ofType(res, "AWS::ApiGatewayV2::Integration") {
		integrationFn[id] = refID(in.Properties["IntegrationUri"])
	}
	got := map[string]string{} // route key → function logical id
	defaultFn := ""            // the $default route's function
	for id, r := range ofType(res, "AWS::ApiGatewayV2::Route") {
		key, _ := r.Properties["RouteKey"].(string)
		if _, dup := got[key]; dup {
			t.Errorf("route %q twice", key)
		}
		target := ""
		if j, ok := r.Properties["Target"].(map[string]any)["Fn::Join"].([]any); ok && len(j) == 2 {
			for _, part := range j[1].([]any) {
				if s := refID(part); s != "" {
					target = s
				}
			}
		}
		if target == "" {
			t.Errorf("route %s (%q) has no integration target", id, key)
		}
		if strings.HasSuffix(key, "/") {
			t.Errorf("route key %q ends in a slash, which API Gateway refuses", key)
		}
		if strings.HasPrefix(key, "ANY ") {
			t.Errorf("route %q: other methods go to $default (httpapi.GatewayFallback), not an ANY route per path", key)
			continue
		}
		if key == "$default" {
			defaultFn = integrationFn[target]
			continue
		}
		got[TableKey(key)] = integrationFn[target]
	}
	want := map[string]string{}
	for _, r := range routes.All {
		want[r.Key()] = fnIDs[r.Function]
	}
	// Any other method or path: the schema function's GatewayFallback
	// answers as the path's own function would (DRF's 405, 301, 404).
	if defaultFn != fnIDs["schema"] {
		t.Errorf("$default route goes to %q, want the schema function %q", defaultFn, fnIDs["schema"])
	}
	if !reflect.DeepEqual(keys(got), keys(want)) {
		t.Fatalf("route keys differ from routes.All\n got %v\nwant %v", keys(got), keys(want))
	}
	for k, fn := range want {
		if got[k] != fn {
			t.Errorf("%s goes to %s, want %s", k, got[k], fn)
		}
	}
	stages := ofType(res, "AWS::ApiGatewayV2::Stage")
	if len(stages) != 1 {
		t.Fatalf("%d stages, want 1", len(stages))
	}
	for _, s := range stages {
		if s.Properties["StageName"] != "$default" || s.Properties["AutoDeploy"] != true {
			t.Errorf("stage %v auto-deploy %v", s.Properties["StageName"], s.Properties["AutoDeploy"])
		}
		if s.Properties["AccessLogSettings"] == nil {
			t.Error("stage has no access logs")
		}
	}
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

var logActions = []string{"logs:CreateLogStream", "logs:PutLogEvents"}

// xrayActions are active tracing's grant, on "*" (X-Ray has no resources).
var xrayActions = []string{"xray:PutTelemetryRecords", "xray:PutTraceSegments"}

func isXRay(actions []string) bool {
	for _, a := range actions {
		if !strings.HasPrefix(a, "xray:") {
			return false
		}
	}
	return len(actions) > 0
}

// pinned are today's groups with the grants written out, so a change to
// the derivation in access.go shows up here as a diff, not silently.
var pinned = map[string][]string{
	"schema": {},
	"offerings": {"dynamodb:BatchGetItem", "dynamodb:BatchWriteItem", "dynamodb:ConditionCheckItem",
		"dynamodb:DeleteItem", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query", "dynamodb:UpdateItem",
		"secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue",
		"ses:SendEmail"}, // issue 16: the Reg CF early-close and material-change notices
	"reminders": {"dynamodb:BatchGetItem", "dynamodb:BatchWriteItem", "dynamodb:ConditionCheckItem",
		"dynamodb:DeleteItem", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query", "dynamodb:UpdateItem",
		"ses:SendEmail"},
}

func TestPolicies(t *testing.T) {
	_, res := synthesized(t)
	fnIDs := functionIDs(t, res)
	roleOf := map[string]string{} // role logical id → function
	for fn, id := range fnIDs {
		roleOf[refID(res[id].Properties["Role"])] = fn
	}
	actions := map[string]map[string]bool{}
	resources := map[string][]string{} // function → JSON of non-log resources
	for id, p := range ofType(res, "AWS::IAM::Policy") {
		doc := p.Properties["PolicyDocument"].(map[string]any)
		for _, role := range p.Properties["Roles"].([]any) {
			fn, ok := roleOf[refID(role)]
			if !ok {
				continue
			}
			if actions[fn] == nil {
				actions[fn] = map[string]bool{}
			}
			for _, st := range doc["Statement"].([]any) {
				s := st.(map[string]any)
				if s["Effect"] != "Allow" {
					t.Errorf("policy %s: effect %v", id, s["Effect"])
				}
				for _, a := range strs(s["Action"]) {
					actions[fn][a] = true
				}
				if isXRay(strs(s["Action"])) {
					continue // on "*" by necessity
				}
				b, _ := json.Marshal(s["Resource"])
				resources[fn] = append(resources[fn], string(b))
			}
		}
	}
	for id, r := range ofType(res, "AWS::IAM::Role") {
		if r.Properties["ManagedPolicyArns"] != nil {
			t.Errorf("role %s has managed policies %v", id, r.Properties["ManagedPolicyArns"])
		}
	}
	for _, fn := range Functions() {
		t.Run(fn, func(t *testing.T) {
			want := append(append(AccessFor(fn).Actions(), logActions...), xrayActions...)
			if p, ok := pinned[fn]; ok {
				want = append(append(append([]string(nil), p...), logActions...), xrayActions...)
			}
			for _, s := range append(append([]string(nil), routes.Scheduled...), routes.Queued...) {
				if s == fn {
					want = append(want, failureActions...)
				}
			}
			sort.Strings(want)
			want = dedupe(want)
			got := keys(actions[fn])
			if !reflect.DeepEqual(got, want) {
				t.Errorf("actions\n got %v\nwant %v", got, want)
			}
			for _, a := range got {
				if strings.Contains(a, "*") || a == "dynamodb:Scan" {
					t.Errorf("action %q is not allowed", a)
				}
			}
			for _, r := range resources[fn] {
				if strings.Contains(r, `"*"`) {
					t.Errorf("wildcard resource %s", r)
				}
			}
			if AccessFor(fn).Mail != mailers[fn] {
				t.Errorf("mail %v", AccessFor(fn).Mail)
			}
		})
	}
}

func TestSchedules(t *testing.T) {
	_, res := synthesized(t)
	fnIDs := functionIDs(t, res)
	got := map[string]string{} // function logical id → expression
	for _, s := range ofType(res, "AWS::Scheduler::Schedule") {
		target := s.Properties["Target"].(map[string]any)
		got[refID(target["Arn"])] = s.Properties["ScheduleExpression"].(string)
		var input map[string]any
		if err := json.Unmarshal([]byte(target["Input"].(string)), &input); err != nil {
			t.Errorf("schedule input is not JSON: %v", err)
		} else if input["detail-type"] != "Scheduled Event" {
			t.Errorf("schedule input %v is not an EventBridge event", input)
		}
	}
	if len(got) != len(routes.Scheduled)+len(routes.Queued) {
		t.Errorf("%d schedules, want %d", len(got), len(routes.Scheduled)+len(routes.Queued))
	}
	for _, fn := range routes.Queued {
		if e := got[fnIDs[fn]]; e != "rate(5 minutes)" {
			t.Errorf("%s: schedule %q, want a sweep every 5 minutes", fn, e)
		}
	}
	for _, fn := range routes.Scheduled {
		if e := got[fnIDs[fn]]; e != "cron(0 * * * ? *)" {
			t.Errorf("%s: schedule %q, want hourly", fn, e)
		}
	}
}

func TestAlarms(t *testing.T) {
	_, res := synthesized(t)
	fnIDs := functionIDs(t, res)
	type alarm struct{ fn, metric string }
	seen := map[alarm]bool{}
	tableAlarm := false
	for _, a := range ofType(res, "AWS::CloudWatch::Alarm") {
		p := a.Properties
		if name, ok := p["MetricName"].(string); ok {
			for _, d := range p["Dimensions"].([]any) {
				dm := d.(map[string]any)
				if dm["Name"] == "FunctionName" {
					seen[alarm{refID(dm["Value"]), name}] = true
				}
			}
			continue
		}
		b, _ := json.Marshal(p["Metrics"])
		if strings.Contains(string(b), `"ThrottledRequests"`) {
			tableAlarm = true
		}
	}
	for fn, id := range fnIDs {
		for _, m := range []string{"Errors", "Throttles"} {
			if !seen[alarm{id, m}] {
				t.Errorf("%s: no %s alarm", fn, m)
			}
		}
	}
	if !tableAlarm {
		t.Error("no alarm on the table's throttled requests")
	}
}

func TestIdentityResources(t *testing.T) {
	tpl, res := synthesized(t)
	tpl.HasResourceProperties(jsii.String("AWS::SES::EmailIdentity"), &map[string]any{"EmailIdentity": DefaultMailFrom})
	secrets := ofType(res, "AWS::SecretsManager::Secret")
	if len(secrets) != 2 {
		t.Fatalf("%d secrets, want 2 (identity, document link key)", len(secrets))
	}
	for id := range secrets {
		if strings.HasPrefix(id, "DocumentLinkKey") {
			delete(secrets, id) // TestDocuments
		}
	}
	for _, s := range secrets {
		tmpl := s.Properties["GenerateSecretString"].(map[string]any)["SecretStringTemplate"].(string)
		var fields map[string]string
		if err := json.Unmarshal([]byte(tmpl), &fields); err != nil {
			t.Fatalf("secret template %q: %v", tmpl, err)
		}
		if !reflect.DeepEqual(keys(fields), func() []string { s := append([]string(nil), SecretFields...); sort.Strings(s); return s }()) {
			t.Errorf("secret fields %v, want %v", keys(fields), SecretFields)
		}
	}
}

func TestNag(t *testing.T) {
	synthesized(t)
	for _, e := range synth.nagErrs {
		t.Error(e)
	}
	t.Logf("synth with cdk-nag took %s", synth.duration)
}

// TestScheduledFailures pins what keeps scheduled mail from being lost:
// the schedules' dead-letter queue and the functions' on-failure
// destination (one queue), Lambda's retries, a DeadSends alarm per
// scheduled function on package schedule's EMF metric, and every alarm
// notifying the alarm topic.
func TestScheduledFailures(t *testing.T) {
	_, res := synthesized(t)
	fnIDs := functionIDs(t, res)
	var queueID string
	for id := range ofType(res, "AWS::SQS::Queue") {
		if strings.HasPrefix(id, "ScheduledFailures") {
			if queueID != "" {
				t.Fatalf("two ScheduledFailures queues")
			}
			queueID = id
		}
	}
	if queueID == "" {
		t.Fatalf("no ScheduledFailures queue")
	}
	for _, s := range ofType(res, "AWS::Scheduler::Schedule") {
		target := s.Properties["Target"].(map[string]any)
		dlq, _ := target["DeadLetterConfig"].(map[string]any)
		if dlq == nil || refID(dlq["Arn"]) != queueID {
			t.Errorf("schedule of %s: dead-letter config %v, want the queue %s", refID(target["Arn"]), dlq, queueID)
		}
	}
	for _, fn := range routes.Scheduled {
		env := res[fnIDs[fn]].Properties["Environment"].(map[string]any)["Variables"].(map[string]any)
		if _, ok := env["PUBLIC_API_URL"]; !ok {
			t.Errorf("%s: no PUBLIC_API_URL for the unsubscribe links", fn)
		}
	}
	configs := map[string]map[string]any{} // function logical id → event invoke config
	for _, c := range ofType(res, "AWS::Lambda::EventInvokeConfig") {
		configs[refID(c.Properties["FunctionName"])] = c.Properties
	}
	for _, fn := range append(append([]string(nil), routes.Scheduled...), routes.Queued...) {
		c := configs[fnIDs[fn]]
		if c == nil {
			t.Errorf("%s: no event invoke config", fn)
			continue
		}
		onFailure := c["DestinationConfig"].(map[string]any)["OnFailure"].(map[string]any)
		if refID(onFailure["Destination"]) != queueID || c["MaximumRetryAttempts"] != float64(2) {
			t.Errorf("%s: event invoke config %v", fn, c)
		}
	}

	topics := ofType(res, "AWS::SNS::Topic")
	if len(topics) != 1 {
		t.Fatalf("%d topics, want the alarm topic", len(topics))
	}
	var topicID string
	for id := range topics {
		topicID = id
	}
	dead := map[string]bool{}
	for id, a := range ofType(res, "AWS::CloudWatch::Alarm") {
		actions, _ := a.Properties["AlarmActions"].([]any)
		if len(actions) != 1 || refID(actions[0]) != topicID {
			t.Errorf("alarm %s: actions %v, want the alarm topic", id, actions)
		}
		if a.Properties["MetricName"] == "DeadSends" && a.Properties["Namespace"] == "Tranche" {
			for _, d := range a.Properties["Dimensions"].([]any) {
				dm := d.(map[string]any)
				if dm["Name"] == "Function" {
					dead[dm["Value"].(string)] = true
				}
			}
		}
	}
	for _, fn := range routes.Scheduled {
		if !dead[fn] {
			t.Errorf("%s: no DeadSends alarm", fn)
		}
	}
}

var testCorsOrigins = []string{"https://app.example.com", "https://admin.example.com"}

// TestObservability: the API is alarmed where clients feel it (5xx rate and
// p99 latency at API Gateway), every API function on the handler 500s its
// EMF metric counts, the table on system errors; every function traces.
// TestScheduledFailures checks each alarm notifies the alarm topic.
func TestObservability(t *testing.T) {
	_, res := synthesized(t)
	var rate, p99, sysErrs bool
	serverErrors := map[string]bool{}
	for id, a := range ofType(res, "AWS::CloudWatch::Alarm") {
		p := a.Properties
		b, _ := json.Marshal(p["Metrics"])
		m := string(b)
		switch {
		case strings.Contains(m, `"MetricName":"5xx"`) && strings.Contains(m, `"MetricName":"Count"`) && strings.Contains(m, `"Namespace":"AWS/ApiGateway"`):
			rate = p["Threshold"] == float64(5)
			if !strings.Contains(m, "100 * errors / requests") {
				t.Errorf("alarm %s: 5xx rate expression %s", id, m)
			}
		case p["MetricName"] == "Latency" && p["Namespace"] == "AWS/ApiGateway":
			p99 = p["ExtendedStatistic"] == "p99" && p["Threshold"] == float64(3000)
		case strings.Contains(m, `"MetricName":"SystemErrors"`) && strings.Contains(m, `"Namespace":"AWS/DynamoDB"`):
			sysErrs = true
		case p["MetricName"] == "ServerErrors" && p["Namespace"] == "Tranche":
			for _, d := range p["Dimensions"].([]any) {
				if dm := d.(map[string]any); dm["Name"] == "Function" {
					serverErrors[dm["Value"].(string)] = true
				}
			}
		}
	}
	if !rate || !p99 || !sysErrs {
		t.Errorf("alarms: API 5xx rate %v, API p99 latency %v, table system errors %v", rate, p99, sysErrs)
	}
	for _, fn := range routes.Functions() {
		if !serverErrors[fn] {
			t.Errorf("%s: no ServerErrors alarm", fn)
		}
	}
	for fn, id := range functionIDs(t, res) {
		if tc, _ := res[id].Properties["TracingConfig"].(map[string]any); tc["Mode"] != "Active" {
			t.Errorf("%s: tracing %v, want Active", fn, tc)
		}
	}
}

// TestAPIEdge: CORS allows the configured origins and the headers a browser
// app sends (Clerk's bearer token, JSON, Idempotency-Key) and exposes the
// request id; the stage is throttled at the defaults.
func TestAPIEdge(t *testing.T) {
	_, res := synthesized(t)
	apis := ofType(res, "AWS::ApiGatewayV2::Api")
	if len(apis) != 1 {
		t.Fatalf("%d APIs", len(apis))
	}
	for _, api := range apis {
		cors, _ := api.Properties["CorsConfiguration"].(map[string]any)
		if cors == nil {
			t.Fatal("no CORS configuration")
		}
		if got := strs(cors["AllowOrigins"]); !reflect.DeepEqual(got, testCorsOrigins) {
			t.Errorf("origins %v, want %v", got, testCorsOrigins)
		}
		if got := strs(cors["AllowHeaders"]); !reflect.DeepEqual(got, []string{"Authorization", "Content-Type", "Idempotency-Key"}) {
			t.Errorf("headers %v", got)
		}
		if got := strs(cors["ExposeHeaders"]); !reflect.DeepEqual(got, []string{"X-Request-Id"}) {
			t.Errorf("exposed headers %v", got)
		}
		if cors["AllowCredentials"] == true {
			t.Error("credentials allowed: sessions travel in Authorization, not cookies")
		}
	}
	stages := ofType(res, "AWS::ApiGatewayV2::Stage")
	if len(stages) != 1 {
		t.Fatalf("%d stages", len(stages))
	}
	for _, st := range stages {
		d, _ := st.Properties["DefaultRouteSettings"].(map[string]any)
		if d["ThrottlingRateLimit"] != float64(DefaultThrottleRate) || d["ThrottlingBurstLimit"] != float64(DefaultThrottleBurst) {
			t.Errorf("stage route settings %v, want rate %d burst %d", d, DefaultThrottleRate, DefaultThrottleBurst)
		}
	}
}

func TestStackID(t *testing.T) {
	for env, want := range map[string]string{"": "Tranche-dev", "dev": "Tranche-dev", "prod": "Tranche-prod", "staging-2": "Tranche-staging-2"} {
		if got, err := StackID(env); err != nil || got != want {
			t.Errorf("StackID(%q) = %q, %v; want %q", env, got, err, want)
		}
	}
	for _, env := range []string{"Prod", "prod_1", "-x", "x-", "a b", strings.Repeat("x", 33)} {
		if got, err := StackID(env); err == nil {
			t.Errorf("StackID(%q) = %q, want an error", env, got)
		}
	}
}

// TestDocuments (issue 13): the bucket is private, encrypted, TLS-only and
// expires exports/; the documents queue has its dead-letter queue and the
// queued function its SQS trigger (partial batch failures) and sweep; the
// link key is generated; each grant sits on its own resource.
func TestDocuments(t *testing.T) {
	tpl, res := synthesized(t)
	fnIDs := functionIDs(t, res)
	tpl.HasResourceProperties(jsii.String("AWS::S3::Bucket"), &map[string]any{
		"PublicAccessBlockConfiguration": map[string]any{
			"BlockPublicAcls": true, "BlockPublicPolicy": true, "IgnorePublicAcls": true, "RestrictPublicBuckets": true,
		},
		"BucketEncryption": map[string]any{"ServerSideEncryptionConfiguration": []any{
			map[string]any{"ServerSideEncryptionByDefault": map[string]any{"SSEAlgorithm": "AES256"}},
		}},
		"LifecycleConfiguration": map[string]any{"Rules": []any{assertions.Match_ObjectLike(&map[string]any{
			"Prefix": "exports/", "ExpirationInDays": exportsExpireDays, "Status": "Enabled",
		})}},
	})
	buckets := ofType(res, "AWS::S3::Bucket")
	if len(buckets) != 1 {
		t.Fatalf("%d buckets, want 1", len(buckets))
	}
	var bucketID string
	for id, b := range buckets {
		bucketID = id
		if b.DeletionPolicy != "Retain" {
			t.Errorf("bucket deletion policy %q", b.DeletionPolicy)
		}
	}
	tlsOnly := false
	for _, p := range ofType(res, "AWS::S3::BucketPolicy") {
		b, _ := json.Marshal(p.Properties)
		tlsOnly = tlsOnly || strings.Contains(string(b), `"aws:SecureTransport":"false"`)
	}
	if !tlsOnly {
		t.Error("the bucket accepts plain HTTP")
	}

	var queueID, dlqID string
	for id := range ofType(res, "AWS::SQS::Queue") {
		switch {
		case strings.HasPrefix(id, "DocumentsQueue"):
			queueID = id
		case strings.HasPrefix(id, "DocumentsDeadLetters"):
			dlqID = id
		}
	}
	q := res[queueID].Properties
	redrive, _ := q["RedrivePolicy"].(map[string]any)
	if redrive == nil || refID(redrive["deadLetterTargetArn"]) != dlqID || redrive["maxReceiveCount"] != float64(documentsMaxReceives) {
		t.Errorf("documents queue redrive %v", q["RedrivePolicy"])
	}
	if q["VisibilityTimeout"] != float64(6*scheduledTimeoutSeconds) {
		t.Errorf("visibility timeout %v", q["VisibilityTimeout"])
	}
	sources := 0
	for _, m := range ofType(res, "AWS::Lambda::EventSourceMapping") {
		sources++
		p := m.Properties
		if refID(p["EventSourceArn"]) != queueID || refID(p["FunctionName"]) != fnIDs["documents"] {
			t.Errorf("event source %v", p)
		}
		if types := strs(p["FunctionResponseTypes"]); len(types) != 1 || types[0] != "ReportBatchItemFailures" {
			t.Errorf("event source response types %v", types)
		}
	}
	if sources != len(routes.Queued) {
		t.Errorf("%d event sources, want %d", sources, len(routes.Queued))
	}

	// Grants: objects on w9/* of this bucket only; the queue's URL and the
	// link key's ARN where the access says.
	for _, fn := range Functions() {
		acc := AccessFor(fn)
		env := res[fnIDs[fn]].Properties["Environment"].(map[string]any)["Variables"].(map[string]any)
		if _, ok := env[EnvBlobBucket]; ok != (len(acc.Objects) > 0 || len(acc.Exports) > 0) {
			t.Errorf("%s: %s set %v", fn, EnvBlobBucket, ok)
		}
		if _, ok := env["DOCUMENTS_QUEUE_URL"]; ok != acc.Enqueue {
			t.Errorf("%s: DOCUMENTS_QUEUE_URL set %v", fn, ok)
		}
		if _, ok := env["DOCUMENT_LINK_SECRET_ARN"]; ok != acc.LinkKey {
			t.Errorf("%s: DOCUMENT_LINK_SECRET_ARN set %v", fn, ok)
		}
	}
	for _, p := range ofType(res, "AWS::IAM::Policy") {
		b, _ := json.Marshal(p.Properties["PolicyDocument"])
		doc := string(b)
		if strings.Contains(doc, `"s3:`) && !strings.Contains(doc, bucketID) {
			t.Errorf("an S3 grant not on the documents bucket: %s", doc)
		}
		if strings.Contains(doc, `"s3:`) && !strings.Contains(doc, "/w9/*") && !strings.Contains(doc, "/exports/*") {
			t.Errorf("an S3 grant beyond w9/ and exports/: %s", doc)
		}
	}
	if len(AccessFor("users").Exports) == 0 {
		t.Errorf("users: no grant on exports/ for its large exports")
	}
	if !AccessFor("documents").Consume || len(AccessFor("documents-web").Objects) != 1 {
		t.Errorf("documents %+v, documents-web %+v", AccessFor("documents"), AccessFor("documents-web"))
	}
}

// TestResourceBudget keeps the stack under CloudFormation's 500 resources
// with room to grow: API Gateway routes are one resource each, so every
// function's invoke permission must cover its routes at once, not one
// permission per route (which passed the limit at 234 routes).
func TestResourceBudget(t *testing.T) {
	_, res := synthesized(t)
	if n := len(res); n > 450 {
		t.Errorf("%d resources in the stack; CloudFormation allows 500: split the routes or nest a stack", n)
	}
	perms := 0
	for _, p := range ofType(res, "AWS::Lambda::Permission") {
		if p.Properties["Principal"] == "apigateway.amazonaws.com" {
			perms++
		}
	}
	if want := len(routes.Functions()); perms != want {
		t.Errorf("%d API Gateway invoke permissions, want one per API function (%d)", perms, want)
	}
	t.Logf("%d resources, %d routes", len(res), len(ofType(res, "AWS::ApiGatewayV2::Route")))
}
