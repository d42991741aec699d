"""The Markdown table of Benchmarks/gpt-compare.sh from the JSON lines of both sides (one per process).

Every timed run of every round is pooled per (workload, threads, side); the table gives the median
tokens/s of the pool, the ratio of the medians, and the issue's required ratio (train step 1.25x,
KV-cache sampling 3x). Needs no torch.

    python3 gpt_compare_table.py RESULTS.jsonl
    ... | python3 gpt_compare_table.py --progress      (one short line per result, while the rounds run)
"""

import json
import statistics
import sys

REQUIRED = {"train": 1.25, "sample64": 3.0, "sample512": 3.0}
DESCRIPTION = {"train": "AdamW train step, batch 64 × context 64",
               "sample64": "KV-cache sampling, 64 sequences × 64 tokens",
               "sample512": "KV-cache sampling, 512 sequences × 64 tokens"}

if sys.argv[1] == "--progress":
    for line in sys.stdin:
        r = json.loads(line)
        print(f"  {r['workload']}, {r['threads']} thread(s), {r['side']}: median {r['median_tokens_per_second']:,.0f} tok/s")
    sys.exit(0)

pools = {}
for line in open(sys.argv[1]):
    result = json.loads(line)
    key = (result["workload"], result["threads"], result["side"])
    pools.setdefault(key, []).extend(result["tokens_per_run"] / s for s in result["seconds"])

print("| workload | threads | ours tok/s | PyTorch tok/s | ours/PyTorch | required | result |")
print("| --- | ---: | ---: | ---: | ---: | ---: | --- |")
failed = False
for workload, threads in sorted({(w, n) for w, n, _ in pools}, key=lambda k: (k[1], list(REQUIRED).index(k[0]))):
    ours, theirs = (statistics.median(pools[(workload, threads, side)]) for side in ("ours", "pytorch"))
    ratio = ours / theirs
    passed = ratio >= REQUIRED[workload]
    failed |= not passed
    print(f"| {DESCRIPTION[workload]} | {threads} | {ours:,.0f} | {theirs:,.0f} | {ratio:.2f} | "
          f"{REQUIRED[workload]:.2f} | {'pass' if passed else 'FAIL'} |")
runs = {len(pool) for pool in pools.values()}
print(f"\nMedians of {'/'.join(map(str, sorted(runs)))} timed runs per cell (rounds × repeats per process).")
