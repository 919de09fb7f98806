"""es_streaming_bulk.py URL PREFIX DUMP CHUNK: what a user of the official
Python client writes to load documents: every document of DUMP
(hack/peers/es_admin.py dump: the documents the index step wrote) created
under its id in <PREFIX><its index suffix>, through
elasticsearch.helpers.streaming_bulk in chunks of CHUNK actions. No
deduplication against what is stored, no reads; the documents come made.
It prints the items written and exits 1 if any failed."""

import sys

import orjson
from elasticsearch import Elasticsearch, helpers


def actions(prefix, dump):
    with open(dump, "rb") as f:
        for line in f:
            d = orjson.loads(line)
            yield {"_op_type": "create", "_index": prefix + d["index"], "_id": d["id"], "_source": d["source"]}


def main(url, prefix, dump, chunk):
    es = Elasticsearch(url, request_timeout=60)
    ok = failed = 0
    for good, item in helpers.streaming_bulk(es, actions(prefix, dump), chunk_size=int(chunk),
                                             max_chunk_bytes=5 << 20, raise_on_error=False):
        if good:
            ok += 1
        else:
            if not failed:
                print(f"first failure: {item}", file=sys.stderr)
            failed += 1
    es.indices.refresh(index=f"{prefix}-*")
    print(f"written={ok} failed={failed}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main(*sys.argv[1:])
