#!/usr/bin/env bash
# Alignment speed (issue 4): batch mode over the dev files on one core, and a long document
# to show linear scaling. Times the release binary; run from the project root:
#   cargo build --release && benches/align.sh [../shared]
set -euo pipefail
cd "$(dirname "$0")/.."
SHARED="${1:-${SHARED:-$(cd .. && pwd)/shared}}"
TOMO="${TOMO_BIN:-target/release/tomo}"
DEV="$SHARED/data/alignment/dev"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
# One core: pinned with taskset when there is one.
PIN=()
if command -v taskset > /dev/null; then PIN=(taskset -c 0); fi

echo "machine: $(uname -srm), $(nproc) cores; $(date -u +%Y-%m-%dT%H:%MZ)"
# CPU seconds of a command, the best of RUNS (default 3): wall time means little on a shared
# machine. perf's task-clock counts milliseconds; /usr/bin/time's user + sys counts 10 ms
# ticks, too coarse for 24 processes of 10-20 ms each, and is the fallback.
RUNS="${RUNS:-3}"
once() {
  if command -v perf > /dev/null; then
    perf stat -x, -e task-clock -o "$tmp/time" "$@" > /dev/null
    awk -F, '$3 == "task-clock" { printf "%.4f", $1 / 1000 }' "$tmp/time"
  else
    /usr/bin/time -f "%U %S" -o "$tmp/time" "$@" > /dev/null
    awk '{ printf "%.4f", $1 + $2 }' "$tmp/time"
  fi
}
cpu() {
  local best="" t
  for _ in $(seq "$RUNS"); do
    t=$(once "$@")
    if [ -z "$best" ] || awk -v a="$t" -v b="$best" 'BEGIN { exit !(a < b) }'; then best=$t; fi
  done
  echo "$best"
}
docs=$(cat "$DEV"/*.jsonl | wc -l)
cat "$DEV"/*.jsonl > "$tmp/all.jsonl"
for mode in "" "--no-self-train"; do
  per_file=0
  for f in "$DEV"/*.jsonl; do
    per_file=$(awk -v a="$per_file" -v b="$(cpu "${PIN[@]}" "$TOMO" align --jsonl "$f" $mode)" 'BEGIN { print a + b }')
  done
  one=$(cpu "${PIN[@]}" "$TOMO" align --jsonl "$tmp/all.jsonl" $mode)
  awk -v d="$docs" -v a="$per_file" -v b="$one" -v m="${mode:-self-train}" 'BEGIN {
    printf "batch %-16s %d docs: 24 processes %.3fs CPU (%.0f docs/s), one process %.3fs CPU (%.0f docs/s)\n", m, d, a, d / a, b, d / b }'
done

# Long documents: the ntrex en-ja plain file's lines repeated to n lines, with every 7th
# target line dropped and every 11th pair of source lines merged, so the DP has work to do.
python3 - "$DEV/ntrex.en-ja.plain.jsonl" "$tmp" <<'PY'
import json, sys
src, tgt = [], []
for line in open(sys.argv[1], encoding="utf-8"):
    d = json.loads(line)
    src += d["src"]; tgt += d["tgt"]
for n in (1250, 2500, 5000, 10000):
    s = [src[k % len(src)] for k in range(n)]
    t = [tgt[k % len(tgt)] for k in range(n) if k % 7 != 3]
    merged = []
    k = 0
    while k < len(s):
        if k % 11 == 5 and k + 1 < len(s):
            merged.append(s[k] + " " + s[k + 1]); k += 2
        else:
            merged.append(s[k]); k += 1
    doc = {"id": f"long{n}", "src_lang": "en", "tgt_lang": "ja", "src": merged, "tgt": t}
    with open(f"{sys.argv[2]}/long{n}.jsonl", "w", encoding="utf-8") as f:
        f.write(json.dumps(doc, ensure_ascii=False) + "\n")
PY
for n in 1250 2500 5000 10000; do
  t=$(cpu "${PIN[@]}" "$TOMO" align --jsonl "$tmp/long$n.jsonl" --no-self-train)
  /usr/bin/time -f "%M" -o "$tmp/mem" "$TOMO" align --jsonl "$tmp/long$n.jsonl" --no-self-train > /dev/null
  awk -v n="$n" -v t="$t" '{ printf "one document of %5d source lines: %.3fs CPU, %d MB peak memory\n", n, t, $1 / 1024 }' "$tmp/mem"
done

# The learnt lexicon's gain: each dev file aligned with a lexicon learnt from the plain
# variants of the OTHER sources' files (never the same documents: ntrex files share their
# documents across pairs, so a source's own files are all left out) against none.
score() { python3 "$SHARED/tools/align_eval.py" "$DEV"/*.jsonl --pred "$1" | sed -n 's/^SUMMARY .*strict_f1=\([0-9.]*\).*link_f1=\([0-9.]*\).*/strict F1 \1, link F1 \2/p'; }
for self in "--no-self-train" ""; do
  mkdir -p "$tmp/none" "$tmp/lex"
  for f in "$DEV"/*.jsonl; do
    name="$(basename "$f")"
    source="${name%%.*}"
    others=()
    for p in "$DEV"/*.plain.jsonl; do
      [ "$(basename "$p" | cut -d. -f1)" = "$source" ] || others+=(--lexicon-from "$p")
    done
    "$TOMO" align --jsonl "$f" $self > "$tmp/none/$name"
    "$TOMO" align --jsonl "$f" $self "${others[@]}" > "$tmp/lex/$name"
  done
  echo "lexicon ${self:-with self-training}: empty: $(score "$tmp/none"); from other sources' plain files: $(score "$tmp/lex")"
done
