package esindex

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/elastic/go-elasticsearch/v8"
	"github.com/elastic/go-elasticsearch/v8/esapi"

	"github.com/farepipe/farepipe/internal/fare"
	"github.com/farepipe/farepipe/internal/testenv"
)

// TestVersion2IndicesTakeTheMixAndBreakdown makes indices with the
// templates of version 2 (no passenger mix, no breakdown), then indexes a
// version 2 key with a breakdown into them: index upgrades the templates
// and the indices' mappings, nothing is dead-lettered, and the latest
// document holds the new fields.
func TestVersion2IndicesTakeTheMixAndBreakdown(t *testing.T) {
	ctx := context.Background()
	es, err := elasticsearch.NewClient(elasticsearch.Config{Addresses: []string{testenv.ES(t)}})
	if err != nil {
		t.Fatal(err)
	}
	prefix := testenv.Unique(t, "tv")
	at := time.Date(2026, 11, 21, 6, 0, 0, 0, time.UTC)
	obsIndex := ObservationsIndex(prefix, at)
	t.Cleanup(func() {
		if err := DeletePrefix(context.WithoutCancel(ctx), es, prefix); err != nil {
			t.Error(err)
		}
	})

	v2Obs := properties(without(observationFields, passengerFields))
	v2Latest := properties(without(latestFields, passengerFields, breakdownFields))
	if v2Obs == properties(observationFields) || strings.Contains(v2Latest, `"base"`) || strings.Contains(v2Latest, `"adults"`) {
		t.Fatal("could not take the version 3 fields out of the mappings")
	}
	for _, tm := range []struct{ name, pattern, fields, settings, index string }{
		{prefix + "-observations", ObservationsPattern(prefix), v2Obs, changeLogSettings, obsIndex},
		{prefix + "-latest", LatestIndex(prefix), v2Latest, "", LatestIndex(prefix)},
	} {
		body := bytes.Replace(template(tm.pattern, tm.fields, tm.settings),
			[]byte(fmt.Sprintf(`"version": %d`, TemplateVersion)), []byte(`"version": 2`), 1)
		if bytes.Contains(body, []byte(fmt.Sprintf(`"version": %d`, TemplateVersion))) {
			t.Fatal("could not set the template's version to 2")
		}
		if err := send(ctx, es, esapi.IndicesPutIndexTemplateRequest{Name: tm.name, Body: bytes.NewReader(body)}, "putting "+tm.name); err != nil {
			t.Fatal(err)
		}
		if err := send(ctx, es, esapi.IndicesCreateRequest{Index: tm.index}, "creating "+tm.index); err != nil {
			t.Fatal(err)
		}
	}

	key := fare.SeriesKey{Source: "amadeus", Origin: "ICN", Destination: "NRT", Departure: "2027-01-10",
		Cabin: fare.CabinMixed, NonStop: true, Carrier: "KE", Currency: "KRW", Passengers: fare.Passengers{Adults: 2}}
	price, _ := fare.ParseMoney("463200", "KRW")
	o := fare.NewObservation(key, at, price, 1)
	o.Breakdown, _ = fare.NewBreakdown(price, "346000", "500000")
	var dead []DeadLetter
	ix, err := New(es, Config{Prefix: prefix, Refresh: true, DeadLetter: func(d DeadLetter) error { dead = append(dead, d); return nil }})
	if err != nil {
		t.Fatal(err)
	}
	sum, err := ix.Index(ctx, bytes.NewReader(append(o.AppendJSON(nil), '\n')))
	if err != nil || len(dead) > 0 || sum.Count(Created) != 1 {
		t.Fatalf("Index = %+v, %v, dead letters %+v; want one change point created", sum, err, dead)
	}
	res, err := esapi.GetRequest{Index: LatestIndex(prefix), DocumentID: o.SeriesID}.Do(ctx, es)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var doc struct {
		Source map[string]any `json:"_source"`
	}
	if err := json.NewDecoder(res.Body).Decode(&doc); err != nil {
		t.Fatal(err)
	}
	src := doc.Source
	if src["adults"] != 2.0 || src["cabin"] != "MIXED" || src["taxes_minor"] != 117200.0 || src["grand_total"] != "500000" {
		t.Errorf("latest document %v, want adults 2, cabin MIXED, taxes 117200 and grand total 500000", src)
	}
}

// without returns fields less those of the groups.
func without(fields []field, groups ...[]field) []field {
	var out []field
	for _, f := range fields {
		if !slices.ContainsFunc(concat(groups...), func(g field) bool { return g.name == f.name }) {
			out = append(out, f)
		}
	}
	return out
}
