"""duckdb_run.py SQL RAW THREADS: runs the query in the file SQL over the
raw batch RAW (plain NDJSON) with DuckDB limited to THREADS threads, and
writes its rows to standard output as tab-separated lines."""

import sys

import duckdb


def main(sql_path, raw, threads):
    with open(sql_path, encoding="utf-8") as f:
        query = f.read().strip().rstrip(";")
    con = duckdb.connect(config={"threads": int(threads)})
    quoted = raw.replace("'", "''")
    con.execute(f"CREATE VIEW raw AS SELECT * FROM read_json('{quoted}', format = 'newline_delimited')")
    con.execute(f"COPY ({query}) TO '/dev/stdout' (FORMAT csv, DELIMITER '\t', HEADER false, QUOTE '')")


if __name__ == "__main__":
    main(*sys.argv[1:])
