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
one_core() { if command -v taskset >/dev/null; then taskset -c 0 "$@"; else "$@"; fi; }
now() { date +%s.%N; }

echo "machine: $(uname -srm), $(nproc) cores; $(date -u +%Y-%m-%dT%H:%MZ)"
docs=$(cat "$DEV"/*.jsonl | wc -l)
for mode in "" "--no-self-train"; do
  t0=$(now)
  for f in "$DEV"/*.jsonl; do one_core "$TOMO" align --jsonl "$f" $mode > /dev/null; done
  t1=$(now)
  awk -v d="$docs" -v a="$t0" -v b="$t1" -v m="${mode:-self-train}" \
    'BEGIN { printf "batch %-16s %d docs in %.2fs: %.0f docs/s\n", m, d, b - a, d / (b - a) }'
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
  t0=$(now)
  one_core "$TOMO" align --jsonl "$tmp/long$n.jsonl" --no-self-train > /dev/null
  t1=$(now)
  awk -v n="$n" -v a="$t0" -v b="$t1" 'BEGIN { printf "one document of %5d source lines: %.3fs\n", n, b - a }'
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
