#!/usr/bin/env bash
# Conformance: the TMX fixtures in $SHARED/data/tmx/fixtures import (or are refused with a
# message, never a panic), their exports validate against tmx14.dtd, and export -> import ->
# export gives the same units. Scores below the ratchet in .ci/ratchet/tmx.txt fail the step;
# an unmet target does not.
set -uo pipefail
cd "$(dirname "$0")/../.."
: "${TOMO_BIN:?set TOMO_BIN to the release tomo}" "${SHARED:?set SHARED to the shared folder}"

out="$(python3 "$SHARED/tools/selfcheck.py" --tomo "$TOMO_BIN" tmx 2>&1)"
status=$?
echo "$out"
if [ $status -ne 0 ]; then
  echo "tmx conformance: selfcheck failed (exit $status: a panic, or it could not run)"
  exit 1
fi

summary="$(grep '^tmx: [0-9]* fixtures:' <<<"$out" | tail -1)"
imported="$(sed -n 's/.*imported \([0-9]*\).*/\1/p' <<<"$summary")"
valid="$(sed -n 's/.*DTD-valid exports \([0-9]*\).*/\1/p' <<<"$summary")"
trips="$(sed -n 's/.*round trips \([0-9]*\)\/[0-9]*.*/\1/p' <<<"$summary")"
ratchet() { sed -n "s/^$1 *= *\([0-9]*\).*/\1/p" .ci/ratchet/tmx.txt; }

fail=0
check() { # name got want
  if [ -z "$2" ]; then
    echo "tmx conformance: no score for $1 in the selfcheck output"; fail=1
  elif [ "$2" -lt "$3" ]; then
    echo "tmx conformance: $1 dropped to $2 (ratchet $3)"; fail=1
  else
    echo "tmx conformance: $1 $2 (ratchet $3)"
  fi
}
check imported "$imported" "$(ratchet imported)"
if grep -q 'DTD-valid exports n/a' <<<"$summary"; then
  echo "tmx conformance: dtd_valid not measured (no xmllint)"
else
  check dtd_valid "$valid" "$(ratchet dtd_valid)"
fi
check round_trips "$trips" "$(ratchet round_trips)"
exit $fail
