#!/usr/bin/env bash
# Conformance: the XLIFF draft of the example article validates against the OASIS XLIFF 1.2
# strict schema. Score: 1 when valid, 0 when not (or not produced). Fails only when the score
# drops below the ratchet in .ci/ratchet/xliff.txt (1 once it has passed).
set -uo pipefail
cd "$(dirname "$0")/../.."

XSD="$SHARED/data/xliff/xliff-core-1.2-strict.xsd"
ARTICLE=examples/articles/ja/new-20260815-typhoon.txt
ratchet=$(cat .ci/ratchet/xliff.txt 2>/dev/null || echo 0)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if ! command -v xmllint >/dev/null 2>&1; then
  echo "xliff: xmllint not installed, skipped"
  exit 0
fi

# A memory gives the draft real targets and alt-trans entries: the sample memory when it is
# built, else the translated older typhoon article from the test fixtures.
seed=tm/sample.tmx
[ -f "$seed" ] || seed=tests/data/reuse/20260814-typhoon.xlf
"$TOMO_BIN" --db "$work/tm.db" import "$seed" >/dev/null 2>&1 || echo "xliff: could not import $seed"

score=0
if "$TOMO_BIN" --db "$work/tm.db" translate "$ARTICLE" --from ja --to en --min 50 --format xliff -o "$work/draft.xlf" 2>"$work/err"; then
  units=$(grep -c '<trans-unit ' "$work/draft.xlf")
  targets=$(grep -c 'state="needs-review-translation"' "$work/draft.xlf")
  alts=$(grep -c '<alt-trans ' "$work/draft.xlf")
  if xmllint --noout --schema "$XSD" "$work/draft.xlf" 2>"$work/lint"; then
    score=1
    echo "xliff: draft of $ARTICLE valid against XLIFF 1.2 strict ($units trans-units, $targets with a draft target, $alts alt-trans)"
  else
    echo "xliff: draft of $ARTICLE INVALID against XLIFF 1.2 strict:"
    head -20 "$work/lint"
  fi
else
  echo "xliff: tomo translate failed: $(head -3 "$work/err")"
fi

echo "xliff: score $score (ratchet $ratchet)"
if [ "$score" -lt "$ratchet" ]; then
  echo "xliff: REGRESSION below ratchet"
  exit 1
fi
exit 0
