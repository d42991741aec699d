#!/usr/bin/env bash
# Issue 16, part 4: does VAPO lead? Runs presets (default vapo, ppo, grpo, dapo) on the main command's setting
# (`vapo train` with no arguments: the 300-step short SFT of the seed, then the preset's defaults for --steps
# RL steps) for several seeds, two runs at a time on one thread each, and prints mean ± standard deviation of
# the final held-out greedy accuracy and of the area under the accuracy curve (the trapezoid over the
# evaluations, divided by the steps: the mean accuracy over training).
#
# Restartable: a finished run (its metrics hold the last step) is skipped, a stopped one is resumed bit for bit
# (`vapo train --resume`), the short SFTs are made once per seed. Results are reproducible from the command and
# the revision: training is bit-reproducible.
set -euo pipefail
cd "$(dirname "$0")/.."
usage() { echo "usage: $0 [--seeds 0,1,2] [--presets vapo,ppo,grpo,dapo] [--steps N] [--out DIR] [--jobs N]" >&2; exit 2; }
seeds=0,1,2; presets=vapo,ppo,grpo,dapo; steps=200; out=runs/compare; jobs=2
while [ $# -gt 0 ]; do
    case "$1" in
        --seeds) [ $# -ge 2 ] || usage; seeds="$2"; shift 2 ;;
        --presets) [ $# -ge 2 ] || usage; presets="$2"; shift 2 ;;
        --steps) [ $# -ge 2 ] || usage; steps="$2"; shift 2 ;;
        --out) [ $# -ge 2 ] || usage; out="$2"; shift 2 ;;
        --jobs) [ $# -ge 2 ] || usage; jobs="$2"; shift 2 ;;
        *) usage ;;
    esac
done
swift build -c release --product vapo >&2
vapo="$PWD/.build/release/vapo"
mkdir -p "$out"
for seed in ${seeds//,/ }; do
    sft="$out/sft-seed$seed/policy.safetensors"
    if [ -d "$out/sft-seed$seed" ]; then  # an interrupted SFT continues (a finished one says so)
        "$vapo" sft --resume --threads 2 --out "$out/sft-seed$seed" >> "$out/sft-seed$seed.log"
    else
        "$vapo" sft --steps 300 --seed "$seed" --threads 2 --out "$out/sft-seed$seed" > "$out/sft-seed$seed.log"
    fi
done
run() {  # preset seed
    local folder="$out/$1-seed$2"
    if [ -f "$folder/metrics.jsonl" ] && grep -q "\"step\": $steps," "$folder/metrics.jsonl"; then
        echo "done already: $folder" >&2; return
    fi
    if [ -f "$folder/config.json" ]; then
        "$vapo" train --resume --out "$folder" --steps "$steps" --threads 1 > "$folder.log" 2>&1
    else
        rm -rf "$folder"
        "$vapo" train --preset "$1" --seed "$2" --init-checkpoint "$out/sft-seed$2/policy.safetensors" --steps "$steps" \
            --threads 1 --out "$folder" > "$folder.log" 2>&1
    fi
    echo "finished: $folder (before, after, points: $(grep -A1 'before   after' "$folder.log" | tail -n 1 | tr -s ' '))" >&2
}
export -f run
export vapo out steps
for preset in ${presets//,/ }; do for seed in ${seeds//,/ }; do echo "$preset $seed"; done; done \
    | xargs -P "$jobs" -L 1 bash -c 'run "$0" "$1"'
python3 - "$out" "$steps" "$presets" "$seeds" <<'PY'
import json, statistics, sys
out, steps, presets, seeds = sys.argv[1], int(sys.argv[2]), sys.argv[3].split(","), sys.argv[4].split(",")
key = "val-core/addition/acc/pass@1"
print(f"| preset | final held-out greedy (mean ± sd) | area under the curve (mean ± sd) | per seed (final) |")
print("| --- | ---: | ---: | --- |")
for preset in presets:
    finals, areas = [], []
    for seed in seeds:
        points = []
        for line in open(f"{out}/{preset}-seed{seed}/metrics.jsonl"):
            record = json.loads(line)
            if key in record["data"]: points.append((record["step"], record["data"][key]))
        points.sort()
        finals.append(points[-1][1])
        area = sum((b[0] - a[0]) * (a[1] + b[1]) / 2 for a, b in zip(points, points[1:])) / points[-1][0]
        areas.append(area)
    sd = lambda xs: statistics.stdev(xs) if len(xs) > 1 else 0.0
    print(f"| {preset} | {100*statistics.mean(finals):.1f} ± {100*sd(finals):.1f} % | {100*statistics.mean(areas):.1f} ± {100*sd(areas):.1f} % | "
          + ", ".join(f"{100*f:.1f}" for f in finals) + " |")
PY
