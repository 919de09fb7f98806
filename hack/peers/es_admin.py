"""es_admin.py URL COMMAND ARGS: the index administration of
hack/bench-peers-index.sh, over plain HTTP.

  clone-templates FROM TO  copies the index templates <FROM>-observations
                           and <FROM>-latest (which the index step puts)
                           to <TO>-…, so a peer writes into indices with
                           farepipe's mappings and settings
  count PREFIX             prints the documents of <PREFIX>-* after a refresh
  dump PREFIX FILE         writes every document of <PREFIX>-* to FILE, one
                           line each: {"index": <name less the prefix>,
                           "id": …, "source": …}, for the peers to write
                           the very documents farepipe wrote
  delete PREFIX            deletes the indices <PREFIX>-* by name (the node
                           refuses wildcard deletes) and the two templates
  cpu                      prints the CPU milliseconds the node's process has
                           used
"""

import json
import sys
import urllib.error
import urllib.request


def call(url, method="GET", body=None, missing_ok=False):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, method=method, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req) as resp:
            return json.load(resp)
    except urllib.error.HTTPError as e:
        if missing_ok and e.code == 404:
            return None
        raise SystemExit(f"{method} {url}: HTTP {e.code}: {e.read()[:500]!r}")


def clone_templates(es, src, dst):
    for kind in ("observations", "latest"):
        got = call(f"{es}/_index_template/{src}-{kind}")
        t = got["index_templates"][0]["index_template"]
        t["index_patterns"] = [p.replace(src, dst, 1) for p in t["index_patterns"]]
        call(f"{es}/_index_template/{dst}-{kind}", "PUT", t)


def count(es, prefix):
    call(f"{es}/{prefix}-*/_refresh", "POST")
    print(call(f"{es}/{prefix}-*/_count")["count"])


def dump(es, prefix, path):
    with open(path, "w", encoding="utf-8") as out:
        got = call(f"{es}/{prefix}-*/_search?scroll=2m", "POST", {"size": 5000, "sort": ["_doc"]})
        while got["hits"]["hits"]:
            for h in got["hits"]["hits"]:
                out.write(json.dumps({"index": h["_index"][len(prefix):], "id": h["_id"], "source": h["_source"]},
                                     separators=(",", ":")) + "\n")
            got = call(f"{es}/_search/scroll", "POST", {"scroll": "2m", "scroll_id": got["_scroll_id"]})
        call(f"{es}/_search/scroll", "DELETE", {"scroll_id": got["_scroll_id"]}, missing_ok=True)


def delete(es, prefix):
    rows = call(f"{es}/_cat/indices/{prefix}-*?format=json&h=index") or []
    for row in rows:
        call(f"{es}/{row['index']}", "DELETE", missing_ok=True)
    for kind in ("observations", "latest"):
        call(f"{es}/_index_template/{prefix}-{kind}", "DELETE", missing_ok=True)


def cpu(es):
    nodes = call(f"{es}/_nodes/_local/stats/process")["nodes"]
    print(next(iter(nodes.values()))["process"]["cpu"]["total_in_millis"])


def main(es, command, *args):
    es = es.rstrip("/")
    {"clone-templates": clone_templates, "count": count, "dump": dump, "delete": delete, "cpu": cpu}[command](es, *args)


if __name__ == "__main__":
    main(*sys.argv[1:])
