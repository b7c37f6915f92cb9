#!/usr/bin/env bash
# SRX conformance: load the shared SRX files (rules translated per file) and score agreement
# with OmegaT 3.6's own segmentation (data/segmentation/omegat36), in SRX-spec matching and in
# OmegaT matching mode. Fails only when a score drops below .ci/ratchet/srx.txt.
set -euo pipefail
cd "$(dirname "$0")/../.."
: "${SHARED:?SHARED must point at the shared folder}"
out="$(cargo run --release --quiet --example srx_conformance -- "$SHARED" 2>/dev/null)"
out_omegat="$(cargo run --release --quiet --example srx_conformance -- "$SHARED" --omegat-mode 2>/dev/null |
  grep '^omegat_' | sed 's/^omegat_/omegat-mode_/')"
scores="$(printf '%s\n%s\n' "$out" "$out_omegat" | awk '{print ($1 == "translated" || $1 == "roundtrip") ? $1 ":" $2 " " $3 " " $4 : $1 " " $2 " " $3}')"
printf '%-45s %7s %7s %7s\n' score got of ratchet
status=0
while read -r name got total; do
  floor="$(awk -v n="$name" '$1 == n {print $2}' .ci/ratchet/srx.txt)"
  printf '%-45s %7s %7s %7s\n' "$name" "$got" "$total" "${floor:--}"
  if [ -n "$floor" ] && [ "$got" -lt "$floor" ]; then
    echo "srx: $name dropped to $got, below the ratchet $floor" >&2
    status=1
  fi
done <<< "$scores"
exit $status
