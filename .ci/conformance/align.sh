#!/usr/bin/env bash
# Conformance: sentence alignment on $SHARED/data/alignment/dev (issue 4).
# Aligns every dev file in batch mode through selfcheck.py and prints its score table, then
# the (pair, variant) rows and the null-bead precision/recall of the same batch runs. Fails
# only when a ratcheted score drops below .ci/ratchet/align.txt (lines `name value`, scores
# as fractions; see the file for the names).
set -euo pipefail
cd "$(dirname "$0")/../.."
DEV="$SHARED/data/alignment/dev"
out="$(python3 "$SHARED/tools/selfcheck.py" --tomo "$TOMO_BIN" align)"
echo "$out"

# The same batch runs (one process per file, as selfcheck.py does), kept for the rows that
# align_eval.py does not group by: pair x variant, and 1-0/0-1 beads alone.
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
for f in "$DEV"/*.jsonl; do
  "$TOMO_BIN" align --jsonl "$f" > "$tmp/$(basename "$f")"
done
rows="$(python3 - "$DEV" "$tmp" <<'PY'
import glob, json, os, sys
from collections import defaultdict
dev, pred_dir = sys.argv[1], sys.argv[2]
beads = lambda bs: {(tuple(sorted(s)), tuple(sorted(t))) for s, t in bs}
pred = {}
for f in glob.glob(os.path.join(pred_dir, "*.jsonl")):
    for line in open(f, encoding="utf-8"):
        d = json.loads(line)
        pred[d["id"]] = beads(d["beads"])
rows = defaultdict(lambda: [0, 0, 0])  # gold, predicted, correct
null = [0, 0, 0]
for f in sorted(glob.glob(os.path.join(dev, "*.jsonl"))):
    for line in open(f, encoding="utf-8"):
        d = json.loads(line)
        g, p = beads(d["gold"]), pred.get(d["id"], set())
        key = f"{d['src_lang']}-{d['tgt_lang']}/{d['meta']['variant']}"
        rows[key] = [a + b for a, b in zip(rows[key], (len(g), len(p), len(g & p)))]
        gn = {b for b in g if not b[0] or not b[1]}
        pn = {b for b in p if not b[0] or not b[1]}
        null = [a + b for a, b in zip(null, (len(gn), len(pn), len(gn & pn)))]
def f1(g, p, c):
    pr, rc = (c / p if p else 0.0), (c / g if g else 0.0)
    return 2 * pr * rc / (pr + rc) if pr + rc else 0.0
for key in sorted(rows):
    print(f"pair-variant={key} strict_f1 {f1(*rows[key]):.4f}")
print(f"null_p {null[2] / null[1] if null[1] else 0.0:.4f}")
print(f"null_r {null[2] / null[0] if null[0] else 0.0:.4f}")
PY
)"
echo "-- by pair x variant (strict F1), null beads (1-0/0-1)"
echo "$rows"

status=0
while read -r name floor; do
  case "$name" in ''|'#'*) continue ;; esac
  case "$name" in
    strict_f1) value="$(echo "$out" | sed -n 's/.*SUMMARY .*strict_f1=\([0-9.]*\).*/\1/p')" ;;
    link_f1) value="$(echo "$out" | sed -n 's/.*SUMMARY .*link_f1=\([0-9.]*\).*/\1/p')" ;;
    pair-variant=*|null_p|null_r) value="$(echo "$rows" | awk -v n="$name" '$1 == n { print $NF }')" ;;
    *) value="$(echo "$out" | awk -v n="$name" '$1 == n { print $7 }')" ;;
  esac
  if [ -z "$value" ]; then
    echo "align: no score for $name"; status=1; continue
  fi
  if awk -v v="$value" -v f="$floor" 'BEGIN { exit !(v + 1e-9 < f) }'; then
    echo "align: $name $value dropped below the ratchet $floor"; status=1
  else
    echo "align: $name $value (ratchet $floor)"
  fi
done < .ci/ratchet/align.txt
exit $status
