package robust

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
)

// snapshot is every item of the world's table, each as a digest of its
// attributes: what "nothing changed" compares. The table holds only the
// world, so a Scan (test code, never a request path) reads exactly it.
type snapshot map[string]item

type item struct {
	digest [32]byte
	attrs  map[string]string // attribute → canonical JSON, for the report
}

// volatile are attributes a request may change without changing anything
// a client owns: an API key's last use is recorded on every authenticated
// request, refused or not, and a session's last sighting likewise.
var volatile = map[string]bool{"last_used_at": true, "last_used": true}

func (w *world) snapshot() snapshot {
	w.t.Helper()
	out := snapshot{}
	p := dynamodb.NewScanPaginator(w.db.Client(), &dynamodb.ScanInput{TableName: aws.String(w.db.Name()), ConsistentRead: aws.Bool(true)})
	for p.HasMorePages() {
		page, err := p.NextPage(context.Background())
		if err != nil {
			w.t.Fatal(err)
		}
		for _, av := range page.Items {
			var m map[string]any
			if err := attributevalue.UnmarshalMap(av, &m); err != nil {
				w.t.Fatal(err)
			}
			key := fmt.Sprint(m["PK"], " ", m["SK"])
			if strings.HasSuffix(fmt.Sprint(m["PK"]), "#RATELIMIT") {
				// A caller's token bucket is spent by every request it
				// makes, refused or not, like an API key's last use.
				continue
			}
			it := item{attrs: map[string]string{}}
			names := make([]string, 0, len(m))
			for k, v := range m {
				if volatile[k] {
					continue
				}
				b, _ := json.Marshal(v)
				it.attrs[k] = string(b)
				names = append(names, k)
			}
			sort.Strings(names)
			h := sha256.New()
			for _, k := range names {
				fmt.Fprintf(h, "%s=%s\x00", k, it.attrs[k])
			}
			copy(it.digest[:], h.Sum(nil))
			out[key] = it
		}
	}
	return out
}

// diff describes how after differs from s, or "" when it does not.
func (s snapshot) diff(after snapshot) string {
	var lines []string
	for k, a := range after {
		b, ok := s[k]
		switch {
		case !ok:
			lines = append(lines, "added "+k)
		case a.digest != b.digest:
			var attrs []string
			for name, v := range a.attrs {
				if b.attrs[name] != v {
					attrs = append(attrs, fmt.Sprintf("%s: %.80s -> %.80s", name, b.attrs[name], v))
				}
			}
			for name := range b.attrs {
				if _, ok := a.attrs[name]; !ok {
					attrs = append(attrs, name+" removed")
				}
			}
			sort.Strings(attrs)
			lines = append(lines, "changed "+k+" ("+strings.Join(attrs, "; ")+")")
		}
	}
	for k := range s {
		if _, ok := after[k]; !ok {
			lines = append(lines, "removed "+k)
		}
	}
	sort.Strings(lines)
	if len(lines) > 8 {
		lines = append(lines[:8], fmt.Sprintf("… and %d more", len(lines)-8))
	}
	return strings.Join(lines, "\n\t")
}
