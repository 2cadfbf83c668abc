package store

import (
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/guregu/dynamo/v2"
)

// DB is the single table.
type DB struct {
	client *dynamodb.Client
	db     *dynamo.DB
	table  dynamo.Table
	name   string
	heads  *heads // the change feed's last known heads (feed.go)
}

// New wraps a DynamoDB client for the named table.
func New(client *dynamodb.Client, table string) *DB {
	d := dynamo.NewFromIface(client)
	return &DB{client: client, db: d, table: d.Table(table), name: table, heads: &heads{}}
}

// Name is the table's name.
func (db *DB) Name() string { return db.name }

// Client is the underlying SDK client (for table administration).
func (db *DB) Client() *dynamodb.Client { return db.client }
