package schedule

import (
	"encoding/json"
	"fmt"
	"time"
)

// The run metrics, as CloudWatch Embedded Metric Format: one JSON line on
// stdout per run, which CloudWatch Logs turns into metrics in
// MetricNamespace with the dimension Function (reminders, summaries). No
// PutMetricData call, so no extra IAM grant and no latency in the run. The
// stack alarms on MetricDeadSends ≥ 1 (infra/stack).
const (
	MetricNamespace   = "Tranche"
	MetricDimension   = "Function"
	MetricSent        = "SentEmails"
	MetricFailedSends = "FailedSends"
	MetricDeadSends   = "DeadSends"
)

// emf is one EMF document: the _aws metadata, then the dimension and the
// metric values as top-level members.
type emf struct {
	AWS struct {
		Timestamp         int64       `json:"Timestamp"`
		CloudWatchMetrics []emfMetric `json:"CloudWatchMetrics"`
	} `json:"_aws"`
	Function string `json:"Function"`
	Sent     int    `json:"SentEmails"`
	Failed   int    `json:"FailedSends"`
	Dead     int    `json:"DeadSends"`
}

type emfMetric struct {
	Namespace  string     `json:"Namespace"`
	Dimensions [][]string `json:"Dimensions"`
	Metrics    []struct {
		Name string `json:"Name"`
		Unit string `json:"Unit"`
	} `json:"Metrics"`
}

// emitMetrics writes the run's counts. The timestamp is the wall clock,
// not the run's clock: CloudWatch refuses metrics dated far from now, and
// a re-run of an old event (make invoke) must still be counted.
func (r *Runner) emitMetrics(function string, res Result, wall time.Time) {
	if r.Metrics == nil {
		return
	}
	var d emf
	d.AWS.Timestamp = wall.UnixMilli()
	m := emfMetric{Namespace: MetricNamespace, Dimensions: [][]string{{MetricDimension}}}
	for _, name := range []string{MetricSent, MetricFailedSends, MetricDeadSends} {
		m.Metrics = append(m.Metrics, struct {
			Name string `json:"Name"`
			Unit string `json:"Unit"`
		}{name, "Count"})
	}
	d.AWS.CloudWatchMetrics = []emfMetric{m}
	d.Function, d.Sent, d.Failed, d.Dead = function, res.Sent, res.Failed, res.Dead
	b, err := json.Marshal(d)
	if err != nil {
		return // cannot happen: fixed types
	}
	fmt.Fprintf(r.Metrics, "%s\n", b)
}
