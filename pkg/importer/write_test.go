package importer_test

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/tranche-dev/tranche/pkg/importer"
	"github.com/tranche-dev/tranche/pkg/importer/sample"
	"github.com/tranche-dev/tranche/pkg/store"
	"github.com/tranche-dev/tranche/pkg/store/storetest"
)

// snapshot reads the whole test table (a test may scan; requests never do)
// and returns one fingerprint per item, sorted, leaving out the workspace
// record's own timestamps.
func snapshot(t *testing.T, db *store.DB) []string {
	t.Helper()
	var out []string
	p := dynamodb.NewScanPaginator(db.Client(), &dynamodb.ScanInput{TableName: aws.String(db.Name())})
	for p.HasMorePages() {
		page, err := p.NextPage(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range page.Items {
			pk := it["PK"].(*types.AttributeValueMemberS).Value
			// The change feed (store/feed.go) records when writes happened,
			// not what the table holds.
			if pk == "GLOBAL" || len(pk) > 7 && pk[:7] == "WSNAME#" || strings.HasSuffix(pk, "#CHANGES") {
				continue
			}
			if sk := it["SK"].(*types.AttributeValueMemberS).Value; sk == "META" {
				continue
			}
			out = append(out, fmt.Sprintf("%x", sha256.Sum256([]byte(fmt.Sprintf("%#v", flatten(it))))))
		}
	}
	sort.Strings(out)
	return out
}

func flatten(it map[string]types.AttributeValue) []string {
	var kv []string
	for k, v := range it {
		kv = append(kv, k+"="+fmt.Sprintf("%v", av(v)))
	}
	sort.Strings(kv)
	return kv
}

func av(v types.AttributeValue) any {
	switch x := v.(type) {
	case *types.AttributeValueMemberS:
		return x.Value
	case *types.AttributeValueMemberN:
		return "N" + x.Value
	case *types.AttributeValueMemberBOOL:
		return x.Value
	case *types.AttributeValueMemberL:
		var l []any
		for _, e := range x.Value {
			l = append(l, av(e))
		}
		return l
	case *types.AttributeValueMemberM:
		return flatten(x.Value)
	case *types.AttributeValueMemberNULL:
		return nil
	}
	return fmt.Sprintf("%T", v)
}

func load(t *testing.T, db *store.DB, ws string, progress func(int, int)) (importer.Result, error) {
	t.Helper()
	d, err := importer.Parse(sample.JSON)
	if err != nil {
		t.Fatal(err)
	}
	return importer.Write(context.Background(), db, ws, d, progress)
}

func TestImportIsIdempotent(t *testing.T) {
	db := storetest.New(t)
	first, err := load(t, db, "7", nil)
	if err != nil {
		t.Fatal(err)
	}
	if first.Items == 0 {
		t.Fatal("first import wrote nothing")
	}
	before := snapshot(t, db)
	second, err := load(t, db, "7", nil)
	if err != nil {
		t.Fatal(err)
	}
	if second.Items != 0 {
		t.Errorf("second import wrote %d items, want 0", second.Items)
	}
	if after := snapshot(t, db); fmt.Sprint(after) != fmt.Sprint(before) {
		t.Errorf("second import changed the table: %d items before, %d after", len(before), len(after))
	}
	n, err := db.Counter(context.Background(), "7", store.KindInvestment)
	if err != nil || n != 300 {
		t.Errorf("investment counter = %d, %v; want 300 so new ids continue above the imported ones", n, err)
	}
	id, err := db.NextID(context.Background(), "7", store.KindInvestment)
	if err != nil || id != 301 {
		t.Errorf("next investment id = %d, %v; want 301", id, err)
	}
}

// TestInterruptedImportFinishes: an import stopped half way, run again,
// ends with exactly the items of an import that was never interrupted.
func TestInterruptedImportFinishes(t *testing.T) {
	clean := storetest.New(t)
	if _, err := load(t, clean, "7", nil); err != nil {
		t.Fatal(err)
	}
	want := snapshot(t, clean)

	db := storetest.New(t)
	ctx, cancel := context.WithCancel(context.Background())
	d, _ := importer.Parse(sample.JSON)
	_, err := importer.Write(ctx, db, "7", d, func(done, total int) {
		if done >= total/2 {
			cancel()
		}
	})
	if err == nil {
		t.Log("the import finished before it could be interrupted")
	}
	half := snapshot(t, db)
	if len(half) >= len(want) && err != nil {
		t.Errorf("interrupted import wrote everything (%d items)", len(half))
	}
	if _, err := load(t, db, "7", nil); err != nil {
		t.Fatal(err)
	}
	if got := snapshot(t, db); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("re-run import: %d items, clean import: %d", len(got), len(want))
	}
}

// TestConflictingEmailWritesNothing: a user whose e-mail the workspace
// already holds under another id is a problem reported before any write.
func TestConflictingEmailWritesNothing(t *testing.T) {
	db := storetest.New(t)
	if _, err := load(t, db, "7", nil); err != nil {
		t.Fatal(err)
	}
	before := snapshot(t, db)
	d, _ := importer.Parse(sample.JSON)
	d.Users[0].ID = 9999
	_, err := importer.Write(context.Background(), db, "7", d, nil)
	var probs importer.Problems
	if !errors.As(err, &probs) {
		t.Fatalf("err = %v, want Problems", err)
	}
	if after := snapshot(t, db); fmt.Sprint(after) != fmt.Sprint(before) {
		t.Error("a rejected import changed the table")
	}
}
