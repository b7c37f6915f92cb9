#!/usr/bin/env bash
# Throughput of `tomo segment` (release build, one thread) on ~5 MB each of English, Japanese
# and Korean news-like text, built in /tmp from the shared gold inputs (never committed).
# Prints MB/s and max RSS. Usage: benches/segment.sh [SHARED]   (default ../shared)
set -euo pipefail
cd "$(dirname "$0")/.."
SHARED=${1:-${SHARED:-../shared}}
DATA="$SHARED/data/segmentation"
cargo build --release --quiet
TOMO="$PWD/target/release/tomo"
TMP=$(mktemp -d /tmp/tomo-segbench.XXXXXX)
trap 'rm -rf "$TMP"' EXIT

# Concatenate the inputs as paragraphs until the file reaches ~5 MB.
build() {
  python3 - "$1" "$2" <<'PY'
import json, sys
src, dst = sys.argv[1], sys.argv[2]
paras = [json.loads(l)["input"].strip() for l in open(src, encoding="utf-8")]
paras = [p for p in paras if p]
out, size = [], 0
while size < 5_000_000:
    for p in paras:
        out.append(p); size += len(p.encode()) + 2
with open(dst, "w", encoding="utf-8") as f:
    f.write("\n\n".join(out) + "\n")
PY
}
build "$DATA/en.jsonl" "$TMP/en.txt"
build "$DATA/ja.jsonl" "$TMP/ja.txt"
build "$DATA/ko.jsonl" "$TMP/ko.txt"

echo "machine: $(uname -srm), $(nproc) cores; $(date -u +%Y-%m-%dT%H:%MZ)"
# Best of three measurements. MB/s is given on wall-clock time and on CPU time (user + sys): on a
# shared machine the wall clock includes waiting for a core, the CPU time does not.
for lang in en ja ko; do
  f="$TMP/$lang.txt"
  bytes=$(stat -c %s "$f")
  best=""
  for _ in 1 2 3; do
    # Five segmentations per measurement, so the 10 ms clock resolution does not dominate.
    /usr/bin/time -f "%e %U %S %M" -o "$TMP/time" sh -c \
      'for _ in 1 2 3 4 5; do "$0" segment "$1" --lang "$2" --format text > /dev/null; done' "$TOMO" "$f" "$lang"
    read -r wall user sys rss < "$TMP/time"
    cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }')
    if [ -z "$best" ] || awk -v a="$cpu" -v b="$best" 'BEGIN { exit !(a < b) }'; then
      best=$cpu; best_wall=$wall; best_rss=$rss
    fi
  done
  awk -v b="$bytes" -v c="$best" -v w="$best_wall" -v r="$best_rss" -v l="$lang" 'BEGIN {
    mb = 5 * b / 1e6
    printf "%s: 5 x %.1f MB; CPU %.2f s = %.0f MB/s; wall %.2f s = %.0f MB/s; max RSS %.1f MB\n",
      l, mb / 5, c, (c > 0 ? mb / c : 0), w, (w > 0 ? mb / w : 0), r / 1024 }'
done
