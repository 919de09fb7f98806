"""bulk_load.py URL PREFIX DIR WORKERS: posts the _bulk bodies that
hack/peers/bulk_bodies.py wrote to DIR back to back, WORKERS requests in
flight, each body to <PREFIX><its index suffix>/_bulk. No deduplication,
no reads, no retries: the node's ceiling for the documents farepipe
writes. It refreshes the indices at the end (as the index step does),
prints the items written and exits 1 if any failed (the first failure to
standard error)."""

import glob
import http.client
import os
import sys
import threading
import urllib.parse

import orjson


def main(url, prefix, directory, workers):
    u = urllib.parse.urlsplit(url)
    jobs = []
    for body in sorted(glob.glob(os.path.join(directory, "-*.ndjson"))):
        suffix = os.path.basename(body).rsplit("-", 1)[0]
        jobs.append((f"/{prefix}{suffix}/_bulk?filter_path=errors,items.*.status,items.*.error", body))
    lock = threading.Lock()
    totals = {"ok": 0, "failed": 0}
    errors = []  # a thread stops at the first request that fails

    def work():
        try:
            post_all()
        except Exception as e:  # noqa: BLE001 -- reported by the main thread
            with lock:
                errors.append(repr(e))

    def post_all():
        conn = http.client.HTTPConnection(u.hostname, u.port or 80)
        while True:
            with lock:
                if not jobs:
                    return
                path, body_path = jobs.pop(0)
            with open(body_path, "rb") as f:
                body = f.read()
            conn.request("POST", path, body, {"Content-Type": "application/x-ndjson"})
            resp = conn.getresponse()
            raw = resp.read()
            if resp.status != 200:
                with lock:
                    errors.append(f"POST {path}: HTTP {resp.status}: {raw[:300]!r}")
                return
            answer = orjson.loads(raw)
            items = [r for item in answer["items"] for r in item.values()]
            bad = [r for r in items if r["status"] >= 300]
            with lock:
                if bad and not totals["failed"]:
                    print(f"first failure, POST {path}: {bad[0]}", file=sys.stderr)
                totals["ok"] += len(items) - len(bad)
                totals["failed"] += len(bad)

    threads = [threading.Thread(target=work) for _ in range(int(workers))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise SystemExit(errors[0])
    conn = http.client.HTTPConnection(u.hostname, u.port or 80)
    conn.request("POST", f"/{prefix}-*/_refresh")
    resp = conn.getresponse()
    resp.read()
    if resp.status != 200:
        raise SystemExit(f"POST /{prefix}-*/_refresh: HTTP {resp.status}")
    print(f"written={totals['ok']} failed={totals['failed']}")
    sys.exit(1 if totals["failed"] else 0)


if __name__ == "__main__":
    main(*sys.argv[1:])
