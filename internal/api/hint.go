package api

import (
	"strings"

	"github.com/farepipe/farepipe/internal/query"
)

// Hint says, for an answer that found nothing, which single change of a
// trip option finds fares, each rendered by option (oneWay=true with
// QueryOption, --one-way in the CLI); "" when no change does.
func Hint(alts []query.Alternative, option func(name, value string) string) string {
	var changes []string
	for _, a := range alts {
		var values []string
		for _, v := range a.Values {
			values = append(values, option(a.Option, v))
		}
		changes = append(changes, strings.Join(values, " or "))
	}
	if len(changes) == 0 {
		return ""
	}
	return "nothing matches all the options asked; fares exist with " + strings.Join(changes, ", or with ")
}

// QueryOption renders a trip option as a query parameter: oneWay=true.
func QueryOption(name, value string) string { return name + "=" + value }
