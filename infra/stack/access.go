package stack

import (
	"sort"

	"github.com/tranche-dev/tranche/pkg/routes"
)

// DynamoDB actions by level. Transactions have no IAM action of their own:
// TransactWriteItems is authorised as the PutItem, UpdateItem, DeleteItem
// and ConditionCheckItem of its items, TransactGetItems as GetItem. Scan is
// never granted: no request path scans (DESIGN.md, Storage).
var (
	readActions = []string{
		"dynamodb:BatchGetItem",
		"dynamodb:ConditionCheckItem",
		"dynamodb:GetItem",
		"dynamodb:Query",
	}
	// keyAuthActions is what authenticating an issuer API key writes: the
	// key's last-used time (DESIGN.md, Auth and tenancy).
	keyAuthActions = []string{"dynamodb:UpdateItem"}
	writeActions   = []string{
		"dynamodb:BatchWriteItem",
		"dynamodb:DeleteItem",
		"dynamodb:PutItem",
		"dynamodb:UpdateItem",
	}
	mailActions = []string{"ses:SendEmail"}
	// failureActions are what a scheduled function's role gets on the
	// ScheduledFailures queue only: Lambda sends a failed invocation's
	// record to its on-failure destination with the function's role.
	failureActions = []string{"sqs:GetQueueAttributes", "sqs:GetQueueUrl", "sqs:SendMessage"}
	secretActions  = []string{"secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue"}

	// Documents (issue 13, documents.go). enqueueActions on the documents
	// queue; consumeActions are what Lambda's SQS event source grants the
	// queued function on it.
	enqueueActions = []string{"sqs:GetQueueAttributes", "sqs:GetQueueUrl", "sqs:SendMessage"}
	consumeActions = []string{"sqs:ChangeMessageVisibility", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:GetQueueUrl", "sqs:ReceiveMessage"}
)

// documentsPrefix is the key prefix of the W-9 PDFs (documents.ObjectKey);
// the grants below are on it only.
const documentsPrefix = "w9/"

// documentObjects are the S3 actions a function gets on the W-9 PDFs: the
// worker writes and reads them, the signing page presigns reads.
var documentObjects = map[string][]string{
	"documents":     {"s3:GetObject", "s3:PutObject"},
	"documents-web": {"s3:GetObject"},
}

// documentEnqueuers send the documents queue a message per job they
// enqueue (the profiles routes); linkSigners build or verify the signing
// page's links and read the generated link key.
var (
	documentEnqueuers = map[string]bool{"profiles": true}
	linkSigners       = map[string]bool{"profiles": true, "documents-web": true}
)

// noTable lists the functions that never touch the table.
var noTable = map[string]bool{"schema": true}

// mailers lists the functions that send e-mail through SES.
var mailers = map[string]bool{"invitations": true, "workspaces": true, "reminders": true, "summaries": true, "offerings": true} // offerings: the Reg CF early-close and material-change notices

// Access is what one function may do. It is derived from the route table,
// so a route another group adds tomorrow gets the grants its method and
// auth imply without anyone editing the stack:
//
//   - a function with only GET routes reads; any other method, a schedule or
//     a Svix webhook (which applies Clerk's changes) makes it a writer;
//   - routes accepting issuer API keys add UpdateItem (the key's last use);
//   - routes accepting Clerk JWTs or Svix signatures read the secret that
//     holds the Clerk settings and the Svix signing secret;
//   - mailers and noTable are the two facts the table cannot tell.
type Access struct {
	Table  []string // DynamoDB actions on the table and its indexes
	Mail   bool     // ses:SendEmail on the SES identity
	Secret bool     // read the Svix/Clerk secret
	TaxKey bool     // make and unwrap data keys under the tax data key (profiles)

	Objects []string // S3 actions on the documents bucket's w9/ objects
	Enqueue bool     // send to the documents queue
	Consume bool     // the documents queue's event source (routes.Queued)
	LinkKey bool     // read the generated link key secret
}

// taxKeyActions seal and open profiles' tax ids and bank numbers
// (package seal): nothing else, on that key only.
var taxKeyActions = []string{"kms:Decrypt", "kms:GenerateDataKey"}

// Actions is every IAM action the function gets, sorted.
func (a Access) Actions() []string {
	var out []string
	out = append(out, a.Table...)
	if a.Mail {
		out = append(out, mailActions...)
	}
	if a.TaxKey {
		out = append(out, taxKeyActions...)
	}
	if a.Secret || a.LinkKey {
		out = append(out, secretActions...)
	}
	out = append(out, a.Objects...)
	if a.Enqueue {
		out = append(out, enqueueActions...)
	}
	if a.Consume {
		out = append(out, consumeActions...)
	}
	sort.Strings(out)
	return dedupe(out)
}

func dedupe(sorted []string) []string {
	out := sorted[:0]
	for i, s := range sorted {
		if i == 0 || s != sorted[i-1] {
			out = append(out, s)
		}
	}
	return out
}

// AccessFor returns the grants of function fn.
func AccessFor(fn string) Access {
	var a Access
	write, key := false, false
	for _, s := range routes.Scheduled {
		if s == fn {
			write = true
		}
	}
	for _, q := range routes.Queued {
		if q == fn {
			write, a.Consume = true, true
		}
	}
	for _, r := range routes.ByFunction(fn) {
		if r.Method != "GET" && r.Method != "HEAD" && r.Method != "OPTIONS" {
			write = true
		}
		switch r.Auth {
		case routes.AuthKey:
			key = true
		case routes.AuthKeyOrJWT:
			key, a.Secret = true, true
		case routes.AuthJWT:
			a.Secret = true
		case routes.AuthSvix:
			write, a.Secret = true, true
		}
	}
	a.TaxKey = fn == "profiles"
	if !noTable[fn] {
		set := map[string]bool{}
		add := func(xs []string) {
			for _, x := range xs {
				set[x] = true
			}
		}
		add(readActions)
		if key {
			add(keyAuthActions)
		}
		if write {
			add(writeActions)
		}
		for x := range set {
			a.Table = append(a.Table, x)
		}
		sort.Strings(a.Table)
	}
	a.Mail = mailers[fn]
	a.Objects = documentObjects[fn]
	a.Enqueue = documentEnqueuers[fn]
	a.LinkKey = linkSigners[fn]
	return a
}

// Functions is every Lambda the stack deploys: each function that owns a
// route, then the scheduled and the queued ones, without duplicates.
func Functions() []string {
	seen := map[string]bool{}
	var out []string
	for _, fn := range append(append(routes.Functions(), routes.Scheduled...), routes.Queued...) {
		if !seen[fn] {
			seen[fn] = true
			out = append(out, fn)
		}
	}
	return out
}
