#!/usr/bin/env bash
# Our GPT against its peers on the CPU, side by side (Benchmarks/README.md, "gpt-compare"): builds our side in
# release, measures the machine's roofline (FMA peak and read bandwidths, per thread count), checks that every
# peer computes the same function, then runs several rounds, each of them the roofline and every workload at
# every thread count, the sides one after another (rotating which goes first, so machine noise hits all),
# and prints the Markdown tables.
# Peers, each skipped with a message when it cannot run: eager PyTorch (torch/gpt_compare.py), torch.compile
# of the train step (the same file, --compile; needs a C++ compiler), jax.jit of the train step and of a
# lax.scan sampler (jax/gpt_compare_jax.py). With none of them it runs our side alone.
#
#     Benchmarks/gpt-compare.sh [--rounds N] [--threads "1 2"] [--workloads "train sample64 sample512"]
#
# PYTHON names the interpreter that has torch and jax (default python3).
set -euo pipefail
cd "$(dirname "$0")"

rounds=3
threads="1 2"
workloads="train sample64 sample512"
while [ $# -gt 0 ]; do
    case "$1" in
        --rounds) rounds="$2"; shift 2 ;;
        --threads) threads="$2"; shift 2 ;;
        --workloads) workloads="$2"; shift 2 ;;
        *) echo "usage: $0 [--rounds N] [--threads \"1 2\"] [--workloads \"train sample64 sample512\"]" >&2; exit 2 ;;
    esac
done
python="${PYTHON:-python3}"

# Untimed and timed runs per process, per workload: each process takes a few seconds on either side. The
# compiled peers' first runs compile (torch.compile: forward, backward and the optimizer step; jax.jit: the
# step or the whole scan), so they get one more untimed run.
declare -A warmup=([train]=1 [sample64]=1 [sample512]=1)
declare -A repeats=([train]=3 [sample64]=3 [sample512]=2)

swift build -c release --product gpt-compare
ours=.build/release/gpt-compare
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
results="$work/results.jsonl"
table() { "$python" torch/gpt_compare_table.py "$@"; }

run_side() {  # side threads workload
    local side="$1" n="$2" w="$3"
    case "$side" in
        ours) VAPO_THREADS="$n" "$ours" --workload "$w" --threads "$n" --warmup "${warmup[$w]}" --repeats "${repeats[$w]}" ;;
        pytorch) OMP_NUM_THREADS="$n" MKL_NUM_THREADS="$n" "$python" torch/gpt_compare.py --workload "$w" --threads "$n" \
            --warmup "${warmup[$w]}" --repeats "${repeats[$w]}" --weights "$work/check" ;;
        torch.compile) [ "$w" = train ] || return 0
            OMP_NUM_THREADS="$n" MKL_NUM_THREADS="$n" "$python" torch/gpt_compare.py --compile --workload "$w" --threads "$n" \
            --warmup $(( warmup[$w] + 1 )) --repeats "${repeats[$w]}" --weights "$work/check" ;;
        jax) JAX_PLATFORMS=cpu "$python" jax/gpt_compare_jax.py --workload "$w" --threads "$n" \
            --warmup $(( warmup[$w] + 1 )) --repeats "${repeats[$w]}" --weights "$work/check" ;;
    esac
}
skip() {  # peer reason
    echo "$1 skipped: $2"
    printf '{"side": "skipped", "peer": "%s", "reason": "%s"}\n' "$1" "$2" >> "$results"
}

# Which peers can run (from /, so that this directory's torch/ and jax/ folders cannot pass for the packages).
sides="ours"
if (cd / && "$python" -c "import torch.nn") 2>/dev/null; then
    sides="$sides pytorch"
    if command -v c++ >/dev/null || command -v g++ >/dev/null; then sides="$sides torch.compile"
    else skip torch.compile "no C++ compiler (inductor needs one on the CPU)"; fi
else
    skip pytorch "torch not importable"; skip torch.compile "torch not importable"
fi
if (cd / && "$python" -c "import jax") 2>/dev/null; then sides="$sides jax"; else skip jax "jax not importable"; fi

# Percent of all processors busy over the next 2 s (from /proc/stat), i.e. what other processes take.
cpu_busy() {
    local a b
    read -ra a < <(grep '^cpu ' /proc/stat); sleep 2; read -ra b < <(grep '^cpu ' /proc/stat)
    local total=0 idle=$(( b[4] - a[4] + b[5] - a[5] ))
    for i in 1 2 3 4 5 6 7 8; do total=$(( total + b[i] - a[i] )); done
    echo $(( 100 * (total - idle) / (total > 0 ? total : 1) ))
}

echo "sides: $sides; $(nproc) processors, load average $(cut -d' ' -f1-3 /proc/loadavg)"
busy=$(cpu_busy)
echo "processors busy before the rounds: ${busy}%"
# PyTorch's OpenMP threads wait for each other at every op: when another process holds a core, its 2-thread
# runs slow down many times more than ours, so a busy machine makes the ratios meaningless.
if ((busy > 10)); then
    echo "warning: other processes are using the processors: the ratios are not reliable, least of all at 2 threads"
fi
"$ours" --export-weights "$work/check"
for side in $sides; do
    case "$side" in
        pytorch) "$python" torch/gpt_compare.py --check "$work/check" ;;
        torch.compile) "$python" torch/gpt_compare.py --compile --check "$work/check" ;;
        jax) JAX_PLATFORMS=cpu "$python" jax/gpt_compare_jax.py --check "$work/check" ;;
    esac
done

# Rounds outermost: every round measures the roofline and then every workload at every thread count, so
# that the 1- and 2-thread runs of a workload (whose ratio is a bar) and the probes (whose best is the
# limit) are minutes apart at most, whatever this VM's speed does over the whole run (it drifts by a
# quarter within an hour).
read -ra order <<< "$sides"
for ((r = 0; r < rounds; r++)); do
    echo "round $((r + 1)) of $rounds"
    for n in $threads; do "$ours" --roofline --threads "$n" | tee -a "$results" | table --progress; done
    for w in $workloads; do
        for n in $threads; do
            # Rotate which side goes first, so that none always follows another's heat or cache.
            for ((i = 0; i < ${#order[@]}; i++)); do
                run_side "${order[(i + r) % ${#order[@]}]}" "$n" "$w"
            done | tee -a "$results" | table --progress
        done
    done
done
echo "processors busy after the rounds: $(cpu_busy)%; load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo
table "$results"
