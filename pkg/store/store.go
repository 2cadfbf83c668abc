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

// DB is the single table.
type DB struct {
	*core
}

// New wraps a DynamoDB client for the named table.
func New(client *dynamodb.Client, table string) *DB {
	d := dynamo.NewFromIface(client)
	c := &core{client: client, db: d, table: d.Table(table), name: table, heads: &heads{}}
	return &DB{core: c}
}

// Name is the table's name.
func (db *core) Name() string { return db.name }

// Client is the underlying SDK client (for table administration).
func (db *core) Client() *dynamodb.Client { return db.client }
