-- cheapest.sql: for every answer (one envelope line of the raw batch), the
-- cheapest offer per series key, as hack/peers/cheapest.jq writes them.
-- hack/peers/duckdb_run.py defines the view raw over the batch (DuckDB's
-- JSON reader, its schema detected from the data) and writes the rows as
-- tab-separated lines. Prices are compared as DECIMAL(18,3), exactly;
-- nothing is validated and nothing is quarantined.
WITH answers AS (
    SELECT row_number() OVER () AS answer, body
    FROM raw
    WHERE status = 200
),
offers AS (
    SELECT answer, unnest(body.data) AS o
    FROM answers
),
keyed AS (
    SELECT
        answer,
        o.itineraries[1].segments[1].departure.iataCode AS origin,
        o.itineraries[1].segments[-1].arrival.iataCode AS destination,
        left(CAST(o.itineraries[1].segments[1].departure."at" AS VARCHAR), 10) AS departure,
        CASE WHEN len(o.itineraries) > 1
            THEN left(CAST(o.itineraries[2].segments[1].departure."at" AS VARCHAR), 10)
            ELSE '' END AS return_date,
        list_distinct(flatten(list_transform(o.travelerPricings,
            lambda tp: list_transform(tp.fareDetailsBySegment, lambda d: d.cabin)))) AS cabins,
        list_bool_and(list_transform(o.itineraries,
            lambda it: len(it.segments) = 1 AND it.segments[1].numberOfStops = 0)) AS non_stop,
        coalesce(o.validatingAirlineCodes[1], o.itineraries[1].segments[1].carrierCode) AS carrier,
        o.price.currency AS currency,
        len(list_filter(o.travelerPricings, lambda tp: tp.travelerType = 'ADULT')) AS adults,
        len(list_filter(o.travelerPricings, lambda tp: tp.travelerType = 'CHILD')) AS children,
        len(list_filter(o.travelerPricings,
            lambda tp: tp.travelerType IN ('HELD_INFANT', 'SEATED_INFANT'))) AS infants,
        CAST(o.price.total AS VARCHAR) AS amount
    FROM offers
)
SELECT
    origin, destination, departure, return_date,
    CASE len(cabins) WHEN 1 THEN cabins[1] WHEN 0 THEN '' ELSE 'MIXED' END AS cabin,
    CASE WHEN non_stop THEN 'true' ELSE 'false' END AS non_stop,
    carrier, currency, adults, children, infants,
    arg_min(amount, CAST(amount AS DECIMAL(18, 3))) AS amount
FROM keyed
GROUP BY answer, origin, destination, departure, return_date, cabins, non_stop,
    carrier, currency, adults, children, infants
