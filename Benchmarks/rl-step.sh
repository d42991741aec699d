#!/usr/bin/env bash
# One full RL step of the default `vapo train` (rollouts, scoring, critic values, advantages, critic and actor
# updates), timed by phase, optionally profiled (Benchmarks/README.md, "rl-step"). Builds `vapo` of the root
# package; makes the default short SFT once (`vapo train --steps 0`, kept in OUT/sft); sets a run up to its
# first RL step (short SFT copied in, the critic's set-up, step 1); then resumes it for --steps more steps,
# which is what it times (and, with --perf, profiles): no set-up, no SFT, only RL steps (steps 2…, before
# the first evaluation at step 10) and the checkpoint after the last.
#
#     Benchmarks/rl-step.sh [--steps N] [--threads N] [--out DIR] [--perf]
#
# Prints each timed step's phases (metrics.jsonl's `timing_s/*`, Specs/vapo.md) and their means; with
# --perf, the profile's shares by where the time goes (Benchmarks/perf_shares.py).
set -euo pipefail
cd "$(dirname "$0")/.."

steps=5
threads=1
out=runs/rl-step
perf=false
usage() { echo "usage: $0 [--steps N (1...8)] [--threads N] [--out DIR] [--perf]" >&2; exit 2; }
while [ $# -gt 0 ]; do
    case "$1" in
        --steps) steps="${2:-}"; shift 2 || usage ;;
        --threads) threads="${2:-}"; shift 2 || usage ;;
        --out) out="${2:-}"; shift 2 || usage ;;
        --perf) perf=true; shift ;;
        *) usage ;;
    esac
done
# Steps 2 … steps + 1 stay below step 10, the first held-out evaluation of the default configuration.
[[ "$steps" =~ ^[1-8]$ ]] || { echo "--steps is '$steps'; allowed: 1...8 (the timed steps end before step 10's evaluation)" >&2; exit 2; }
[[ "$threads" =~ ^[1-9][0-9]*$ ]] || { echo "--threads is '$threads'; allowed: a positive integer" >&2; exit 2; }
if $perf && ! command -v perf >/dev/null; then echo "--perf: perf not found (Debian: apt-get install linux-perf)" >&2; exit 2; fi

swift build -c release --product vapo
vapo=.build/release/vapo
if [ ! -f "$out/sft/sft.safetensors" ]; then
    "$vapo" train --steps 0 --out "$out/sft" --threads "$threads"
fi
# The run folder holds only what vapo writes; the logs and the profile go beside it (RUN-setup.log, …).
run="$out/run-$(date +%Y%m%d-%H%M%S)"
mkdir -p "$run"
cp "$out/sft/sft.safetensors" "$run/sft.safetensors"
"$vapo" train --steps 1 --out "$run" --threads "$threads" > "$run-setup.log"
target=$(( 1 + steps ))
if $perf; then
    # The software clock: this VM's perf has no hardware counters (cycles and instructions are not supported).
    perf record -e cpu-clock -F 999 -g -o "$run-perf.data" -- "$vapo" train --resume --out "$run" --steps "$target" --threads "$threads" > "$run-steps.log"
else
    "$vapo" train --resume --out "$run" --steps "$target" --threads "$threads" > "$run-steps.log"
fi
echo "run: $run (threads $threads, steps 2…$target timed)"
python3 Benchmarks/rl_step_table.py "$run/metrics.jsonl" --from-step 2
if $perf; then
    perf report -i "$run-perf.data" --stdio --no-children --sort dso,symbol -g none --percent-limit 0 2>/dev/null > "$run-perf.txt"
    python3 Benchmarks/perf_shares.py "$run-perf.txt"
fi
