#!/usr/bin/env bash
# Conformance: sentence segmentation on $SHARED/data/segmentation, scored by the shared
# selfcheck (verbatim cases; newline_is_boundary cases run with --newline break/wrap).
# Prints the per-language table and fails only when a language drops below the ratchet in
# .ci/ratchet/segment.txt (lines "LANG COUNT", the best the project has reached).
set -euo pipefail
cd "$(dirname "$0")/../.."
: "${TOMO_BIN:?set TOMO_BIN to the release tomo}" "${SHARED:?set SHARED to the shared folder}"

line=$(python3 "$SHARED/tools/selfcheck.py" --tomo "$TOMO_BIN" segment)
echo "$line"
status=0
printf '%-4s %8s %8s %8s\n' lang passed total ratchet
while read -r lang best; do
  case "$lang" in ''|'#'*) continue ;; esac
  score=$(printf '%s\n' "$line" | grep -oE "\b$lang [0-9]+/[0-9]+" | head -1 || true)
  if [ -z "$score" ]; then
    echo "segment: no score for $lang"; status=1; continue
  fi
  passed=${score#* }; passed=${passed%/*}; total=${score#*/}
  printf '%-4s %8s %8s %8s\n' "$lang" "$passed" "$total" "$best"
  if [ "$passed" -lt "$best" ]; then
    echo "segment: $lang dropped to $passed, below the ratchet $best"; status=1
  fi
done < .ci/ratchet/segment.txt
if printf '%s\n' "$line" | grep -q PANICS; then status=1; fi
exit $status
