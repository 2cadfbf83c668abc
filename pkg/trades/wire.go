package trades

import "reflect"

// Exported names of the package's bodies, for the OpenAPI document
// (pkg/schema), which reads their schemas from these types.
type (
	TradeView    = tradeView
	ImportResult = importResult
)

// NumberType is the type of the exact decimals written as JSON numbers
// (quantities and prices): it marshals itself, so the document needs its
// name to describe it as a number.
var NumberType = reflect.TypeFor[number]()
