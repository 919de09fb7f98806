package lint

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"time"

	aev1 "github.com/argoproj/argo-events/pkg/apis/events/v1alpha1"
	"github.com/robfig/cron/v3"
	"gopkg.in/yaml.v3"
)

// notSources are the fields of an EventSource spec that are not a kind of
// source.
var notSources = []string{"eventBusName", "template", "service", "replicas"}

// eventNames returns the names of an EventSource's events, sorted.
func eventNames(es *aev1.EventSource) []string {
	var names []string
	for _, events := range sourceEvents(es) {
		names = append(names, events...)
	}
	slices.Sort(names)
	return names
}

// sourceEvents returns the event names of an EventSource by kind of source.
func sourceEvents(es *aev1.EventSource) map[string][]string {
	body, err := json.Marshal(es.Spec)
	if err != nil {
		return nil
	}
	var spec map[string]json.RawMessage
	if err := json.Unmarshal(body, &spec); err != nil {
		return nil
	}
	out := map[string][]string{}
	for kind, raw := range spec {
		if slices.Contains(notSources, kind) {
			continue
		}
		var events map[string]json.RawMessage
		if json.Unmarshal(raw, &events) != nil {
			continue
		}
		for name := range events {
			out[kind] = append(out[kind], name)
		}
	}
	return out
}

// checkEventSource checks that an EventSource defines events with unique
// names and that the sources farepipe uses are complete.
func (l *linter) checkEventSource(d *doc, es *aev1.EventSource) {
	seen := map[string]string{}
	for kind, names := range sourceEvents(es) {
		for _, name := range names {
			if other, ok := seen[name]; ok {
				l.report(d, at(d.node, "spec", kind, name), "EventSource %q: event %q is defined under %s and %s", es.Name, name, other, kind)
			}
			seen[name] = kind
		}
	}
	if len(seen) == 0 {
		l.report(d, at(d.node, "spec"), "EventSource %q defines no event", es.Name)
	}
	for name, c := range es.Spec.Calendar {
		n := at(d.node, "spec", "calendar", name)
		switch {
		case c.Schedule == "" && c.Interval == "":
			l.report(d, n, "calendar %q needs a schedule or an interval", name)
		case c.Schedule != "":
			if _, err := cron.ParseStandard(c.Schedule); err != nil {
				l.report(d, at(n, "schedule"), "calendar %q: schedule %q: %v", name, c.Schedule, err)
			}
		default:
			if _, err := time.ParseDuration(c.Interval); err != nil {
				l.report(d, at(n, "interval"), "calendar %q: interval %q: %v", name, c.Interval, err)
			}
		}
		if c.Timezone != "" {
			if _, err := time.LoadLocation(c.Timezone); err != nil {
				l.report(d, at(n, "timezone"), "calendar %q: timezone %q: %v", name, c.Timezone, err)
			}
		}
	}
	for name, w := range es.Spec.Webhook {
		n := at(d.node, "spec", "webhook", name)
		if p, err := strconv.Atoi(w.Port); err != nil || p < 1 || p > 65535 {
			l.report(d, at(n, "port"), "webhook %q: port %q is not a port number", name, w.Port)
		}
		if !strings.HasPrefix(w.Endpoint, "/") {
			l.report(d, at(n, "endpoint"), "webhook %q: endpoint %q must start with /", name, w.Endpoint)
		}
		if w.Method == "" {
			l.report(d, n, "webhook %q has no method", name)
		}
	}
	for name, m := range es.Spec.Minio {
		n := at(d.node, "spec", "minio", name)
		if m.Endpoint == "" || m.Bucket == nil || m.Bucket.Name == "" || len(m.Events) == 0 {
			l.report(d, n, "minio %q needs endpoint, bucket.name and events", name)
		}
		for i, e := range m.Events {
			if !strings.HasPrefix(e, "s3:ObjectCreated:") {
				l.report(d, at(n, "events", i), "minio %q: event %q does not create an object: farepipe ingests created objects only", name, e)
			}
		}
		l.checkMinioFilter(d, n, name, m.Filter)
	}
	for name, q := range es.Spec.SQS {
		if q.Queue == "" || q.Region == "" {
			l.report(d, at(d.node, "spec", "sqs", name), "sqs %q needs queue and region", name)
		}
	}
}

// outputAreas are the key prefixes farepipe writes its outputs under: an
// event for an object there would make farepipe ingest its own output.
var outputAreas = []string{"curated/", "quarantine/", "dead-letter/"}

// checkMinioFilter checks that a minio event passes only raw input: a key
// prefix is set, and it lies under none of farepipe's output areas.
func (l *linter) checkMinioFilter(d *doc, n *yaml.Node, name string, f *aev1.S3Filter) {
	if f == nil || f.Prefix == "" {
		l.report(d, n, "minio %q has no filter.prefix: every object of the bucket, farepipe's own outputs too, would start an ingest", name)
		return
	}
	for _, area := range outputAreas {
		if strings.HasPrefix(f.Prefix, area) || strings.HasPrefix(area, f.Prefix) {
			l.report(d, at(n, "filter", "prefix"), "minio %q: filter.prefix %q takes in %s, where farepipe writes its outputs", name, f.Prefix, area)
		}
	}
}

// checkEventBus checks that an EventBus chooses exactly one kind of bus.
func (l *linter) checkEventBus(d *doc, b *aev1.EventBus) {
	kinds := 0
	for _, set := range []bool{b.Spec.NATS != nil, b.Spec.JetStream != nil, b.Spec.Kafka != nil, b.Spec.JetStreamExotic != nil} {
		if set {
			kinds++
		}
	}
	if kinds != 1 {
		l.report(d, at(d.node, "spec"), "EventBus %q must set exactly one of nats, jetstream, kafka and jetstreamExotic (it sets %d)", b.Name, kinds)
	}
	if b.Spec.JetStreamExotic != nil && b.Spec.JetStreamExotic.URL == "" {
		l.report(d, at(d.node, "spec", "jetstreamExotic"), "EventBus %q: jetstreamExotic needs a url", b.Name)
	}
}
