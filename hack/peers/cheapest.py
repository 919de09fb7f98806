"""cheapest.py RAW: for every answer (one envelope line of the raw batch
RAW, plain NDJSON), the cheapest offer per series key, one tab-separated
line each on standard output, as hack/peers/cheapest.jq writes them.

The plain script a data engineer writes first: orjson to decode each line,
a dict per answer, prices compared as floats and printed as the answer's
own text. Nothing is validated and nothing is quarantined.
"""

import sys

import orjson

INFANTS = ("HELD_INFANT", "SEATED_INFANT")


def offer_key(o):
    its = o["itineraries"]
    out, last = its[0]["segments"][0], its[0]["segments"][-1]
    ret = its[1]["segments"][0]["departure"]["at"][:10] if len(its) > 1 else ""
    cabins = {d["cabin"] for tp in o["travelerPricings"] for d in tp["fareDetailsBySegment"]}
    if len(cabins) == 1:
        cabin = next(iter(cabins))
    else:
        cabin = "MIXED" if cabins else ""
    non_stop = all(len(it["segments"]) == 1 and it["segments"][0]["numberOfStops"] == 0 for it in its)
    carriers = o.get("validatingAirlineCodes") or [out["carrierCode"]]
    types = [tp["travelerType"] for tp in o["travelerPricings"]]
    return (
        out["departure"]["iataCode"],
        last["arrival"]["iataCode"],
        out["departure"]["at"][:10],
        ret,
        cabin,
        "true" if non_stop else "false",
        carriers[0],
        o["price"]["currency"],
        str(types.count("ADULT")),
        str(types.count("CHILD")),
        str(sum(t in INFANTS for t in types)),
    )


def main(path):
    write = sys.stdout.write
    with open(path, "rb") as f:
        for line in f:
            env = orjson.loads(line)
            if env.get("status") != 200:
                continue
            best = {}
            for o in (env.get("body") or {}).get("data") or ():
                key = offer_key(o)
                total = o["price"]["total"]
                price = float(total)
                b = best.get(key)
                if b is None or price < b[0]:
                    best[key] = (price, total)
            for key, (_, total) in best.items():
                write("\t".join(key) + "\t" + total + "\n")


if __name__ == "__main__":
    main(sys.argv[1])
