package step

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/farepipe/farepipe/internal/amadeus"
	"github.com/farepipe/farepipe/internal/plan"
	"github.com/farepipe/farepipe/internal/provider"
	"github.com/farepipe/farepipe/internal/synthetic"
)

// PlanFlags are the flags that make a search plan, from a YAML file or
// from flags.
func PlanFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "plan", EnvVars: []string{"FAREPIPE_PLAN"},
			Usage: "YAML search plan file (instead of --routes and the date flags)"},
		&cli.StringFlag{Name: "routes", EnvVars: []string{"FAREPIPE_ROUTES"},
			Usage: "comma-separated routes, e.g. ICN-NRT,ICN-KIX"},
		&cli.StringFlag{Name: "from", EnvVars: []string{"FAREPIPE_FROM"},
			Usage: "first departure date, YYYY-MM-DD (default: 30 days after --observed-at)"},
		&cli.IntFlag{Name: "days", Value: 30, EnvVars: []string{"FAREPIPE_DAYS"},
			Usage: "number of departure dates from --from"},
		&cli.StringFlag{Name: "stay", EnvVars: []string{"FAREPIPE_STAY"},
			Usage: "comma-separated round-trip lengths in days, e.g. 3,7 (default: one way)"},
		&cli.StringFlag{Name: "cabin", EnvVars: []string{"FAREPIPE_CABIN"},
			Usage: "ECONOMY, PREMIUM_ECONOMY, BUSINESS or FIRST (default: the provider's)"},
		&cli.BoolFlag{Name: "non-stop", EnvVars: []string{"FAREPIPE_NON_STOP"}, Usage: "non-stop flights only"},
		&cli.StringFlag{Name: "currency", EnvVars: []string{"FAREPIPE_CURRENCY"},
			Usage: "ISO 4217 currency of the prices (default: the provider's)"},
		&cli.IntFlag{Name: "adults", Value: 1, EnvVars: []string{"FAREPIPE_ADULTS"}, Usage: "adult travellers, 1 to 9"},
	}
}

// Plan builds and validates the search plan of the flags. observedAt
// supplies the default first departure date.
func Plan(c *cli.Context, observedAt time.Time) (plan.Plan, error) {
	if path := c.String("plan"); path != "" {
		for _, f := range []string{"routes", "from", "stay"} {
			if c.IsSet(f) {
				return plan.Plan{}, Usagef("--plan and --%s cannot be used together", f)
			}
		}
		p, err := plan.Load(path)
		if err != nil {
			return p, Usage(err)
		}
		return p, nil
	}
	if c.String("routes") == "" {
		return plan.Plan{}, Usagef("give the searches with --plan FILE or --routes (e.g. --routes ICN-NRT)")
	}
	routes, err := plan.ParseRoutes(c.String("routes"))
	if err != nil {
		return plan.Plan{}, Usage(fmt.Errorf("--routes: %w", err))
	}
	from := c.String("from")
	if from == "" {
		from = observedAt.UTC().AddDate(0, 0, 30).Format("2006-01-02")
	}
	p := plan.Plan{
		Routes: routes, Departure: plan.Window{From: from, Days: c.Int("days")},
		Cabin: c.String("cabin"), NonStop: c.Bool("non-stop"), Currency: c.String("currency"),
		Adults: c.Int("adults"),
	}
	if s := c.String("stay"); s != "" {
		for _, f := range strings.Split(s, ",") {
			n, err := strconv.Atoi(strings.TrimSpace(f))
			if err != nil {
				return p, Usagef("--stay %q: %q is not a number of days", s, f)
			}
			p.Stays = append(p.Stays, n)
		}
	}
	if err := p.Validate(); err != nil {
		return p, Usage(err)
	}
	return p, nil
}

// ProviderFlags are the flags that choose and tune a provider. The Amadeus
// credentials come from the environment only: FAREPIPE_AMADEUS_CLIENT_ID
// and FAREPIPE_AMADEUS_CLIENT_SECRET.
func ProviderFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "provider", Value: synthetic.Name, EnvVars: []string{"FAREPIPE_PROVIDER"},
			Usage: "fare provider: synthetic (deterministic, offline) or amadeus"},
		&cli.Int64Flag{Name: "seed", Value: 1, EnvVars: []string{"FAREPIPE_SEED"},
			Usage: "synthetic provider: market seed"},
		&cli.StringFlag{Name: "observed-at", EnvVars: []string{"FAREPIPE_OBSERVED_AT"},
			Usage: "synthetic provider: the instant prices are quoted at, RFC 3339 (default: now)"},
		&cli.StringFlag{Name: "amadeus-url", Value: "https://test.api.amadeus.com", EnvVars: []string{"FAREPIPE_AMADEUS_URL"},
			Usage: "amadeus provider: API base URL"},
		&cli.Float64Flag{Name: "rate", Value: 5, EnvVars: []string{"FAREPIPE_RATE"},
			Usage: "amadeus provider: requests per second of this process"},
		&cli.IntFlag{Name: "budget", EnvVars: []string{"FAREPIPE_BUDGET"},
			Usage: "amadeus provider: most HTTP requests this process may send (0: no limit)"},
		&cli.DurationFlag{Name: "timeout", Value: 20 * time.Second, EnvVars: []string{"FAREPIPE_TIMEOUT"},
			Usage: "amadeus provider: timeout of one request"},
	}
}

