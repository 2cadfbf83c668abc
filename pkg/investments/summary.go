package investments

import (
	"encoding/json"
	"strings"
	"sync"
	"time"
	_ "time/tzdata" // offerings' default_timezone on Lambda's minimal image

	"github.com/shopspring/decimal"

	"github.com/tranche-dev/tranche/pkg/model"
)

// summaryNow is the clock the *_today lines read; tests replace it.
var summaryNow = time.Now

// line is one summary line: amount as a JSON number (Python's float repr
// of the decimal sum: "0.0", "1345.0", "2690.5"), count and distinct
// investors.
type line struct {
	Amount        json.Number `json:"amount"`
	Count         int64       `json:"count"`
	InvestorCount int64       `json:"investor_count"`
}

type summary struct {
	Committed      line `json:"total_amount_committed"`
	CommittedToday line `json:"total_amount_committed_today"`
	Received       line `json:"total_amount_received"`
	ReceivedToday  line `json:"total_amount_received_today"`
	Invested       line `json:"total_amount_invested"`
	InvestedToday  line `json:"total_amount_invested_today"`
}

// number renders a decimal as DRF renders float(Decimal): at least one
// fractional digit.
func number(d decimal.Decimal) json.Number {
	s := d.String()
	if !strings.ContainsAny(s, ".eE") {
		s += ".0"
	}
	return json.Number(s)
}

// acc accumulates one line.
type acc struct {
	amount    decimal.Decimal
	count     int64
	investors map[int64]bool
}

func (a *acc) add(inv *model.Investment) {
	if a.investors == nil {
		a.investors = map[int64]bool{}
	}
	a.amount = a.amount.Add(inv.Amount.Decimal)
	a.count++
	a.investors[inv.Investor] = true
}

func (a *acc) line() line {
	return line{Amount: number(a.amount), Count: a.count, InvestorCount: int64(len(a.investors))}
}

var (
	zonesMu sync.Mutex
	zones   = map[string]*time.Location{}
)

// zone loads an IANA zone once; an unknown name is UTC.
func zone(name string) *time.Location {
	zonesMu.Lock()
	defer zonesMu.Unlock()
	if loc, ok := zones[name]; ok {
		return loc
	}
	loc, err := time.LoadLocation(name)
	if err != nil || name == "" {
		loc = time.UTC
	}
	zones[name] = loc
	return loc
}

// today holds the *_today accumulators: an investment counts when the
// date of created_at / received_at / invested_at in its offering's zone
// is today there.
type today struct{ committed, received, invested acc }
