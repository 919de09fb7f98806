"""bulk_bodies.py DUMP DIR BYTES: writes the _bulk request bodies of the
documents in DUMP (hack/peers/es_admin.py dump: the documents the index
step wrote) to DIR, for hack/peers/bulk_load.py: a create of each
document under its id, one series of bodies of at most BYTES bytes per
index, named for the index less its prefix (-latest-00000.ndjson, …). The
index is left to the URL, so the same bodies serve every fresh prefix.
"""

import os
import sys

import orjson


def main(dump, directory, limit):
    limit = int(limit)
    os.makedirs(directory, exist_ok=True)
    bodies = {}  # index suffix -> [parts, size, count]

    def flush(suffix):
        parts, _, n = bodies[suffix]
        if parts:
            with open(os.path.join(directory, f"{suffix}-{n:05d}.ndjson"), "wb") as f:
                f.writelines(parts)
            bodies[suffix] = [[], 0, n + 1]

    with open(dump, "rb") as f:
        for line in f:
            d = orjson.loads(line)
            item = orjson.dumps({"create": {"_id": d["id"]}}) + b"\n" + orjson.dumps(d["source"]) + b"\n"
            b = bodies.setdefault(d["index"], [[], 0, 0])
            if b[1] + len(item) > limit and b[0]:
                flush(d["index"])
                b = bodies[d["index"]]
            b[0].append(item)
            b[1] += len(item)
    for suffix in list(bodies):
        flush(suffix)


if __name__ == "__main__":
    main(*sys.argv[1:])
