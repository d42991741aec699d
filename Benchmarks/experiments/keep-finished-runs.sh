#!/usr/bin/env bash
# Copies the small files of an experiment folder into the repository, so that a long experiment survives the
# end of a session and a later one carries on from it (issue 19): experiment.json, the starting SFT's config and
# metrics, and for every finished run its config.json, metrics.jsonl, finished.json and log. Checkpoints and the
# starting policy are left out: the runner makes the policy again, bit for bit, and skips the finished runs.
#
#   Benchmarks/experiments/keep-finished-runs.sh RUN_DIR DEST      e.g. /work/ablation-run Benchmarks/experiments/ablation
# To carry on:   cp -r DEST /somewhere/run && vapo experiment <kind> <the command's flags> --out /somewhere/run
set -euo pipefail
from=${1:?RUN_DIR}; to=${2:?DEST}
[ -f "$from/experiment.json" ] || { echo "keep-finished-runs: $from/experiment.json is missing; allowed: an experiment folder" >&2; exit 1; }
mkdir -p "$to"
cp "$from/experiment.json" "$to/"
for f in start.log start/config.json start/metrics.jsonl set-up.json report.md; do
    [ -f "$from/$f" ] && { mkdir -p "$(dirname "$to/$f")"; cp "$from/$f" "$to/$f"; }
done
[ -d "$from/plots" ] && { mkdir -p "$to/plots"; cp "$from"/plots/*.svg "$to/plots/"; }
for done in "$from"/runs/*/seed-*/finished.json; do
    [ -f "$done" ] || continue
    run=$(dirname "$done"); rel=${run#"$from/"}
    mkdir -p "$to/$rel"
    cp "$run/config.json" "$run/metrics.jsonl" "$run/finished.json" "$to/$rel/"
    [ -f "$run.log" ] && cp "$run.log" "$to/$rel.log"
done
echo "kept $(ls -d "$to"/runs/*/seed-*/ 2>/dev/null | wc -l) finished runs of $from in $to"