// RunShareFlags are the flags of a whole run's request rate and budget,
// which each of a run's shards takes its share of (see ShardProvider).
func RunShareFlags() []cli.Flag {
	return []cli.Flag{
		&cli.Float64Flag{Name: "run-rate", EnvVars: []string{"FAREPIPE_RUN_RATE"},
			Usage: "amadeus provider: requests per second of the whole run, all shards together; each shard takes 1/N (instead of --rate)"},
		&cli.IntFlag{Name: "run-budget", EnvVars: []string{"FAREPIPE_RUN_BUDGET"},
			Usage: "amadeus provider: most HTTP requests of the whole run, all shards together; each shard takes its share (instead of --budget)"},
	}
}

// Share returns shard's part of a whole run's total: total/N, and one
// more for each of the first total%N shards, so the N shares add up to
// total and every run splits it the same way.
func Share(total int, shard plan.Shard) int {
	if shard.Count <= 1 {
		return total
	}
	n := total / shard.Count
	if shard.Index < total%shard.Count {
		n++
	}
	return n
}

// rateAndBudget returns the request rate and budget of shard: --rate and
// --budget as given (per pod), or its share of --run-rate and
// --run-budget.
func rateAndBudget(c *cli.Context, shard plan.Shard) (float64, int, error) {
	rate, budget := c.Float64("rate"), c.Int("budget")
	if c.IsSet("run-rate") {
		if c.IsSet("rate") {
			return 0, 0, Usagef("--run-rate and --rate cannot be used together")
		}
		r := c.Float64("run-rate")
		if r <= 0 {
			return 0, 0, Usagef("--run-rate %g: want more than 0 requests a second", r)
		}
		rate = r / float64(max(shard.Count, 1))
	}
	if c.IsSet("run-budget") {
		if c.IsSet("budget") {
			return 0, 0, Usagef("--run-budget and --budget cannot be used together")
		}
		b := c.Int("run-budget")
		if b < 0 {
			return 0, 0, Usagef("--run-budget %d: want at least 0 (0: no limit)", b)
		}
		if budget = Share(b, shard); b > 0 && budget == 0 {
			return 0, 0, Usagef("--run-budget %d leaves shard %s no request: give at least one a shard", b, shard)
		}
	}
	return rate, budget, nil
}

// ObservedAt returns the --observed-at instant, or now.
func ObservedAt(c *cli.Context) (time.Time, error) {
	s := c.String("observed-at")
	if s == "" {
		return time.Now().UTC().Truncate(time.Millisecond), nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return t, Usagef("--observed-at %q: want an RFC 3339 time such as 2026-11-21T06:00:00Z", s)
	}
	return t.UTC(), nil
}

// Provider builds the provider the flags choose.
func Provider(c *cli.Context, observedAt time.Time) (provider.Provider, error) {
	return ShardProvider(c, observedAt, plan.All)
}

// ShardProvider builds the provider the flags choose for one shard of a
// run: with RunShareFlags, the shard's share of the run's rate and
// budget.
func ShardProvider(c *cli.Context, observedAt time.Time, shard plan.Shard) (provider.Provider, error) {
	rate, budget, err := rateAndBudget(c, shard)
	if err != nil {
		return nil, err
	}
	switch name := c.String("provider"); name {
	case synthetic.Name:
		return synthetic.New(synthetic.Config{Seed: c.Int64("seed"), ObservedAt: observedAt}), nil
	case "amadeus":
		p, err := amadeus.New(amadeus.Config{
			BaseURL:           c.String("amadeus-url"),
			ClientID:          os.Getenv("FAREPIPE_AMADEUS_CLIENT_ID"),
			ClientSecret:      os.Getenv("FAREPIPE_AMADEUS_CLIENT_SECRET"),
			RequestsPerSecond: rate,
			Budget:            budget,
			Timeout:           c.Duration("timeout"),
		})
		if err != nil {
			return nil, Usagef("amadeus provider (credentials from FAREPIPE_AMADEUS_CLIENT_ID and FAREPIPE_AMADEUS_CLIENT_SECRET): %w", err)
		}
		return p, nil
	default:
		return nil, Usagef("--provider %q: want synthetic or amadeus", name)
	}
}
