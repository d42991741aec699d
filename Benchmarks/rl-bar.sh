#!/usr/bin/env bash
# Issue 5's experiment: VAPO raises the short-SFT policy's held-out greedy accuracy on column addition within
# 10 minutes of RL on two cores (README, "The RL result"; every run so far in Benchmarks/rl-bar-log.md).
#
#     Benchmarks/rl-bar.sh [--seed N] [--out DIR] [-- more vapo train flags]
#
# Flags after `--` go to `vapo train` after the experiment's own and override them (the last value of a flag
# wins), e.g. `-- --preset vapo-no-clip-higher --steps 600` for an ablation (Benchmarks/README.md, "rl-bar").
#
# 1. `vapo sft --steps 300`: the documented short SFT (addition up to 4 digits, about a minute on 2 threads),
#    written once to runs/sft-short and reused.
# 2. `vapo train` with VAPO (all seven components on) on 2- and 3-digit problems, at most 1200 steps and
#    10 minutes: the step count, not the clock, ends the run on an idle 2-core machine (about 1265 steps fit),
#    so the final accuracy is the same number on every run with the same seed; the time limit only guards
#    a busy machine. Two settings differ from the `vapo` preset, both at toy scale (Specs/vapo.md, "α at toy
#    scale"): α = 1.0 (the paper's 0.05 rescaled to 50-token responses: λ ≈ 0.98, as the paper's 0.05 gives
#    at 1000 tokens) and the actor's learning rate 2e-5.
#    Since 2026-12-07 the preset has other defaults (issue 16); the settings of 2026-12-06 that the recorded
#    results used are pinned here (8 × 8 responses, μ = 0.1, 8 × 8 Value-Pretraining responses, the
#    tokens-only critic), so the script still reproduces them.
# Run it on an otherwise idle machine: the 10 minutes assume both cores.
set -euo pipefail
cd "$(dirname "$0")/.."

usage() { echo "usage: $0 [--seed N] [--out DIR] [-- more vapo train flags]" >&2; exit 2; }
seed=0
out=""
while [ $# -gt 0 ]; do
    case "$1" in
        --seed) [ $# -ge 2 ] || usage; seed="$2"; shift 2 ;;
        --out) [ $# -ge 2 ] || usage; out="$2"; shift 2 ;;
        --) shift; break ;;
        *) usage ;;
    esac
done
out="${out:-runs/rl-bar-seed$seed}"

swift build -c release --product vapo
vapo=.build/release/vapo
if [ -d runs/sft-short ]; then  # an interrupted SFT continues (a finished one says so)
    "$vapo" sft --resume --threads 2 --out runs/sft-short
else
    "$vapo" sft --steps 300 --threads 2 --out runs/sft-short
fi
mkdir -p runs
echo '{"valuePretrainingPrompts": 8, "criticReadsSurprise": false}' > runs/rl-bar-2026-12-06.json
"$vapo" train --init-checkpoint runs/sft-short/policy.safetensors --seed "$seed" --threads 2 \
    --min-difficulty 2 --max-difficulty 3 --alpha 1.0 --actor-lr 2e-5 \
    --prompts 8 --samples 8 --mu 0.1 --config runs/rl-bar-2026-12-06.json \
    --steps 1200 --time-limit 600 --eval-problems 400 --eval-every 100 --out "$out" "$@"
