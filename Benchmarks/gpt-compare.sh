#!/usr/bin/env bash
# Our GPT against eager PyTorch on the CPU, side by side (Benchmarks/README.md, "gpt-compare"): builds our
# side in release, checks that both sides compute the same function, then for 1 and 2 threads and each
# workload runs the two sides alternately for several rounds (so machine noise hits both) and prints a
# Markdown table. Without an importable torch it runs our side alone and exits 0.
#
#     Benchmarks/gpt-compare.sh [--rounds N] [--threads "1 2"] [--workloads "train sample64 sample512"]
#
# PYTHON names the interpreter that has torch (default python3).
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

# Untimed and timed runs per process, per workload: each process takes a few seconds on either side.
declare -A warmup=([train]=1 [sample64]=1 [sample512]=1)
declare -A repeats=([train]=3 [sample64]=3 [sample512]=2)

swift build -c release --product gpt-compare
ours=.build/release/gpt-compare
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

run_ours() {  # threads workload
    VAPO_THREADS="$1" "$ours" --workload "$2" --threads "$1" --warmup "${warmup[$2]}" --repeats "${repeats[$2]}"
}
run_torch() {  # threads workload
    OMP_NUM_THREADS="$1" MKL_NUM_THREADS="$1" "$python" torch/gpt_compare.py --workload "$2" --threads "$1" \
        --warmup "${warmup[$2]}" --repeats "${repeats[$2]}" --weights "$work/check"
}

# From /, so that this directory's torch/ folder cannot pass for the package.
if ! (cd / && "$python" -c "import torch.nn") 2>/dev/null; then
    echo "torch not importable: skipping the PyTorch comparison"
    for n in $threads; do for w in $workloads; do run_ours "$n" "$w"; done; done
    exit 0
fi

# Percent of all processors busy over the next 2 s (from /proc/stat), i.e. what other processes take.
cpu_busy() {
    local a b
    read -ra a < <(grep '^cpu ' /proc/stat); sleep 2; read -ra b < <(grep '^cpu ' /proc/stat)
    local total=0 idle=$(( b[4] - a[4] + b[5] - a[5] ))
    for i in 1 2 3 4 5 6 7 8; do total=$(( total + b[i] - a[i] )); done
    echo $(( 100 * (total - idle) / (total > 0 ? total : 1) ))
}

echo "torch $(cd / && "$python" -c "import torch; print(torch.__version__)"); $(nproc) processors, load average $(cut -d' ' -f1-3 /proc/loadavg)"
busy=$(cpu_busy)
echo "processors busy before the rounds: ${busy}%"
# PyTorch's OpenMP threads wait for each other at every op: when another process holds a core, its 2-thread
# runs slow down many times more than ours, so a busy machine makes the ratios meaningless.
if ((busy > 10)); then
    echo "warning: other processes are using the processors: the ratios are not reliable, least of all at 2 threads"
fi
"$ours" --export-weights "$work/check"
"$python" torch/gpt_compare.py --check "$work/check"

results="$work/results.jsonl"
for n in $threads; do
    for w in $workloads; do
        for ((r = 0; r < rounds; r++)); do
            # Alternate which side goes first, so that neither always follows the other's heat or cache.
            if ((r % 2 == 0)); then run_ours "$n" "$w"; run_torch "$n" "$w"; else run_torch "$n" "$w"; run_ours "$n" "$w"; fi |
                tee -a "$results" | "$python" torch/gpt_compare_table.py --progress
        done
    done
done
echo "processors busy after the rounds: $(cpu_busy)%; load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo
"$python" torch/gpt_compare_table.py "$results"
