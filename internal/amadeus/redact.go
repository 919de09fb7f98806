package amadeus

import (
	"regexp"
	"strings"
)

// redacted stands in for a credential removed from provider text.
const redacted = "[redacted]"

var (
	// schemeCredential is an Authorization value: "Bearer abc", "Basic abc".
	schemeCredential = regexp.MustCompile(`(?i)\b(bearer|basic)(\s+)[^\s"',;]+`)
	// namedCredential is the value after a name that says it is one:
	// access_token=abc, "client_secret": "abc", apikey: abc.
	namedCredential = regexp.MustCompile(`(?i)([a-z_-]*(?:token|secret|key|password)"?\s*[:=]\s*"?)[^\s"',;&]+`)
	// opaqueRun is a run of the characters tokens and keys are made of.
	opaqueRun = regexp.MustCompile(`[A-Za-z0-9_.~+=-]{20,}`)
)

// redact returns provider text (an error title or detail, a redirect
// target) with what looks like a credential replaced by "[redacted]":
// every occurrence of each known value (the client's own access token,
// client id and secret; empty ones are skipped), the value after "Bearer"
// or "Basic", the value of a field named like a token, secret, key or
// password, and any run of 20 or more token characters that mixes letters
// and digits. Ordinary error text ("INVALID DATE", "SYSTEM ERROR HAS
// OCCURRED") passes unchanged.
func redact(text string, known ...string) string {
	for _, k := range known {
		if k != "" {
			text = strings.ReplaceAll(text, k, redacted)
		}
	}
	text = schemeCredential.ReplaceAllString(text, "${1}${2}"+redacted)
	text = namedCredential.ReplaceAllString(text, "${1}"+redacted)
	return opaqueRun.ReplaceAllStringFunc(text, func(run string) string {
		if strings.ContainsAny(run, "0123456789") && strings.IndexFunc(run, isLetter) >= 0 {
			return redacted
		}
		return run
	})
}

func isLetter(r rune) bool { return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' }

// credentials are the values redact removes from what this client's
// provider says, tok being the access token in use ("" for none).
func (c *Client) credentials(tok string) []string {
	return []string{tok, c.cfg.ClientSecret, c.cfg.ClientID}
}
