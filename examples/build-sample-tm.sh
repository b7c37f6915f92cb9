#!/usr/bin/env bash
# Rebuild tm/sample.tmx, the sample memory that ships with tomo, from the older example
# articles: align each Japanese article with its English and Korean editions (Japanese as the
# pivot), import the beads into a scratch memory, export it as TMX.
#
#   examples/build-sample-tm.sh [OUT.tmx]     (default tm/sample.tmx; TOMO=path/to/tomo)
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

for ja in examples/articles/ja/*.txt; do
  id=$(basename "$ja" .txt)
  case "$id" in new-*) continue ;; esac # the new article is what the memory is for
  "$tomo" --db "$scratch/sample.db" align "$ja" "examples/articles/en/$id.txt" "examples/articles/ko/$id.txt" \
    --langs ja,en,ko --import >/dev/null
done
mkdir -p "$(dirname "$out")"
"$tomo" --db "$scratch/sample.db" export -o "$out" --format tmx >/dev/null
echo "wrote $out"
