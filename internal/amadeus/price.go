package amadeus

import (
	"encoding/json"
	"fmt"

	"github.com/farepipe/farepipe/internal/fare"
)

// offerPrice is the price of an offer as a Record keeps it: Price with
// amounts that remember whether the response gave them as strings.
type offerPrice struct {
	Currency   string `json:"currency"`
	Total      amount `json:"total"`
	Base       amount `json:"base"`
	GrandTotal amount `json:"grandTotal"`
}

// amount is a price amount as the response gives it: the text of a
// decimal string ("341.87"), or the literal text of a JSON number
// (341.87, 3.4187e2) with number set. The API documents amounts as
// strings; a number is kept as text only to be reported, never read
// through a float.
type amount struct {
	text   string
	number bool
}

// UnmarshalJSON takes a string or a number; null leaves a zero amount,
// as it leaves a string field. Anything else is an error that names its
// kind but does not quote it.
func (a *amount) UnmarshalJSON(b []byte) error {
	switch {
	case string(b) == "null":
		return nil
	case b[0] == '"':
		return json.Unmarshal(b, &a.text)
	case b[0] == '-' || b[0] >= '0' && b[0] <= '9':
		a.text, a.number = string(b), true
		return nil
	}
	kind := "boolean"
	switch b[0] {
	case '{':
		kind = "object"
	case '[':
		kind = "array"
	}
	return fmt.Errorf("price amount is a JSON %s, want a decimal string", kind)
}

// amount reads an amount as amount.UnmarshalJSON does: a string that
// needs no decoding, or a number. Anything else, null included, is left
// to encoding/json.
func (d *decoder) amount(a *amount) bool {
	if c := d.Next(); c != '-' && (c < '0' || c > '9') {
		return d.str(&a.text)
	}
	b, ok := d.Value()
	if !ok {
		return false
	}
	a.text, a.number = string(b), true
	return true
}

// price returns what the offer costs: its grandTotal, or its total
// when it has none. An amount given as a JSON number rejects the offer,
// naming the field; the amount is not guessed from a float.
func (o *offer) price() (fare.Money, error) {
	field, total := "price.grandTotal", o.Price.GrandTotal
	if total.text == "" && !total.number {
		field, total = "price.total", o.Price.Total
	}
	if total.number {
		return fare.Money{}, &fare.FieldError{Field: field, Value: total.text, Reason: "a JSON number, not a decimal string"}
	}
	price, err := fare.ParseMoney(total.text, o.Price.Currency)
	if err != nil {
		return price, err
	}
	if price.Minor <= 0 {
		return price, &fare.FieldError{Field: field, Value: total.text, Reason: "not positive"}
	}
	return price, nil
}
