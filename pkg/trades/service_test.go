package trades_test

import (
	"context"
	"sync"
	"testing"

	"github.com/tranche-dev/tranche/pkg/store"
	"github.com/tranche-dev/tranche/pkg/trades"
)

// TestImportService drives the trades import without HTTP, on DynamoDB
// Local: trades are owned by the caller's identity UUID, a second import
// of the same trade_ids creates nothing, and two racing imports of one
// new trade_id create it once (the loser of the race retries and finds
// it present).
func TestImportService(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	svc := trades.NewService(w.db)
	parse := func(body string) []store.Trade {
		ts, bad := trades.Parse([]byte(body))
		if bad != nil {
			t.Fatalf("parse: %v", bad)
		}
		return ts
	}
	res, err := svc.Import(ctx, "owner_a", parse("["+tradeA+"]"))
	if err != nil || res.Created != 1 || res.AlreadyPresent != 0 {
		t.Fatalf("first import: %+v, %v", res, err)
	}
	id, err := w.db.Identity(ctx, "owner_a")
	if err != nil {
		t.Fatal(err)
	}
	stored, err := w.db.Trades(ctx, "owner_a")
	if err != nil || len(stored) != 1 || stored[0].User != id.UUID || id.UUID == "" {
		t.Fatalf("stored: %+v (identity %q), %v", stored, id.UUID, err)
	}
	if res, err := svc.Import(ctx, "owner_a", parse("["+tradeA+"]")); err != nil || res.Created != 0 || res.AlreadyPresent != 1 {
		t.Fatalf("again: %+v, %v", res, err)
	}

	var wg sync.WaitGroup
	results := make([]trades.ImportResult, 2)
	errs := make([]error, 2)
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i], errs[i] = svc.Import(ctx, "owner_a", parse("["+tradeB+"]"))
		}()
	}
	wg.Wait()
	created := 0
	for i := range results {
		if errs[i] != nil {
			t.Fatalf("racing import %d: %v", i, errs[i])
		}
		created += results[i].Created
	}
	if stored, _ := w.db.Trades(ctx, "owner_a"); created != 1 || len(stored) != 2 {
		t.Fatalf("racing imports created %d, %d stored; want 1 and 2", created, len(stored))
	}
}
