package integration

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/elastic/go-elasticsearch/v8/esapi"

	"github.com/farepipe/farepipe/internal/esindex"
	"github.com/farepipe/farepipe/internal/fare"
)

// An observation that Elasticsearch itself rejects (here: a change-log
// index whose mapping cannot take it) ends in the dead-letter object with
// the node's status, error type and reason, and the other observations of
// the object are indexed. The bulk answers are filtered to status and
// error (esindex asks for filter_path), so this also shows that the error
// survives the filter on a real node.
func TestIndexDeadLettersWhatElasticsearchRejects(t *testing.T) {
	e := newEnv(t)
	key := fare.SeriesKey{Source: "test", Origin: "ICN", Destination: "NRT", Departure: "2027-03-01",
		Cabin: "ECONOMY", NonStop: true, Carrier: "KE", Currency: "KRW"}
	price, err := fare.MoneyFromMinor(250_000, "KRW")
	if err != nil {
		t.Fatal(err)
	}
	good := fare.NewObservation(key, time.Date(2026, 9, 5, 6, 0, 0, 0, time.UTC), price, 1)
	other := key
	other.Carrier = "OZ"
	rejected := fare.NewObservation(other, time.Date(2026, 10, 5, 6, 0, 0, 0, time.UTC), price, 1)

	// The October change-log index exists already with non_stop mapped as
	// a date, which no boolean fits.
	broken := esindex.ObservationsIndex(e.prefix, rejected.ObservedAt)
	res, err := esapi.IndicesCreateRequest{Index: broken,
		Body: strings.NewReader(`{"mappings":{"properties":{"non_stop":{"type":"date"}}}}`)}.Do(context.Background(), e.es)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.IsError() {
		t.Fatalf("creating %s: %s", broken, res.String())
	}

	in := e.put("curated/source=test/date=2026-10-05/mixed.ndjson.gz",
		gzipped(t, good.AppendJSON(nil), rejected.AppendJSON(nil)))
	ix := e.must("index", "--in", in)
	if ix.outputs["created"] != "1" || ix.outputs["dead_lettered"] != "1" || ix.outputs["latest-written"] != "2" ||
		ix.outputs["writes-failed"] != "0" {
		t.Errorf("index outputs %v, want 1 created, 1 dead-lettered, 2 latest written, no write failed", ix.outputs)
	}

	dead := records(t, e.get(ix.outputs["dead-letter"]))
	if len(dead) != 1 {
		t.Fatalf("dead-letter object holds %d records, want 1: %v", len(dead), dead)
	}
	d := dead[0]
	typ, _ := d["type"].(string)
	reason, _ := d["reason"].(string)
	record, _ := d["record"].(map[string]any)
	if d["id"] != rejected.ID || d["index"] != broken || d["status"] != 400.0 ||
		!strings.HasSuffix(typ, "_exception") || !strings.Contains(reason, "non_stop") || record["id"] != rejected.ID {
		t.Errorf("dead letter %v, want %s in %s with status 400, the node's error type and a reason naming non_stop",
			d, rejected.ID, broken)
	}

	obs := e.observations()
	if len(obs) != 1 || obs[0].ID != good.ID {
		t.Errorf("change log holds %v, want only %s", obs, good.ID)
	}
	// The rejected series' latest document counts the observation: its
	// history holds it, only the change log could not take it.
	if latest := e.latest(); len(latest) != 2 {
		t.Errorf("latest documents %v, want both series", latest)
	}
	// Indexing the object again changes nothing and fails nothing: the
	// rejected write is not tried forever.
	again := e.must("index", "--in", in)
	if again.outputs["duplicate"] != "2" || again.outputs["writes-failed"] != "0" {
		t.Errorf("index again: outputs %v, want 2 duplicates, no write failed", again.outputs)
	}
}
