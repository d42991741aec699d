"""Where a profiled process spent its time, by kind, from `perf report --stdio --no-children --sort dso,symbol
-g none --percent-limit 0` (Benchmarks/rl-step.sh --perf): the kernels (the Kernels module's compute
functions) against everything outside them (allocation, copies, the layout kernels' copies included,
reference counting and the rest of the Swift runtime, the operating system, the pool's waiting, our other
modules' bookkeeping). Symbols are Swift-mangled: `$s7Kernels…` is the Kernels module.

    python3 perf_shares.py PERF.txt
"""

import re
import sys

# First match wins; the pattern is searched in "dso symbol".
KINDS = [
    ("pool: waiting and handing out chunks", r"WorkerPool|7Kernels8Parallel|sched_yield|pthread_cond|futex|__lll_lock"),
    ("copies: layout kernels (strided copies, row gathers)", r"\$s7Kernels\w*(copyStrided|copyRow|gatherRows|scatterAddRows)"),
    ("kernels (Kernels module)", r"\$s7Kernels"),
    ("allocation (malloc, free, page faults)", r"malloc|free|_int_|calloc|realloc|tcache|page_fault|clear_page|swift_slowAlloc|swift_slowDealloc|swift_allocObject|swift_deallocClassInstance|mmap|munmap|brk"),
    ("copies (memcpy, memmove, memset)", r"memcpy|memmove|memset|__memcpy|__memmove|__memset"),
    ("reference counting", r"swift_retain|swift_release|swift_bridgeObjectRe|swift_unknownObjectRe|swift_isUniquelyReferenced"),
    ("other Swift runtime and standard library", r"libswiftCore|libswift|\$ss"),
    ("operating system (other)", r"\[kernel|\[k\]|vmlinux"),
    ("our other modules (autograd tape, transformer, RL bookkeeping)", r"\$s\d+(Autograd|Transformer|VAPO|RLMath|RLTape|Tasks|Training|Checkpoints|StrictJSON|VapoCLI)"),
]

shares = {kind: 0.0 for kind, _ in KINDS}
shares["unclassified"] = 0.0
total = 0.0
for line in open(sys.argv[1]):
    match = re.match(r"\s*([\d.]+)%\s+(\S+)\s+\[(.)\]\s+(.*)", line)
    if not match:
        continue
    percent, dso, _, symbol = float(match[1]), match[2], match[3], match[4].strip()
    total += percent
    text = f"{dso} {symbol}"
    kind = next((k for k, pattern in KINDS if re.search(pattern, text)), "unclassified")
    shares[kind] += percent
print("| where | share of samples |")
print("| --- | ---: |")
for kind, share in shares.items():
    print(f"| {kind} | {share:.1f}% |")
outside = total - shares["kernels (Kernels module)"]
print(f"\noutside the kernels: {outside:.1f}% of {total:.1f}% sampled")
