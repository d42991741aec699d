// Specs/vapo.md, "The command line: `vapo train`": where the policy RL starts from.
import Foundation
import Kernels
import Training
import Transformer
import VAPO

extension TrainCommand {
    /// Where the policy comes from.
    enum StartingPoint: CustomStringConvertible {
        /// A policy read from a checkpoint file, once (the file's path, and the policy).
        case checkpoint(String, GPT<Float>)
        case fresh(GPTConfiguration), shortSFT(SFTConfiguration)

        var description: String {
            switch self {
            case .checkpoint(let path, _): return path
            case .fresh(let m): return "a fresh GPT of \(plural(m.layers, "layer")) × width \(m.width), \(m.heads) heads, context \(m.context)"
            case .shortSFT(let c):
                let m = c.model
                return "a short SFT of \(plural(c.steps, "step")) on \(c.task) up to difficulty \(c.maxDifficulty.map(String.init) ?? "the task's highest"), "
                    + "a GPT of \(plural(m.layers, "layer")) × width \(m.width), \(m.heads) heads, context \(m.context)"
            }
        }
    }

    /// The policy RL starts from: `--init-checkpoint`, else the run folder's `sft.safetensors` when it exists,
    /// else with `--fresh` a fresh GPT of the shape flags, else a short SFT on the run's task. A flag the chosen
    /// starting point would ignore is refused, in one line naming it.
    func startingPoint(folder: RunFolder, configuration: TrainingConfiguration) throws -> StartingPoint {
        let shapeFlags = [("--layers", layers != nil), ("--width", width != nil), ("--heads", heads != nil), ("--context", context != nil)]
            .filter(\.1).map(\.0)
        let ignored = (fresh ? ["--fresh"] : []) + (sftSteps != nil ? ["--sft-steps"] : []) + shapeFlags
        if let initCheckpoint {
            if let flag = ignored.first {
                throw CommandError("\(flag): the policy comes from --init-checkpoint \(initCheckpoint); allowed: \(flag) without --init-checkpoint")
            }
            return .checkpoint(initCheckpoint, try StartingPolicy.read(from: initCheckpoint))  // refused now, before anything is written
        }
        var shape = GPTConfiguration()
        if let layers { shape.layers = layers }
        if let width { shape.width = width }
        if let heads { shape.heads = heads }
        if let context { shape.context = context }
        var sft = SFTConfiguration()
        sft.model = shape
        sft.steps = sftSteps ?? 300
        sft.seed = configuration.seed
        if configuration.task != sft.task {
            sft.task = configuration.task
            sft.maxDifficulty = configuration.maxDifficulty
        } else if let highest = configuration.maxDifficulty, highest > sft.maxDifficulty ?? highest {
            sft.maxDifficulty = highest
        }
        if FileManager.default.fileExists(atPath: folder.sftCheckpoint.path) {
            // The folder's policy is used; flags that describe another one are refused. A short SFT these flags
            // made (the same command run again after a stop) is the one they describe.
            let (checkpoint, policy) = try StartingPolicy.checkpointAndPolicy(from: folder.sftCheckpoint.path, flag: "--out")
            let made = checkpoint.metadata[PolicyCheckpoint.sftKey].flatMap { try? JSONDecoder().decode(SFTConfiguration.self, from: Data($0.utf8)) }
            if let flag = ignored.first, fresh || made != sft {
                throw CommandError("\(flag): the policy comes from \(folder.sftCheckpoint.path), which the folder holds; allowed: \(flag) with a new --out")
            }
            return .checkpoint(folder.sftCheckpoint.path, policy)
        }
        if fresh {
            if sftSteps != nil { throw CommandError("--sft-steps: --fresh starts from a fresh GPT, without a short SFT; allowed: one of the two") }
            do { return .fresh(try shape.validated()) } catch {
                guard case .outOfRange(let field, let value, let allowed) = error else { throw CommandError("--fresh: \(error)") }
                throw CommandError("--\(field) is \(value); allowed: \(allowed)")
            }
        }
        do { _ = try sft.validated() } catch {
            let flag = ["model.layers": "--layers", "model.width": "--width", "model.heads": "--heads", "model.context": "--context", "steps": "--sft-steps"][error.field]
            throw CommandError("\(flag ?? "short SFT: \(error.field)") is \(error.value); allowed: \(error.allowed)")
        }
        return .shortSFT(sft)
    }

    /// The short-SFT starting point, saved as the run folder's `sft.safetensors` for later runs to reuse.
    func shortSFT(_ sft: SFTConfiguration, into folder: RunFolder) throws -> GPT<Float> {
        output("starting policy: \(StartingPoint.shortSFT(sft).description), on \(plural(Parallel.threadCount, "thread")); saved as \(folder.sftCheckpoint.path)")
        let outcome = try SFTRun.run(sft) { p in
            output(String(format: "sft step %5d  loss %.4f  held-out greedy %5.1f%%  %6.1f s", p.step, p.loss, 100 * p.accuracy, p.elapsed))
        }
        try outcome.checkpoint.write(to: folder.sftCheckpoint.path)
        return outcome.checkpoint.model
    }
}
