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

// price returns the fare of the offer: its total, for all its travellers,
// taxes included, and not its grandTotal, which adds fees and paid
// additional services (checked bags). The base and the grand total, when
// given, must fit the total (see fare.NewBreakdown). An amount given as a
// JSON number rejects the offer, naming the field; the amount is not
// guessed from a float.
func (o *offer) price() (fare.Money, error) {
	p := &o.Price
	for _, f := range [...]struct {
		name string
		a    *amount
	}{{"price.total", &p.Total}, {"price.base", &p.Base}, {"price.grandTotal", &p.GrandTotal}} {
		if f.a.number {
			return fare.Money{}, &fare.FieldError{Field: f.name, Value: f.a.text, Reason: "a JSON number, not a decimal string"}
		}
	}
	price, err := fare.ParseMoney(p.Total.text, p.Currency)
	if err != nil {
		return price, err
	}
	if price.Minor <= 0 {
		return price, &fare.FieldError{Field: "price.total", Value: p.Total.text, Reason: "not positive"}
	}
	if _, err := fare.NewBreakdown(price, p.Base.text, p.GrandTotal.text); err != nil {
		return price, err
	}
	return price, nil
}
