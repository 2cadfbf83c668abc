package store

import (
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/guregu/dynamo/v2"
)

// core is what every aggregate's storage shares: the table, the write
// transaction (writes.go), id counters (workspace.go, identity.go), the
// point, batch and query reads every aggregate's reads are built from
// (seed000.go, query.go) and the change feed append every write of a
// listed object joins (feed.go). It holds no aggregate's items.
type core struct {
	client *dynamodb.Client
	db     *dynamo.DB
	table  dynamo.Table
	name   string
	heads  *heads // the change feed's last known heads (feed.go)
}

// DB is the single table: the core and every aggregate's storage in one
// value, built once per process by New. It is the composition root (a
// Lambda's app.Deps holds one) and the read side's handle (package
// readmodel, the list and export handlers read across aggregates); each
// method of an aggregate is promoted to it, so db.Offering(...) is
// db.OfferingStore.Offering(...). A service takes the aggregates it
// writes, not DB, so its fields name what it may touch.
//
// The embedded types are named <Aggregate>Store: DB has methods named
// Workspaces, Forms, Trades, Members, ..., and an embedded field of
// that name would hide the promoted method.
type DB struct {
	*core

	IdentityStore
	APIKeyStore
	OfferingStore
	InvestingStore
	InvestorStore
	UserStore
	GroupStore
	FormStore
	ProfileStore
	DocumentStore
	TradeStore
	ScheduleStore
	IdempotencyStore
	AuditStore
	RateLimitStore
	MailKeyStore
	ImportStore
	ReadModelStore
}

// New wraps a DynamoDB client for the named table.
func New(client *dynamodb.Client, table string) *DB {
	d := dynamo.NewFromIface(client)
	c := &core{client: client, db: d, table: d.Table(table), name: table, heads: &heads{}}
	return &DB{
		core:             c,
		IdentityStore:    IdentityStore{c},
		APIKeyStore:      APIKeyStore{c},
		OfferingStore:    OfferingStore{c},
		InvestingStore:   InvestingStore{c},
		InvestorStore:    InvestorStore{c},
		UserStore:        UserStore{c},
		GroupStore:       GroupStore{c},
		FormStore:        FormStore{c},
		ProfileStore:     ProfileStore{c},
		DocumentStore:    DocumentStore{c},
		TradeStore:       TradeStore{c},
		ScheduleStore:    ScheduleStore{c},
		IdempotencyStore: IdempotencyStore{c},
		AuditStore:       AuditStore{c},
		RateLimitStore:   RateLimitStore{c},
		MailKeyStore:     MailKeyStore{c},
		ImportStore:      ImportStore{c},
		ReadModelStore:   ReadModelStore{c},
	}
}

// Name is the table's name.
func (db *core) Name() string { return db.name }

// Client is the underlying SDK client (for table administration).
func (db *core) Client() *dynamodb.Client { return db.client }

// The aggregates. Each is the core and the methods of one aggregate's
// items: what one transaction writes together is one aggregate, and a
// method that needs another aggregate's items converts to that
// aggregate's type and calls it (InvestingStore(db).RebuildAggregates):
// every aggregate is struct{ *core }, so the conversion is free and the
// call site names whose items it touches. Methods take a value receiver
// named db, as they did when DB was one type.
type (
	// IdentityStore: Clerk users (identities and their e-mail lookups),
	// workspaces with their Clerk organisation lookups and operator
	// names, memberships, seed 004 invitations and webhook receipts
	// (identity*.go, workspace.go). The workspace item is here, not with
	// the API keys: its member_count moves in the membership and
	// invitation transactions and its organisation lookup in its create.
	IdentityStore struct{ *core }
	// APIKeyStore: a workspace's API keys (apikeys.go).
	APIKeyStore struct{ *core }
	// OfferingStore: offerings and their issuers (write_offerings.go and
	// the offering reads of seed000.go and query.go). An offering write
	// also puts ScheduleStore's index entry in its transaction.
	OfferingStore struct{ *core }
	// InvestingStore: investments and everything one sale moves in its
	// transaction: the offering, issuer and workspace totals, the
	// investor's holdings and links, the rolling-12-month ledgers and the
	// activity index (write_investments.go, write_totals.go, scopeagg.go,
	// ledger.go, dayindex.go, limits.go, and the investment reads).
	InvestingStore struct{ *core }
	// InvestorStore: investors and their entities (write_investors.go and
	// the investor reads).
	InvestorStore struct{ *core }
	// UserStore: a workspace's users, seed 000's issuer users and seed
	// 001's alike (one record, one e-mail uniqueness item), and seed 001's
	// user invitations and login tokens (write_users.go, users001.go).
	UserStore struct{ *core }
	// GroupStore: user groups, their members and leads, and the shell
	// invitations that create a group with the invitation
	// (usergroups.go).
	GroupStore struct{ *core }
	// FormStore: forms and their implementations (forms.go).
	FormStore struct{ *core }
	// ProfileStore: seed 002 profiles and bank accounts (profiles.go); a
	// profile write puts its W-9 job in the same transaction.
	ProfileStore struct{ *core }
	// DocumentStore: W-9 jobs and states (documents.go).
	DocumentStore struct{ *core }
	// TradeStore: an identity's imported trades (trades.go).
	TradeStore struct{ *core }
	// ScheduleStore: the scheduled functions' offering index and send
	// records (schedule.go).
	ScheduleStore struct{ *core }
	// IdempotencyStore: Idempotency-Key records (idempotency.go).
	IdempotencyStore struct{ *core }
	// AuditStore: reads of the audit trails the writes append
	// (audit.go).
	AuditStore struct{ *core }
	// RateLimitStore: token buckets (ratelimit.go).
	RateLimitStore struct{ *core }
	// MailKeyStore: a workspace's unsubscribe-link key and opt-outs
	// (unsubscribe.go).
	MailKeyStore struct{ *core }
	// ImportStore: bulk writes of an import (bulk.go), which then has
	// each aggregate rebuild what it derives.
	ImportStore struct{ *core }
	// ReadModelStore: the change feed's reads and the workspace loads
	// package readmodel builds its copy from (feed.go, snapshot.go).
	ReadModelStore struct{ *core }
)
