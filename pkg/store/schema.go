package store

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// Attribute names of the keys. Every key attribute is a string.
const (
	AttrPK  = "PK"
	AttrSK  = "SK"
	AttrTTL = "ttl"
)

// Index is one overloaded global secondary index; it projects every
// attribute so a list served from it needs no second read.
type Index struct {
	Name string
	PK   string
	SK   string
}

// Indexes are the table's GSIs. Their uses are listed in doc.go.
var Indexes = []Index{
	{Name: "GSI1", PK: "GSI1PK", SK: "GSI1SK"},
	{Name: "GSI2", PK: "GSI2PK", SK: "GSI2SK"},
	{Name: "GSI3", PK: "GSI3PK", SK: "GSI3SK"},
	{Name: "GSI4", PK: "GSI4PK", SK: "GSI4SK"},
}

// CreateTableInput is the one definition of the table's key schema. The CDK
// stack builds the same table from PK/SK/Indexes/AttrTTL; make run and the
// tests create it with this input.
func CreateTableInput(name string) *dynamodb.CreateTableInput {
	attrs := []types.AttributeDefinition{
		{AttributeName: aws.String(AttrPK), AttributeType: types.ScalarAttributeTypeS},
		{AttributeName: aws.String(AttrSK), AttributeType: types.ScalarAttributeTypeS},
	}
	var gsis []types.GlobalSecondaryIndex
	for _, ix := range Indexes {
		attrs = append(attrs,
			types.AttributeDefinition{AttributeName: aws.String(ix.PK), AttributeType: types.ScalarAttributeTypeS},
			types.AttributeDefinition{AttributeName: aws.String(ix.SK), AttributeType: types.ScalarAttributeTypeS})
		gsis = append(gsis, types.GlobalSecondaryIndex{
			IndexName: aws.String(ix.Name),
			KeySchema: []types.KeySchemaElement{
				{AttributeName: aws.String(ix.PK), KeyType: types.KeyTypeHash},
				{AttributeName: aws.String(ix.SK), KeyType: types.KeyTypeRange},
			},
			Projection: &types.Projection{ProjectionType: types.ProjectionTypeAll},
		})
	}
	return &dynamodb.CreateTableInput{
		TableName:            aws.String(name),
		AttributeDefinitions: attrs,
		KeySchema: []types.KeySchemaElement{
			{AttributeName: aws.String(AttrPK), KeyType: types.KeyTypeHash},
			{AttributeName: aws.String(AttrSK), KeyType: types.KeyTypeRange},
		},
		GlobalSecondaryIndexes: gsis,
		BillingMode:            types.BillingModePayPerRequest,
		StreamSpecification:    &types.StreamSpecification{StreamEnabled: aws.Bool(true), StreamViewType: types.StreamViewTypeNewAndOldImages},
	}
}

// EnsureTable creates the table if it does not exist and waits until it is
// active. It is for local development and tests; on AWS the stack owns it.
//
// The table it creates has no stream. Nothing in Tranche reads the stream
// (the read model follows its own change feed, feed.go), and DynamoDB Local
// keeps stream records in a way that makes every write slower the more
// stream-enabled tables hold items: measured with BenchmarkImport -count 3
// (10,000-item imports into a new table each), puts took 0.57, 5.7 and
// 14 ms per item with streams and 0.53, 0.32 and 0.29 ms without. The
// tests create hundreds of tables on one emulator, and make run's table
// sits beside them, so a stream locally costs time and buys nothing.
func EnsureTable(ctx context.Context, client *dynamodb.Client, name string) error {
	_, err := client.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(name)})
	if err == nil {
		return nil
	}
	var nf *types.ResourceNotFoundException
	if !errors.As(err, &nf) {
		return fmt.Errorf("store: describe %s: %w", name, err)
	}
	in := CreateTableInput(name)
	in.StreamSpecification = nil
	if _, err := client.CreateTable(ctx, in); err != nil {
		var inUse *types.ResourceInUseException
		if !errors.As(err, &inUse) {
			return fmt.Errorf("store: create %s: %w", name, err)
		}
	}
	w := dynamodb.NewTableExistsWaiter(client)
	if err := w.Wait(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(name)}, 2*60e9); err != nil {
		return fmt.Errorf("store: wait for %s: %w", name, err)
	}
	_, _ = client.UpdateTimeToLive(ctx, &dynamodb.UpdateTimeToLiveInput{
		TableName:               aws.String(name),
		TimeToLiveSpecification: &types.TimeToLiveSpecification{AttributeName: aws.String(AttrTTL), Enabled: aws.Bool(true)},
	})
	return nil
}
