// Package emf writes CloudWatch Embedded Metric Format documents: one JSON
// line on stdout that CloudWatch Logs turns into metrics. No PutMetricData
// call, so no extra IAM grant and no latency added to a request or a run.
// Package schedule (runs) and package httpapi (requests) both emit through
// it, so there is one shape to keep right.
package emf

import (
	"encoding/json"
	"fmt"
	"io"
	"time"
)

// Namespace is where every Tranche metric lives.
const Namespace = "Tranche"

// Metric is one value of a document.
type Metric struct {
	Name  string
	Unit  string // Count, Milliseconds, …
	Value float64
}

type metricDef struct {
	Name string `json:"Name"`
	Unit string `json:"Unit"`
}

type directive struct {
	Namespace  string      `json:"Namespace"`
	Dimensions [][]string  `json:"Dimensions"`
	Metrics    []metricDef `json:"Metrics"`
}

// Write writes one document. dims are the dimension sets, each a list of
// keys of props (a metric is published once per set); props become
// top-level members, so they are also searchable in Logs Insights. The
// timestamp should be the wall clock: CloudWatch refuses metrics dated far
// from now.
func Write(w io.Writer, dims [][]string, props map[string]string, metrics []Metric, t time.Time) error {
	doc := make(map[string]any, len(props)+len(metrics)+1)
	for k, v := range props {
		doc[k] = v
	}
	d := directive{Namespace: Namespace, Dimensions: dims}
	for _, m := range metrics {
		d.Metrics = append(d.Metrics, metricDef{m.Name, m.Unit})
		doc[m.Name] = m.Value
	}
	doc["_aws"] = map[string]any{"Timestamp": t.UnixMilli(), "CloudWatchMetrics": []directive{d}}
	b, err := json.Marshal(doc)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "%s\n", b)
	return err
}
