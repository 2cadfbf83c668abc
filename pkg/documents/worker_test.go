package documents

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/guregu/dynamo/v2"

	"github.com/tranche-dev/tranche/pkg/blob/blobtest"
	"github.com/tranche-dev/tranche/pkg/model"
	"github.com/tranche-dev/tranche/pkg/store"
	"github.com/tranche-dev/tranche/pkg/store/storetest"
)

var t0 = time.Date(2026, 12, 1, 5, 0, 0, 0, time.UTC)

func newWorker(t *testing.T) *Worker {
	t.Helper()
	return &Worker{DB: storetest.New(t), Blobs: blobtest.New(t), Log: slog.New(slog.DiscardHandler), Now: func() time.Time { return t0.Add(time.Minute) }}
}

func individual(id, version int64, name string) model.W9Input {
	return model.W9Input{ProfileID: id, Version: version, Name: name, Classification: model.W9Individual,
		Address: "1 Main St", CityStateZIP: "Austin, TX 78701", TINKind: "ssn", TINLast4: "6789"}
}

func download(t *testing.T, w *Worker, key string) []byte {
	t.Helper()
	rc, err := w.Blobs.Get(context.Background(), key)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func state(t *testing.T, w *Worker, ws string, id int64) model.W9State {
	t.Helper()
	st, err := w.DB.W9State(context.Background(), ws, id)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func TestWorkerRendersAPendingJob(t *testing.T) {
	ctx := context.Background()
	w := newWorker(t)
	in := model.W9Input{ProfileID: 7, Version: 2, Name: "Acme Partners LP", Classification: model.W9Partnership,
		Address: "5 Elm St", CityStateZIP: "Reno, NV 89501", TINKind: "ein", TINLast4: "4321"}
	if err := w.DB.PutW9Job(ctx, "ws1", in, t0); err != nil {
		t.Fatal(err)
	}
	if _, err := w.DB.W9State(ctx, "ws1", 7); !errors.Is(err, dynamo.ErrNotFound) {
		t.Fatalf("state before the worker ran: %v", err)
	}
	counts, err := w.Sweep(ctx)
	if err != nil || counts[Rendered] != 1 {
		t.Fatalf("Sweep = %v, %v; want one rendered", counts, err)
	}
	st := state(t, w, "ws1", 7)
	if st.Version != 2 || st.ShareUUID == "" || st.ObjectKey != "w9/ws1/7/2.pdf" || st.SignedAt != nil {
		t.Fatalf("state %+v", st)
	}
	pdf := download(t, w, st.ObjectKey)
	sum := sha256.Sum256(pdf)
	if hex.EncodeToString(sum[:]) != st.SHA256 {
		t.Errorf("the state's hash is not the stored PDF's")
	}
	text := pdfText(t, pdf)
	for _, want := range []string{"Acme Partners LP", "XX-XXX4321", "5 Elm St"} {
		if !contains(text, want) {
			t.Errorf("the stored PDF does not show %q", want)
		}
	}
	if got := checked(text); len(got) != 1 || got[0] != "Partnership" {
		t.Errorf("checked boxes %q, want Partnership", got)
	}
	job, err := w.DB.GetW9Job(ctx, "ws1", 7)
	if err != nil || job.Status != store.W9JobDone {
		t.Errorf("job after the run: %+v, %v", job, err)
	}
	if pending, _ := w.DB.PendingW9Jobs(ctx, 10); len(pending) != 0 {
		t.Errorf("still pending in the index: %+v", pending)
	}
	// Nothing left: a second sweep and a repeated message change nothing.
	if counts, err := w.Sweep(ctx); err != nil || len(counts) != 0 {
		t.Errorf("second sweep = %v, %v", counts, err)
	}
	if out, err := w.Process(ctx, "ws1", 7); err != nil || out != Gone {
		t.Errorf("repeated message: %v, %v", out, err)
	}
	if got := state(t, w, "ws1", 7); got != st {
		t.Errorf("state changed by a repeat: %+v, was %+v", got, st)
	}
}

func TestWorkerIsIdempotentAndVersioned(t *testing.T) {
	ctx := context.Background()
	w := newWorker(t)
	put := func(in model.W9Input, at time.Time) {
		t.Helper()
		if err := w.DB.PutW9Job(ctx, "ws1", in, at); err != nil {
			t.Fatal(err)
		}
	}
	put(individual(3, 1, "Ada Lovelace"), t0)
	if out, err := w.Process(ctx, "ws1", 3); err != nil || out != Rendered {
		t.Fatalf("first run: %v, %v", out, err)
	}
	v1 := state(t, w, "ws1", 3)

	// A crash after the state and before the job was marked: the job is
	// pending again with the same version. The rerun settles it only.
	put(individual(3, 1, "Ada Lovelace"), t0)
	if out, err := w.Process(ctx, "ws1", 3); err != nil || out != Current {
		t.Fatalf("rerun: %v, %v", out, err)
	}
	if got := state(t, w, "ws1", 3); got != v1 {
		t.Errorf("rerun changed the state: %+v", got)
	}
	if j, _ := w.DB.GetW9Job(ctx, "ws1", 3); j.Status != store.W9JobDone {
		t.Errorf("rerun left the job %q", j.Status)
	}

	// A newer version: rendered, the same share UUID, a new object.
	put(individual(3, 2, "Ada King"), t0.Add(time.Hour))
	if out, err := w.Process(ctx, "ws1", 3); err != nil || out != Rendered {
		t.Fatalf("v2: %v, %v", out, err)
	}
	v2 := state(t, w, "ws1", 3)
	if v2.Version != 2 || v2.ShareUUID != v1.ShareUUID || v2.ObjectKey != "w9/ws1/3/2.pdf" || v2.SHA256 == v1.SHA256 {
		t.Errorf("v2 state %+v (v1 %+v)", v2, v1)
	}
	if !contains(pdfText(t, download(t, w, v2.ObjectKey)), "Ada King") {
		t.Errorf("v2's PDF does not show the new name")
	}

	// A late job of an older version never replaces the newer state.
	put(individual(3, 1, "Ada Lovelace"), t0)
	if out, err := w.Process(ctx, "ws1", 3); err != nil || out != Current {
		t.Fatalf("late v1: %v, %v", out, err)
	}
	if got := state(t, w, "ws1", 3); got != v2 {
		t.Errorf("late v1 changed the state: %+v", got)
	}
}

func TestWorkersRacingOnOneJob(t *testing.T) {
	ctx := context.Background()
	w := newWorker(t)
	if err := w.DB.PutW9Job(ctx, "ws1", individual(9, 1, "Grace Hopper"), t0); err != nil {
		t.Fatal(err)
	}
	const n = 8
	var wg sync.WaitGroup
	outs := make([]Outcome, n)
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// Two kinds of worker, as on AWS: queue messages and sweeps.
			if i%2 == 0 {
				outs[i], errs[i] = w.Process(ctx, "ws1", 9)
			} else {
				_, errs[i] = w.Sweep(ctx)
			}
		}()
	}
	wg.Wait()
	rendered := 0
	for i := range n {
		if errs[i] != nil {
			t.Errorf("worker %d: %v", i, errs[i])
		}
		if outs[i] == Rendered {
			rendered++
		}
	}
	// Sweeps report no outcome per job here; the state tells who won: one
	// state, one share UUID, the job done.
	st := state(t, w, "ws1", 9)
	if rendered > 1 {
		t.Errorf("%d workers wrote the state", rendered)
	}
	if st.Version != 1 || st.ShareUUID == "" {
		t.Errorf("state %+v", st)
	}
	if j, _ := w.DB.GetW9Job(ctx, "ws1", 9); j.Status != store.W9JobDone {
		t.Errorf("job %q after the race", j.Status)
	}
	pdf := download(t, w, st.ObjectKey)
	sum := sha256.Sum256(pdf)
	if hex.EncodeToString(sum[:]) != st.SHA256 {
		t.Errorf("the stored PDF is not the one whose hash the state holds")
	}
	if !bytes.Contains(pdf, []byte("%PDF-")) {
		t.Errorf("not a PDF")
	}
}

