"""The Markdown tables of Benchmarks/gpt-compare.sh from the JSON lines of every side (one per process).

Every timed run of every round is pooled per (workload, threads, side); the tables give the median tokens/s
of each pool. First the roofline of the run (`gpt-compare --roofline` lines, one per round and thread count:
the processor, and the best FMA peak and read bandwidths of the rounds at each thread count); then every
side's rate against it (GFLOP/s from the workload's FLOPs per token, which `ours` lines carry
(Benchmarks/README.md, "FLOPs and bytes of each workload"), as a
fraction of the peak at the same thread count; for sampling also GB/s from the bytes per token, as a fraction
of the KV cache's read bandwidth, and which bound binds); then the issue's bars. Needs no torch.

    python3 gpt_compare_table.py RESULTS.jsonl
    ... | python3 gpt_compare_table.py --progress      (one short line per result, while the rounds run)
"""

import json
import statistics
import sys

REQUIRED = {"train": 1.25, "sample64": 3.0, "sample512": 3.0}   # ours / eager PyTorch
REQUIRED_COMPILED = 1.0                                          # ours / torch.compile and ours / jax.jit
DESCRIPTION = {"train": "AdamW train step, batch 64 × context 64",
               "sample64": "KV-cache sampling, 64 sequences × 64 tokens",
               "sample512": "KV-cache sampling, 512 sequences × 64 tokens"}
PEERS = {"pytorch": "PyTorch eager", "torch.compile": "torch.compile", "jax": "jax.jit"}
SIDES = ["ours", *PEERS]

if len(sys.argv) > 1 and sys.argv[1] == "--progress":
    for line in sys.stdin:
        r = json.loads(line)
        if r["side"] == "roofline":
            print(f"  roofline, {r['threads']} thread(s): FMA peak {r['peak_gflops']:.1f} GFLOP/s, "
                  + ", ".join(f"{k} {v:.1f} GB/s" for k, v in sorted(r["bandwidth_gbps"].items())))
        elif r["side"] == "skipped":
            print(f"  {r['peer']}: skipped ({r['reason']})")
        else:
            print(f"  {r['workload']}, {r['threads']} thread(s), {r['side']}: median {r['median_tokens_per_second']:,.0f} tok/s")
    sys.exit(0)

pools, rooflines, costs, versions, skipped = {}, {}, {}, {}, {}
for line in open(sys.argv[1]):
    result = json.loads(line)
    if result["side"] == "roofline":
        # One probe per round: the best of them is the limit (a probe only ever comes out low, when the
        # machine is slower for a while).
        best = rooflines.setdefault(result["threads"], {**result, "probes": 0})
        best["probes"] += 1
        best["peak_gflops"] = max(best["peak_gflops"], result["peak_gflops"])
        best["bandwidth_gbps"] = {k: max(v, result["bandwidth_gbps"][k]) for k, v in best["bandwidth_gbps"].items()}
        continue
    if result["side"] == "skipped":
        skipped[result["peer"]] = result["reason"]
        continue
    key = (result["workload"], result["threads"], result["side"])
    pools.setdefault(key, []).extend(result["tokens_per_run"] / s for s in result["seconds"])
    if result["side"] == "ours":
        costs[result["workload"]] = (result["flops_per_token"], result.get("bytes_per_token"))
    for name in ("torch", "jax"):
        if name in result:
            versions[name] = result[name]

medians = {key: statistics.median(pool) for key, pool in pools.items()}
cells = sorted({(w, n) for w, n, _ in pools}, key=lambda k: (k[1], list(REQUIRED).index(k[0])))

if rooflines:
    print(f"Processor: {next(iter(rooflines.values()))['processor']}")
    print()
    labels = sorted(next(iter(rooflines.values()))["bandwidth_gbps"])
    sizes = next(iter(rooflines.values()))["bandwidth_bytes"]
    print("| threads | probes | FMA peak GFLOP/s (best) | peak / 1-thread peak | "
          + " | ".join(f"read GB/s, {label} ({sizes[label] / 2**20:.0f} MiB)" for label in labels) + " |")
    print("| ---: | ---: | ---: | ---: |" + " ---: |" * len(labels))
    for n, r in sorted(rooflines.items()):
        scaling = f"{r['peak_gflops'] / rooflines[1]['peak_gflops']:.2f}" if 1 in rooflines else ""
        print(f"| {n} | {r['probes']} | {r['peak_gflops']:.1f} | {scaling} | " + " | ".join(f"{r['bandwidth_gbps'][l]:.1f}" for l in labels) + " |")
    print()
if versions or skipped:
    print("Peers: " + "; ".join([", ".join(f"{k} {v}" for k, v in sorted(versions.items()))] * bool(versions)
                                + [f"{peer} skipped: {reason}" for peer, reason in sorted(skipped.items())]))
    print()


