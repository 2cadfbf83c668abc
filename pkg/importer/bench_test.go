package importer_test

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/tranche-dev/tranche/pkg/importer"
	"github.com/tranche-dev/tranche/pkg/importer/importtest"
	"github.com/tranche-dev/tranche/pkg/store/storetest"
)

// BenchmarkImport measures import throughput into DynamoDB Local: each
// iteration loads N investments (with the sample's offerings, investors,
// users and entities) into a new workspace. N is 3,000 by default;
// TRANCHE_BENCH_IMPORT_N=100000 measures the 100,000.
func BenchmarkImport(b *testing.B) {
	n := 3000
	if v, err := strconv.Atoi(os.Getenv("TRANCHE_BENCH_IMPORT_N")); err == nil && v > 0 {
		n = v
	}
	db := storetest.New(b)
	d := importtest.Synthetic(b, n)
	ctx := context.Background()
	b.ResetTimer()
	start := time.Now()
	items := 0
	for i := 0; i < b.N; i++ {
		res, err := importer.Write(ctx, db, fmt.Sprintf("bench%d", i), d, nil)
		if err != nil {
			b.Fatal(err)
		}
		items += res.Items
	}
	elapsed := time.Since(start).Seconds()
	b.ReportMetric(float64(n*b.N)/elapsed, "investments/s")
	// Items (investments, their activity entries and links, the other
	// objects) are what the table is asked to write, so the figure to
	// compare across changes to the item layout.
	b.ReportMetric(float64(items)/elapsed, "items/s")
}