func TestHandleSQSAndTheSweep(t *testing.T) {
	ctx := context.Background()
	w := newWorker(t)
	if err := w.DB.PutW9Job(ctx, "ws1", individual(4, 1, "Alan Turing"), t0); err != nil {
		t.Fatal(err)
	}
	bad := individual(5, 1, "Broken")
	bad.Classification = "nonsense" // cannot render: fails every time
	if err := w.DB.PutW9Job(ctx, "ws1", bad, t0); err != nil {
		t.Fatal(err)
	}
	raw := []byte(`{"Records":[
		{"messageId":"m1","body":"{\"workspace\":\"ws1\",\"profile_id\":4}"},
		{"messageId":"m2","body":"{\"workspace\":\"ws1\",\"profile_id\":5}"},
		{"messageId":"m3","body":"not json"},
		{"messageId":"m4","body":"{\"workspace\":\"ws1\",\"profile_id\":404}"}]}`)
	resp, err := w.LambdaHandler()(ctx, raw)
	if err != nil {
		t.Fatal(err)
	}
	r, ok := resp.(events.SQSEventResponse)
	if !ok {
		t.Fatalf("an SQS batch answered %T", resp)
	}
	// Nothing to retry: m1 rendered, m2's input can never render (its job
	// is settled as failed), m3 is malformed, m4 names no job.
	if len(r.BatchItemFailures) != 0 {
		t.Errorf("failures %+v, want none", r.BatchItemFailures)
	}
	if st := state(t, w, "ws1", 4); st.Version != 1 {
		t.Errorf("m1's job not rendered: %+v", st)
	}
	if j, _ := w.DB.GetW9Job(ctx, "ws1", 5); j.Status != store.W9JobFailed {
		t.Errorf("broken job %q, want failed", j.Status)
	}
	if _, err := w.DB.W9State(ctx, "ws1", 5); !errors.Is(err, dynamo.ErrNotFound) {
		t.Errorf("the broken job left a state: %v", err)
	}
	// A corrected version replaces the failed job and renders.
	if err := w.DB.PutW9Job(ctx, "ws1", individual(5, 2, "Fixed"), t0); err != nil {
		t.Fatal(err)
	}
	// The schedule's event is a sweep.
	if _, err := w.LambdaHandler()(ctx, []byte(`{"source":"aws.scheduler","detail-type":"Scheduled Event","detail":{}}`)); err != nil {
		t.Fatal(err)
	}
	if st := state(t, w, "ws1", 5); st.Version != 2 {
		t.Errorf("the corrected version was not rendered: %+v", st)
	}
}
