#!/usr/bin/env bash
# Rebuild tm/sample.tmx, the sample memory that ships with tomo, from the older example
# articles: align each Japanese article with its English and Korean editions (Japanese as the
# pivot) and export the aligned units as TMX.
#
#   examples/build-sample-tm.sh [OUT.tmx]     (default tm/sample.tmx; TOMO=path/to/tomo)
#
# Two passes, as a desk would build a memory: the first aligns with length and anchors only
# and imports the beads into a scratch memory; the second aligns again with that memory
# teaching the aligner its lexicon (which places the omitted paragraphs of the condensed
# English editions right) and its result is what ships.
#
# Dates are pinned with SOURCE_DATE_EPOCH so the file is byte-identical on every rebuild;
# tests/cli/reuse.rs rebuilds it and compares.
set -euo pipefail
cd "$(dirname "$0")/.."

out="${1:-tm/sample.tmx}"
tomo="${TOMO:-target/debug/tomo}"
export SOURCE_DATE_EPOCH="${SOURCE_DATE_EPOCH:-1788220800}" # 2026-09-01T00:00:00Z
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

articles() {
  for ja in examples/articles/ja/*.txt; do
    id=$(basename "$ja" .txt)
    case "$id" in new-*) continue ;; esac # the new article is what the memory is for
    echo "$id"
  done
}

for id in $(articles); do
  "$tomo" --db "$scratch/bootstrap.db" align "examples/articles/"{ja,en,ko}"/$id.txt" --langs ja,en,ko --import >/dev/null 2>&1
done
for id in $(articles); do
  "$tomo" --db "$scratch/bootstrap.db" align "examples/articles/"{ja,en,ko}"/$id.txt" --langs ja,en,ko \
    --format tmx >"$scratch/$id.tmx"
  "$tomo" --db "$scratch/sample.db" import "$scratch/$id.tmx" >/dev/null
done
mkdir -p "$(dirname "$out")"
"$tomo" --db "$scratch/sample.db" export -o "$out" --format tmx >/dev/null 2>&1
echo "wrote $out"
