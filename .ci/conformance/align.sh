#!/usr/bin/env bash
# Conformance: sentence alignment on $SHARED/data/alignment/dev (issue 4).
# Aligns every dev file in batch mode through selfcheck.py, prints the score table and fails
# only when a ratcheted score drops below .ci/ratchet/align.txt (lines `name value`, scores
# as fractions: overall strict F1, and the worst (pair, variant) row... see the file).
set -euo pipefail
cd "$(dirname "$0")/../.."
out="$(python3 "$SHARED/tools/selfcheck.py" --tomo "$TOMO_BIN" align)"
echo "$out"
status=0
while read -r name floor; do
  case "$name" in ''|'#'*) continue ;; esac
  case "$name" in
    strict_f1) value="$(echo "$out" | sed -n 's/.*SUMMARY .*strict_f1=\([0-9.]*\).*/\1/p')" ;;
    link_f1) value="$(echo "$out" | sed -n 's/.*SUMMARY .*link_f1=\([0-9.]*\).*/\1/p')" ;;
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
