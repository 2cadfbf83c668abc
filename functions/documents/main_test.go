package main

import (
	"context"
	"encoding/json"
	"os"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/tranche-dev/tranche/pkg/app"
	"github.com/tranche-dev/tranche/pkg/blob/blobtest"
	"github.com/tranche-dev/tranche/pkg/model"
	"github.com/tranche-dev/tranche/pkg/store/storetest"
)

// TestSampleEvents feeds events/documents-job.json (a queue batch) and
// events/documents-sweep.json (the schedule) through the function as
// lambda.Start would, on DynamoDB Local and the S3 server.
func TestSampleEvents(t *testing.T) {
	ctx := context.Background()
	db := storetest.New(t)
	blobs := blobtest.New(t)
	env := map[string]string{
		app.EnvTableName: db.Name(), app.EnvEndpointURL: storetest.Endpoint(t),
		app.EnvBucketName: blobs.Bucket(), app.EnvS3EndpointURL: blobtest.Endpoint(t), app.EnvLogLevel: "error",
	}
	h, err := run(ctx, func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	job := func(id, version int64) {
		in := model.W9Input{ProfileID: id, Version: version, Name: "Sample Investor", Classification: model.W9Individual,
			Address: "1 Main St", CityStateZIP: "Austin, TX 78701", TINKind: "ssn", TINLast4: "0042"}
		if err := db.PutW9Job(ctx, "sample", in, time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	job(1, 1)
	resp, err := h(ctx, read(t, "../../events/documents-job.json"))
	if err != nil {
		t.Fatal(err)
	}
	if r, ok := resp.(events.SQSEventResponse); !ok || len(r.BatchItemFailures) != 0 {
		t.Fatalf("queue batch answered %#v", resp)
	}
	if st, err := db.W9State(ctx, "sample", 1); err != nil || st.Version != 1 {
		t.Fatalf("after the message: %+v, %v", st, err)
	}
	job(2, 1) // no message: the sweep finds it
	if _, err := h(ctx, read(t, "../../events/documents-sweep.json")); err != nil {
		t.Fatal(err)
	}
	if st, err := db.W9State(ctx, "sample", 2); err != nil || st.Version != 1 {
		t.Fatalf("after the sweep: %+v, %v", st, err)
	}
}

func read(t *testing.T, path string) json.RawMessage {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
