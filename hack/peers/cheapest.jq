# cheapest.jq: for every answer (one envelope line of a raw batch), the
# cheapest offer per series key, one tab-separated line each:
#   origin destination departure return cabin non_stop carrier currency
#   adults children infants amount
# The key is read from the offer as farepipe reads it (internal/amadeus):
# first departure and last arrival of the outbound, local dates of the
# outbound's and the inbound's first departures, the one cabin of every
# segment and traveller or MIXED, non-stop when every itinerary is one
# segment without a stop, first validating airline (else the first
# segment's carrier), currency, travellers by type. The price is compared
# as a floating-point number and printed as the answer's own text. Nothing
# is validated and nothing is quarantined. Run with jq -r.
select(.status == 200)
| [ .body.data[]?
    | .itineraries as $its
    | ([.travelerPricings[].fareDetailsBySegment[].cabin] | unique) as $cabins
    | [.travelerPricings[].travelerType] as $types
    | { key: [
          $its[0].segments[0].departure.iataCode,
          $its[0].segments[-1].arrival.iataCode,
          $its[0].segments[0].departure.at[0:10],
          (if ($its | length) > 1 then $its[1].segments[0].departure.at[0:10] else "" end),
          (if ($cabins | length) == 1 then $cabins[0] elif ($cabins | length) == 0 then "" else "MIXED" end),
          (if all($its[]; (.segments | length) == 1 and .segments[0].numberOfStops == 0) then "true" else "false" end),
          (.validatingAirlineCodes[0] // $its[0].segments[0].carrierCode),
          .price.currency,
          ([$types[] | select(. == "ADULT")] | length),
          ([$types[] | select(. == "CHILD")] | length),
          ([$types[] | select(. == "HELD_INFANT" or . == "SEATED_INFANT")] | length)
        ],
        price: (.price.total | tonumber),
        amount: .price.total } ]
| group_by(.key)[]
| min_by(.price)
| .key + [.amount]
| @tsv