def bound(workload, threads):
    """(tokens/s at the binding bound, which bound) at this thread count, or None without a roofline."""
    r = rooflines.get(threads)
    if r is None or workload not in costs:
        return None
    flops, bytes_ = costs[workload]
    seconds = {"FMA peak": flops / (r["peak_gflops"] * 1e9)}
    if bytes_ is not None:
        seconds["bandwidth"] = bytes_ / (r["bandwidth_gbps"][f"kv cache {workload}"] * 1e9)
    binding = max(seconds, key=seconds.get)
    return 1 / seconds[binding], binding


print("| workload | threads | side | tok/s | GFLOP/s | % of FMA peak | bytes/token | GB/s | % of KV-cache read bandwidth | binding bound | % of bound |")
print("| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: |")
for workload, threads in cells:
    flops, bytes_ = costs.get(workload, (None, None))
    r = rooflines.get(threads)
    for side in SIDES:
        rate = medians.get((workload, threads, side))
        if rate is None:
            continue
        gflops = f"{rate * flops / 1e9:.1f}" if flops else ""
        of_peak = f"{100 * rate * flops / 1e9 / r['peak_gflops']:.0f}" if flops and r else ""
        moved = gbps = of_bandwidth = ""
        if bytes_ is not None:
            moved, gbps = f"{bytes_ / 1e3:,.1f} kB", f"{rate * bytes_ / 1e9:.1f}"
            if r:
                of_bandwidth = f"{100 * rate * bytes_ / 1e9 / r['bandwidth_gbps'][f'kv cache {workload}']:.0f}"
        b = bound(workload, threads)
        binding, of_bound = (b[1], f"{100 * rate / b[0]:.0f}") if b else ("", "")
        print(f"| {DESCRIPTION[workload]} | {threads} | {PEERS.get(side, side)} | {rate:,.0f} | {gflops} | {of_peak} | "
              f"{moved} | {gbps} | {of_bandwidth} | {binding} | {of_bound} |")
print()

print("| workload | threads | ours tok/s | PyTorch tok/s | ours/PyTorch | required | ours/torch.compile | ours/jax.jit | required | result |")
print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
failed = False
for workload, threads in cells:
    ours = medians.get((workload, threads, "ours"))
    if ours is None:
        continue
    ratios, passes = [], []
    for side in PEERS:
        theirs = medians.get((workload, threads, side))
        required = REQUIRED[workload] if side == "pytorch" else REQUIRED_COMPILED
        ratios.append(f"{ours / theirs:.2f}" if theirs else "–")
        if theirs:
            passes.append(ours / theirs >= required)
    failed |= not all(passes)
    eager = medians.get((workload, threads, "pytorch"))
    result = "no peer" if not passes else "pass" if all(passes) else "FAIL"
    print(f"| {DESCRIPTION[workload]} | {threads} | {ours:,.0f} | {f'{eager:,.0f}' if eager else '–'} | {ratios[0]} | "
          f"{REQUIRED[workload]:.2f} | {ratios[1]} | {ratios[2]} | {REQUIRED_COMPILED:.2f} | {result} |")
print()

# The roofline bars, on this run's processor.
bars = []
if ("train", 1, "ours") in medians and 1 in rooflines:
    share = medians[("train", 1, "ours")] * costs["train"][0] / 1e9 / rooflines[1]["peak_gflops"]
    bars.append(("train step, 1 thread, ≥ 80% of the 1-thread FMA peak", f"{100 * share:.0f}%", share >= 0.8))
for workload in REQUIRED:
    one, two = medians.get((workload, 1, "ours")), medians.get((workload, 2, "ours"))
    if workload == "train" and one and two and 1 in rooflines and 2 in rooflines:
        peak_scaling = rooflines[2]["peak_gflops"] / rooflines[1]["peak_gflops"]
        if peak_scaling >= 1.9:
            bars.append((f"train step, 2 threads ≥ 1.8× 1 thread (FMA peak scales {peak_scaling:.2f}×)", f"{two / one:.2f}×", two / one >= 1.8))
    if workload != "train":
        for n in (1, 2):
            rate, b = medians.get((workload, n, "ours")), bound(workload, n)
            if rate and b:
                bars.append((f"{workload}, {n} thread(s), ≥ 70% of the binding bound ({b[1]})", f"{100 * rate / b[0]:.0f}%", rate / b[0] >= 0.7))
if bars:
    print("| roofline bar | measured | result |")
    print("| --- | ---: | --- |")
    for what, measured, passed in bars:
        failed |= not passed
        print(f"| {what} | {measured} | {'pass' if passed else 'FAIL'} |")
    print()
runs = {len(pool) for pool in pools.values()}
print(f"Medians of {'/'.join(map(str, sorted(runs)))} timed runs per cell (rounds × repeats per process).")
