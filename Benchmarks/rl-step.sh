#!/usr/bin/env bash
# Full RL steps of the default `vapo train` (rollouts, scoring, critic values, advantages, critic and actor
# updates), timed by phase, optionally profiled (Benchmarks/README.md, "rl-step"). Builds `vapo` of the root
# package; makes the default short SFT once (`vapo train --steps 0`, kept in OUT/sft); sets a run up to its
# first RL step (short SFT copied in, the critic's set-up, step 1); then resumes it for --steps more steps,
# which is what it times (and, with --perf, profiles): steps 2…N+1, with the held-out evaluation every 10
# steps of the default configuration timed apart, and the first steps' warm-up of the process's heap
# amortised over the rest as in a long run (the experiments run 300).
#
#     Benchmarks/rl-step.sh [--steps N] [--threads N] [--out DIR] [--perf]
#
# Prints each timed step's phases (metrics.jsonl's `timing_s/*`, Specs/vapo.md) and their means; with
# --perf, the RL steps' profile by where the time goes, on the main thread (the steps' wall clock) and on
# all threads (Benchmarks/perf_shares.py over `perf script`).
set -euo pipefail
cd "$(dirname "$0")/.."

steps=20
threads=1
out=runs/rl-step
perf=false
usage() { echo "usage: $0 [--steps N (1...1000)] [--threads N] [--out DIR] [--perf]" >&2; exit 2; }
while [ $# -gt 0 ]; do
    case "$1" in
        --steps) steps="${2:-}"; shift 2 || usage ;;
        --threads) threads="${2:-}"; shift 2 || usage ;;
        --out) out="${2:-}"; shift 2 || usage ;;
        --perf) perf=true; shift ;;
        *) usage ;;
    esac
done
[[ "$steps" =~ ^[1-9][0-9]{0,2}$|^1000$ ]] || { echo "--steps is '$steps'; allowed: 1...1000" >&2; exit 2; }
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
    perf script -i "$run-perf.data" 2>/dev/null > "$run-perf.txt"
    python3 Benchmarks/perf_shares.py "$run-perf.txt"
fi
