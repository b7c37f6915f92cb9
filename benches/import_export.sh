#!/usr/bin/env bash
# Benchmark: import a generated 1,000,000-unit ja/en TMX with the release tomo, export it
# back, and compare with a plain Python sqlite3 executemany of the same file. Reports
# units/s and peak memory (max RSS from /usr/bin/time -v). Not run in CI.
#
#   benches/import_export.sh [UNITS]        (default 1000000; files under /tmp/tomo-bench)
#   TOMO_BIN=/path/to/other/tomo benches/import_export.sh   (A/B: time another build, same input)
#   TOMO_BENCH_RUNS=5 benches/import_export.sh              (import 5 times, a line each: the
#                                                            machine's speed moves between runs)
#
# Targets (issue 2): import >= 200,000 units/s, export faster than import, peak memory
# < 256 MB whatever the file size.
set -euo pipefail
cd "$(dirname "$0")/.."
N="${1:-1000000}"
DIR="${TOMO_BENCH_DIR:-/tmp/tomo-bench}"
mkdir -p "$DIR"
TMX="$DIR/bench-$N.tmx"

if [ -n "${TOMO_BIN:-}" ]; then
  TOMO="$TOMO_BIN"
else
  cargo build --release --quiet
  TOMO="$PWD/target/release/tomo"
fi
[ -s "$TMX" ] || python3 benches/gen_tmx.py "$N" "$TMX"
echo "machine: $(nproc) cores (load $(cut -d' ' -f1-3 /proc/loadavg)), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); $(date -u +%Y-%m-%dT%H:%MZ)"
echo "input:   $TMX ($N units, $(du -hL "$TMX" | cut -f1))"
echo "binary:  $TOMO"

measure() { # label units command...
  local label="$1" units="$2"; shift 2
  local log="$DIR/time.log"
  /usr/bin/time -v "$@" >"$DIR/out.log" 2>"$log" || { cat "$DIR/out.log" "$log"; return 1; }
  local secs rss cpu
  secs="$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$log" | awk -F: '{ if (NF==3) print $1*3600+$2*60+$3; else print $1*60+$2 }')"
  cpu="$(awk -F': ' '/User time|System time/ { t += $2 } END { print t }' "$log")"
  rss="$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$log")"
  # CPU time is reported beside wall time because on a shared machine the wall clock
  # mostly measures the neighbours.
  awk -v l="$label" -v n="$units" -v s="$secs" -v c="$cpu" -v r="$rss" \
    'BEGIN { printf "%-28s wall %7.2f s %9.0f units/s | cpu %7.2f s %9.0f units/s | peak %6.1f MB\n", l, s, n / s, c, n / c, r / 1024 }'
}

for run in $(seq "${TOMO_BENCH_RUNS:-1}"); do
  rm -f "$DIR"/bench.db*
  measure "tomo import" "$N" "$TOMO" --db "$DIR/bench.db" import "$TMX"
done
measure "tomo export (TMX)" "$N" "$TOMO" --db "$DIR/bench.db" export -o "$DIR/export.tmx"
measure "tomo export (CSV)" "$N" "$TOMO" --db "$DIR/bench.db" export -o "$DIR/export.csv" --langs ja,en
measure "python sqlite3 executemany" "$N" python3 benches/py_sqlite_import.py "$TMX" "$DIR/python.db"
cat "$DIR/out.log"
