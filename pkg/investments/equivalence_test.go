package investments

import (
	"bufio"
	"crypto/sha256"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/tranche-dev/tranche/pkg/filter"
	"github.com/tranche-dev/tranche/pkg/importer/importtest"
)

// The equivalence corpus: generated queries over the imported sample, each
// answered by the read model and compared with the answer the DynamoDB
// planner (the old path) gave. The planner's answers were recorded in
// testdata/equivalence.golden (a digest per query) by this test while both
// paths existed (commit f903dea, TRANCHE_WRITE_GOLDEN=1, after checking that
// every answer was byte-identical); the planner is gone, its answers stay
// the reference.
const (
	corpusSize = 1500
	goldenFile = "testdata/equivalence.golden"
)

// corpusClock is the summaries' clock: a day with imported activity, so
// the *_today lines are not all zero.
var corpusClock = time.Date(2025, 6, 19, 12, 25, 8, 0, time.UTC)

// corpus generates the queries: lists, values and summaries with random
// filters (every field and lookup of InvestmentFilters, values taken from
// the sample or malformed), orderings, searches and pages, under three
// keys.
func corpus(invs []map[string]any) []string {
	rng := rand.New(rand.NewPCG(42, 1000))
	pick := func(field string) string {
		for range 20 {
			inv := invs[rng.IntN(len(invs))]
			if v, ok := inv[field]; ok && v != nil {
				switch x := v.(type) {
				case map[string]any:
					if id, ok := x["id"]; ok {
						return fmt.Sprint(id)
					}
				case float64:
					return fmt.Sprint(x)
				case string:
					return x
				case bool:
					return fmt.Sprint(x)
				}
			}
		}
		return "1"
	}
	value := func(f filter.Field, l filter.Lookup) string {
		switch rng.IntN(12) {
		case 0:
			return "bogus"
		case 1:
			return ""
		}
		base := strings.Split(f.Name, "__")[0]
		var v string
		switch f.Kind {
		case filter.BoolField:
			v = []string{"true", "false", "1", "0", "True"}[rng.IntN(5)]
		case filter.ChoiceField:
			if len(f.Choices) > 0 {
				v = f.Choices[rng.IntN(len(f.Choices))].Value
			}
		case filter.DateTimeField, filter.DateField:
			v = pick(base)
			if l == filter.DateGte || l == filter.DateLte {
				if len(v) >= 10 {
					v = v[:10]
				}
			}
		case filter.ForeignKeyField:
			v = fmt.Sprint(rng.IntN(60) + 1)
		case filter.NumberField, filter.IntegerField:
			v = pick(base)
			if rng.IntN(3) == 0 {
				v = fmt.Sprint(rng.IntN(20000))
			}
		default:
			v = pick(base)
			if l == filter.IContains || l == filter.Contains || l == filter.IStartsWith || l == filter.IEndsWith {
				if len(v) > 3 {
					v = v[:1+rng.IntN(3)]
				}
			}
		}
		switch l {
		case filter.In:
			return v + "," + fmt.Sprint(rng.IntN(50)+1)
		case filter.IsNull:
			return []string{"true", "false", "maybe"}[rng.IntN(3)]
		}
		return v
	}
	set := filter.InvestmentFilters
	var out []string
	for i := range corpusSize {
		q := url.Values{}
		for range rng.IntN(4) {
			f := set.Fields[rng.IntN(len(set.Fields))]
			l := f.Lookups[rng.IntN(len(f.Lookups))]
			name := f.Name
			if l != filter.Exact {
				name += "__" + l.String()
			}
			q.Set(name, value(f, l))
		}
		if rng.IntN(3) == 0 {
			var terms []string
			for range 1 + rng.IntN(2) {
				t := set.Ordering[rng.IntN(len(set.Ordering))]
				if rng.IntN(2) == 0 {
					t = "-" + t
				}
				terms = append(terms, t)
			}
			q.Set("ordering", strings.Join(terms, ","))
		}
		if rng.IntN(5) == 0 {
			s := set.Search[rng.IntN(len(set.Search))]
			v := pick(strings.Split(s, "__")[0])
			if len(v) > 4 {
				v = v[rng.IntN(len(v)-3):][:3]
			}
			q.Set("search", v)
		}
		if rng.IntN(4) == 0 {
			q.Set("page", fmt.Sprint(1+rng.IntN(4)))
			q.Set("page_size", []string{"5", "50", "x", "1000"}[rng.IntN(4)])
		}
		path := "/api/investments/"
		switch i % 5 {
		case 3:
			path += "values/"
			fields := []string{"status", "offering", "amount", "investor__type", "created_at", "investor"}
			rng.Shuffle(len(fields), func(a, b int) { fields[a], fields[b] = fields[b], fields[a] })
			q.Set("field", strings.Join(fields[:1+rng.IntN(3)], ","))
		case 4:
			path += "summary/"
		}
		key := []string{"workspace", "workspace", "offering2", "issuer1"}[rng.IntN(4)]
		out = append(out, key+" "+path+"?"+q.Encode())
	}
	return out
}

// answer is what a client sees of one query: status and body, with the
// server's address made neutral (next/previous links).
func answer(t *testing.T, srv *httptest.Server, keys map[string]string, query string) string {
	t.Helper()
	key, path, _ := strings.Cut(query, " ")
	req, _ := http.NewRequest("GET", srv.URL+path, nil)
	req.Header.Set("Authorization", keys[key])
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return fmt.Sprintf("%d %s", res.StatusCode, strings.ReplaceAll(string(body), srv.Listener.Addr().String(), "testserver"))
}

func digest(s string) string { return fmt.Sprintf("%x", sha256.Sum256([]byte(s)))[:24] }

// TestReadModelAnswersAsThePlanner: every corpus query answers exactly as
// the DynamoDB planner answered it.
func TestReadModelAnswersAsThePlanner(t *testing.T) {
	restore := SetClock(func() time.Time { return corpusClock })
	defer restore()
	e := importtest.NewListEnv(t, NewHandler)
	queries := corpus(e.File["investments"])
	srv, keys := e.Srv, e.Keys

	f, err := os.Open(goldenFile)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	n, differ := 0, 0
	for sc.Scan() {
		sum, q, _ := strings.Cut(sc.Text(), " ")
		if n >= len(queries) || queries[n] != q {
			t.Fatalf("query %d of the golden file is %q; the generator gives another: regenerate both together", n, q)
		}
		if got := answer(t, srv, keys, q); digest(got) != sum {
			differ++
			if differ <= 10 {
				t.Errorf("%s: answers differently from the planner: %.600s", q, got)
			}
		}
		n++
	}
	if n != len(queries) {
		t.Fatalf("golden file has %d queries, the generator %d", n, len(queries))
	}
	t.Logf("%d queries answer as the planner did", n)
}
