package investments

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tranche-dev/tranche/pkg/app"
	"github.com/tranche-dev/tranche/pkg/auth"
	"github.com/tranche-dev/tranche/pkg/importer"
	"github.com/tranche-dev/tranche/pkg/importer/synth"
	"github.com/tranche-dev/tranche/pkg/readmodel"
	"github.com/tranche-dev/tranche/pkg/store"
	"github.com/tranche-dev/tranche/pkg/store/storetest"
)

// benchData is synth.Data(n) (the data set every list benchmark imports).
func benchData(tb testing.TB, n int) *importer.Data {
	tb.Helper()
	d, err := synth.Data(n)
	if err != nil {
		tb.Fatal(err)
	}
	return d
}

// benchSize is 100,000 with TRANCHE_BENCH_LARGE=1 (the size),
// TRANCHE_BENCH_N if set, and 2,000 otherwise so a plain -bench run stays
// quick.
func benchSize() int {
	if os.Getenv("TRANCHE_BENCH_LARGE") == "1" {
		return 100_000
	}
	if n, err := strconv.Atoi(os.Getenv("TRANCHE_BENCH_N")); err == nil && n > 0 {
		return n
	}
	return 2_000
}

// BenchmarkLists measures the planned lists and the unfiltered summary on
// DynamoDB Local over a synthetic import (once per process), reporting
// ns/op and, from the X-Tranche-Plan header, items read and returned per
// request and their ratio.
func BenchmarkLists(b *testing.B) {
	n := benchSize()
	db := storetest.New(b)
	ctx := context.Background()
	d := benchData(b, n)
	start := time.Now()
	if _, err := importer.Write(ctx, db, "bench", d, nil); err != nil {
		b.Fatal(err)
	}
	b.Logf("imported %d investments in %s", n, time.Since(start).Round(time.Millisecond))
	key, err := auth.Mint(ctx, db, "bench", auth.ScopeWorkspace, 0, false, "bench", time.Now())
	if err != nil {
		b.Fatal(err)
	}
	h := NewHandler(app.Deps{DB: db, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	for _, c := range []struct{ name, query string }{
		{"offering", "/api/investments/?offering=7"},
		{"status_offering", "/api/investments/?status=invested&offering=7"},
		{"reference_id", "/api/investments/?reference_id=BENCH00000042"},
		{"investor", "/api/investments/?investor=3"},
		{"summary", "/api/investments/summary/"},
	} {
		b.Run(c.name, func(b *testing.B) {
			var read, returned int
			for i := 0; i < b.N; i++ {
				req := httptest.NewRequest("GET", c.query, nil)
				req.Header.Set("Authorization", key.Secret)
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				if rec.Code != http.StatusOK {
					b.Fatalf("%s: %d %s", c.query, rec.Code, rec.Body)
				}
				var capacity string
				if _, err := fmt.Sscanf(rec.Header().Get("X-Tranche-Plan"), "read=%d; returned=%d; capacity=%s", &read, &returned, &capacity); err != nil {
					b.Fatalf("plan %q: %v", rec.Header().Get("X-Tranche-Plan"), err)
				}
			}
			b.ReportMetric(float64(read), "read/op")
			b.ReportMetric(float64(returned), "returned/op")
			if returned > 0 {
				b.ReportMetric(float64(read)/float64(returned), "read/returned")
			}
		})
	}
}

// BenchmarkReadModel times the list, values and summary queries
// through the real handler over a synthetic import of benchSize()
// investments, for the read model (warm: the workspace served before by
// the process, nothing written since; cold: a fresh process cache, the
// build included) and, while it exists, the DynamoDB planner. read/op is
// the X-Tranche-Plan header's items read.
func BenchmarkReadModel(b *testing.B) {
	n := benchSize()
	db := storetest.New(b)
	ctx := context.Background()
	start := time.Now()
	if _, err := importer.Write(ctx, db, "bench", benchData(b, n), nil); err != nil {
		b.Fatal(err)
	}
	b.Logf("imported %d investments in %s", n, time.Since(start).Round(time.Millisecond))
	key, err := auth.Mint(ctx, db, "bench", auth.ScopeWorkspace, 0, false, "bench", time.Now())
	if err != nil {
		b.Fatal(err)
	}
	last := (n + 19) / 20
	queries := []struct{ name, query string }{
		{"page1", "/api/investments/"},
		{"page_last", fmt.Sprintf("/api/investments/?page=%d", min(500, last))},
		{"ordering_amount", "/api/investments/?ordering=-amount"},
		{"status_amount_50", "/api/investments/?status=invested&ordering=-amount&page_size=50"},
		{"offering", "/api/investments/?offering=7"},
		{"search", "/api/investments/?search=smith"},
		{"amount_company", "/api/investments/?amount__gte=1000&investor__type=company"},
		{"values", "/api/investments/values/?field=status,offering"},
		{"summary_filtered", "/api/investments/summary/?status=invested"},
		// A condition no request asked before (a threshold that changes
		// every time): the filter's one pass over the rows, uncached.
		{"amount_new_each", "/api/investments/?amount__gte=%d&ordering=-amount"},
	}
	deps := func() app.Deps {
		return app.Deps{DB: db, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	}
	calls := 0
	run := func(b *testing.B, h http.Handler, query string, before func()) {
		var read int
		for i := 0; i < b.N; i++ {
			if before != nil {
				b.StopTimer()
				before()
				b.StartTimer()
			}
			q := query
			if strings.Contains(q, "%d") {
				calls++
				q = fmt.Sprintf(query, 1000+calls)
			}
			req := httptest.NewRequest("GET", q, nil)
			req.Header.Set("Authorization", key.Secret)
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != http.StatusOK {
				b.Fatalf("%s: %d %s", query, rec.Code, rec.Body)
			}
			var returned int
			var capacity string
			fmt.Sscanf(rec.Header().Get("X-Tranche-Plan"), "read=%d; returned=%d; capacity=%s", &read, &returned, &capacity)
		}
		b.ReportMetric(float64(read), "read/op")
	}
	warm := NewHandler(deps())
	// Build the read model once before timing "warm" (a benchmark's first
	// iterations would otherwise carry the build and the GC it leaves).
	first := httptest.NewRequest("GET", queries[0].query, nil)
	first.Header.Set("Authorization", key.Secret)
	warm.ServeHTTP(httptest.NewRecorder(), first)
	runtime.GC()
	for _, c := range queries {
		b.Run("warm/"+c.name, func(b *testing.B) {
			run(b, warm, c.query, nil)
		})
	}
	for _, c := range queries[:1] {
		b.Run("cold/"+c.name, func(b *testing.B) {
			run(b, warm, c.query, func() { readmodel.Of(db).Forget("bench") })
		})
	}
	// memory: the heap one workspace's read model holds, in bytes per
	// 1,000 investments with their offerings, investors, entities and
	// users, against the cache's own estimate; and the build alone.
	b.Run("memory", func(b *testing.B) {
		heap := func() uint64 {
			runtime.GC()
			var m runtime.MemStats
			runtime.ReadMemStats(&m)
			return m.HeapAlloc
		}
		for i := 0; i < b.N; i++ {
			c := readmodel.Of(db)
			c.Forget("bench")
			before := heap()
			sctx, stats := store.WithStats(ctx)
			start := time.Now()
			v, err := c.Open(sctx, "bench")
			if err != nil {
				b.Fatal(err)
			}
			v.Close()
			b.ReportMetric(float64(time.Since(start).Milliseconds()), "build-ms")
			b.ReportMetric(float64(stats.Read.Load()), "read/op")
			after := heap()
			b.ReportMetric(float64(after-before)/float64(n)*1000, "heap-B/1k-inv")
			b.ReportMetric(float64(c.Bytes())/float64(n)*1000, "estimate-B/1k-inv")
		}
	})
}
