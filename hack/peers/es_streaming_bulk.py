"""es_streaming_bulk.py URL PREFIX DUMP CHUNK [THREADS]: what a user of the
official Python client writes to load documents: every document of DUMP
(hack/peers/es_admin.py dump: the documents the index step wrote) created
under its id in <PREFIX><its index suffix>, in chunks of CHUNK actions,
through elasticsearch.helpers.streaming_bulk, or helpers.parallel_bulk
with THREADS threads when THREADS is given. No deduplication against what
is stored, no reads; the documents come made. It refreshes the indices at
the end (as the index step does), prints the items written and exits 1 if
any failed."""

import sys

import orjson
from elasticsearch import Elasticsearch, helpers


def actions(prefix, dump):
    with open(dump, "rb") as f:
        for line in f:
            d = orjson.loads(line)
            yield {"_op_type": "create", "_index": prefix + d["index"], "_id": d["id"], "_source": d["source"]}


def main(url, prefix, dump, chunk, threads=None):
    es = Elasticsearch(url, request_timeout=60)
    if threads is None:
        results = helpers.streaming_bulk(es, actions(prefix, dump), chunk_size=int(chunk),
                                         max_chunk_bytes=5 << 20, raise_on_error=False)
    else:
        results = helpers.parallel_bulk(es, actions(prefix, dump), thread_count=int(threads), chunk_size=int(chunk),
                                        max_chunk_bytes=5 << 20, raise_on_error=False)
    ok = failed = 0
    for good, item in results:
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
