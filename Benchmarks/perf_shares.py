"""Where a profiled `vapo train` spent the processor time of its RL steps, by kind, from `perf script` output
(Benchmarks/rl-step.sh --perf; record with `perf record -e cpu-clock -g`).

    python3 perf_shares.py PERF-SCRIPT.txt [--top N]

Which samples count: the RL steps, on every thread. The main thread is the one whose stacks pass through
`Trainer.step`; its samples inside `Trainer.step` but outside `Trainer.evaluate` (the held-out evaluation,
which is not part of an RL step) are the steps. A sample of another thread (the pool's worker) counts when the
main thread's nearest sample in time does, so a worker's chunks count with the step they serve, and its polling
between the steps' jobs counts as the pool's waiting. Loading the checkpoint, writing one, and everything
else before and after the steps is left out.

How a sample is classified: by its innermost frame (the leaf), except that a sample whose stack passes through
the page-fault handler counts as allocation (a first touch of fresh memory), and one whose stack passes through
the pool's waiting or hand-out code counts as the pool. Symbols are Swift-mangled: `$s7Kernels…` is the Kernels
module. "Outside the kernels" is every kind but the kernels' own compute (the layout kernels' strided copies and
row gathers count as copies, not as kernels).
"""

import bisect
import collections
import re
import sys

STEP = r"\$s4VAPO7TrainerC4step"
EVALUATE = r"\$s4VAPO7TrainerC8evaluate"

# First match wins; a pattern is searched in the text "symbol (dso)" of the leaf frame, or of any frame for the
# kinds marked whole-stack.
KINDS = [
    ("allocation (malloc, free, page faults)", True, r"exc_page_fault"),
    ("pool: waiting and handing out chunks", True,
     r"waitForState|waitUntilAllChunksAreDone|beginJobWaiting|sched_yield|pthread_cond|futex"),
    # The worker's polling clock (WorkerPool.waitForState); perf does not unwind through the vDSO, so the
    # leaf is all there is. The trainer's own clock reads are a few per phase.
    ("pool: waiting and handing out chunks", False, r"WorkerPool|7Kernels8ParallelO|__vdso_clock_gettime"),
    ("copies: layout kernels (strided copies, row gathers)", False,
     r"\$s7Kernels\w*(copyStrided|copyRow|gatherRows|scatterAddRows)"),
    ("kernels (Kernels module)", False, r"\$s7Kernels|\$sS[fd]7Kernels"),
    ("allocation (malloc, free, page faults)", False,
     r"malloc|free|_int_|calloc|realloc|tcache|swift_slowAlloc|swift_slowDealloc|swift_allocObject|"
     r"swift_deallocClassInstance|mmap|munmap|brk"),
    ("copies (memcpy, memmove, memset)", False, r"memcpy|memmove|memset"),
    ("reference counting", False,
     r"swift_retain|swift_release|swift_bridgeObjectRe|swift_unknownObjectRe|swift_isUniquelyReferenced"),
    ("Swift runtime: generic metadata and witness lookups", False,
     r"Metadata|getCache|getWitnessTable|AssociatedType|conformsToProtocol|ValueWitnesses|TupleCache"),
    ("other Swift runtime and standard library", False, r"libswiftCore|libswift|\$ss|\$sS"),
    ("operating system (other)", False, r"\[kernel|vmlinux"),
    ("our other modules (autograd tape, transformer, RL bookkeeping)", False,
     r"\$s\d+(Autograd|Transformer|VAPO|RLMath|RLTape|Tasks|Training|Checkpoints|StrictJSON|VapoCLI)"),
]
ORDER = list(dict.fromkeys(kind for kind, _, _ in KINDS)) + ["unclassified"]
KERNELS = "kernels (Kernels module)"


def read_samples(path):
    """[(thread, time, [frame text, innermost first])]"""
    samples, current = [], None
    for line in open(path, errors="replace"):
        if not line.strip():
            if current:
                samples.append(current)
            current = None
            continue
        if not line[0].isspace():
            match = re.match(r"\s*\S.*?\s+(\d+)\s+(?:\[\d+\]\s+)?([\d.]+):", line)
            current = (int(match[1]), float(match[2]), []) if match else None
            continue
        match = re.match(r"\s*[0-9a-f]+\s+(.*?)\s+\((.*)\)\s*$", line)
        if match and current is not None:
            symbol = re.sub(r"\+0x[0-9a-f]+$", "", match[1])
            current[2].append(f"{symbol} ({match[2]})")
    if current:
        samples.append(current)
    return samples


def classify(frames):
    for kind, whole_stack, pattern in KINDS:
        texts = frames if whole_stack else frames[:1]
        if any(re.search(pattern, text) for text in texts):
            return kind
    return "unclassified"


def main():
    path = sys.argv[1]
    top = int(sys.argv[sys.argv.index("--top") + 1]) if "--top" in sys.argv else 12
    samples = read_samples(path)
    in_step = lambda frames: any(re.search(STEP, f) for f in frames) and not any(re.search(EVALUATE, f) for f in frames)
    by_thread = collections.Counter(t for t, _, frames in samples if any(re.search(STEP, f) for f in frames))
    if not by_thread:
        sys.exit(f"{path}: no sample passes through Trainer.step (is this `perf script` output of vapo train, recorded with -g?)")
    main_thread = by_thread.most_common(1)[0][0]
    main_samples = sorted((time, in_step(frames)) for t, time, frames in samples if t == main_thread)
    times = [time for time, _ in main_samples]

    def counts(time):
        i = bisect.bisect_left(times, time)
        near = [j for j in (i - 1, i) if 0 <= j < len(times)]
        return main_samples[min(near, key=lambda j: abs(times[j] - time))][1]

    # (on the main thread, kind, leaf) of every sample in the steps, each classified once.
    chosen = [(t == main_thread, classify(frames), frames[0]) for t, time, frames in samples
              if (in_step(frames) if t == main_thread else counts(time))]
    shares = collections.Counter(kind for _, kind, _ in chosen)
    main_shares = collections.Counter(kind for on_main, kind, _ in chosen if on_main)
    total, on_main = len(chosen), sum(main_shares.values())
    print(f"{total} samples in the RL steps ({on_main} on the main thread, {total - on_main} on "
          f"the others) of {len(samples)} in all")
    print()
    print("| where | main thread (the steps' wall clock) | all threads (processor time) |")
    print("| --- | ---: | ---: |")
    for kind in ORDER:
        print(f"| {kind} | {100 * main_shares[kind] / on_main:.1f}% | {100 * shares[kind] / total:.1f}% |")
    print(f"| **outside the kernels** | **{100 - 100 * main_shares[KERNELS] / on_main:.1f}%** | "
          f"**{100 - 100 * shares[KERNELS] / total:.1f}%** |")
    leaves = collections.Counter((kind, leaf[:110]) for _, kind, leaf in chosen if kind != KERNELS)
    print(f"\nthe {top} largest leaves outside the kernels:\n")
    print("| share | kind | leaf frame |")
    print("| ---: | --- | --- |")
    for (kind, leaf), n in leaves.most_common(top):
        print(f"| {100 * n / total:.2f}% | {kind.split(' (')[0].split(':')[0]} | `{leaf}` |")

main()
