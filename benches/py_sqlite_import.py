#!/usr/bin/env python3
"""The comparison point for benches/import_export.sh: the same TMX read with a streaming
iterparse and inserted with plain sqlite3 executemany into one table (ja, en), one
transaction, no indexes, no normalization, no de-duplication. Prints units, parse+insert
seconds and units/s.

    python3 benches/py_sqlite_import.py FILE.tmx DB
"""
import os
import sqlite3
import sys
import time
import xml.etree.ElementTree as ET

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def pairs(path):
    for _, el in ET.iterparse(path, events=("end",)):
        if el.tag == "tu":
            segs = {tuv.get(XML_LANG): "".join(tuv.find("seg").itertext()) for tuv in el.iter("tuv")}
            yield segs.get("ja-JP"), segs.get("en-US")
            el.clear()


def main():
    path, db = sys.argv[1], sys.argv[2]
    if os.path.exists(db):
        os.remove(db)
    start = time.perf_counter()
    con = sqlite3.connect(db)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=NORMAL")
    con.execute("CREATE TABLE pair (ja TEXT, en TEXT)")
    with con:
        con.executemany("INSERT INTO pair (ja, en) VALUES (?, ?)", pairs(path))
    n = con.execute("SELECT count(*) FROM pair").fetchone()[0]
    con.close()
    secs = time.perf_counter() - start
    print(f"python sqlite3 executemany: {n} units in {secs:.2f} s = {n / secs:,.0f} units/s")


if __name__ == "__main__":
    main()
