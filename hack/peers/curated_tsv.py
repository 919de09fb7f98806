"""curated_tsv.py CURATED: writes the observations of a curated object
(gzip NDJSON, as the transform step writes it) as the tab-separated lines
of hack/peers/cheapest.jq, to check the peers' answers against farepipe's."""

import gzip
import sys

import orjson

FIELDS = ("origin", "destination", "departure_date", "return_date", "cabin")
TAIL = ("carrier", "currency", "adults", "children", "infants", "amount")


def main(path):
    write = sys.stdout.write
    with gzip.open(path, "rb") as f:
        for line in f:
            ob = orjson.loads(line)
            row = [ob.get(k) or "" for k in FIELDS]
            row.append("true" if ob.get("non_stop") else "false")
            row += [str(ob.get(k, "")) for k in TAIL]
            write("\t".join(row) + "\n")


if __name__ == "__main__":
    main(sys.argv[1])
