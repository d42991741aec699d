// Specs/reliability.md, "Determinism scope": the help of `--threads`.
import ArgumentParser
import Kernels

/// The help of every command's `--threads`, the one flag all of them share: its range, that results do not depend
/// on it, and its default (`Parallel.threadCount`: the environment's `VAPO_THREADS`, else the cores).
let threadsHelp = ArgumentHelp(
    "Worker threads (1...\(Parallel.maximumThreadCount)); results do not depend on it. (default: VAPO_THREADS if set, else the number of cores)")
