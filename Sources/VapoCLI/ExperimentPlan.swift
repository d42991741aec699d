// Specs/experiments.md, "The experiment runner": what an experiment runs, and the folder it writes.
import Foundation
import StrictJSON
import VAPO

/// An experiment: every configuration for every seed, from one starting policy, under one shared setting chosen
/// before any run (the same task, responses per step, step budget and evaluation set for every configuration),
/// with no per-configuration tuning. Its folder:
///
/// - `experiment.json`: this plan (kind, command, revision, CPU, quick, steps, seeds, configurations, task,
///   settings), written once before the first run; a later command on the folder must ask for the same plan.
/// - `start/`: the `vapo sft` run whose `policy.safetensors` every run starts from.
/// - `runs/<configuration>/seed-<seed>/`: a `vapo train` run folder with, once the run has finished,
///   `finished.json` (`{"seconds": wall seconds, "steps": steps}`); beside it `seed-<seed>.log`, the run's output.
struct ExperimentPlan: Equatable {
    /// `ablation` or `value-bias`.
    var kind: String
    var quick: Bool
    var steps: Int
    var seeds: [UInt64]
    var configurations: [String]
    /// The shared settings every run gets, as `vapo train` flags in order (the responses per step are fixed by
    /// giving each preset the prompts that make them: `responsesPerStep` / its samples per prompt).
    var task: String
    /// The difficulties every run trains and evaluates on, cycled through within each batch: for addition 1...5,
    /// chains of thought of 16 to 84 tokens side by side (Specs/tasks.md: 17d − 1), the mixed lengths that
    /// Length-Adaptive GAE and the token-level loss are for.
    var difficulties: ClosedRange<Int>
    var responsesPerStep: Int
    var evalEvery: Int
    var sftSteps: Int
    /// The critic probe every this many steps of each run (0: at the start and the end only).
    var probeEvery = 0
    /// With `--quick`: at most this many reward-model and Value-Pretraining steps in every run (the same cap for
    /// every configuration, written to `set-up.json` and given as `--config`), so that the critic's set-up,
    /// not the RL steps, does not take the quick variant's minutes; nil: each preset's own.
    var setUpSteps: Int? = nil

    /// `set-up.json` of the experiment folder, when `setUpSteps` is set.
    var setUpConfiguration: String? {
        setUpSteps.map { "{\"rewardModelSteps\": \($0), \"valuePretrainingSteps\": \($0)}\n" }
    }

    /// The flags of the run of `configuration` with `seed`, starting from `policy`, writing to `folder`.
    func trainArguments(_ configuration: String, seed: UInt64, policy: String, folder: String, setUp: String) throws -> [String] {
        let preset = try TrainingConfiguration.preset(named: configuration)
        let samples = preset.samplesPerPrompt
        return [
            "train", "--preset", configuration, "--seed", "\(seed)", "--task", task, "--steps", "\(steps)",
            "--min-difficulty", "\(difficulties.lowerBound)", "--max-difficulty", "\(difficulties.upperBound)",
            "--prompts", "\(responsesPerStep / samples)", "--samples", "\(samples)", "--eval-every", "\(evalEvery)",
            "--threads", "1", "--init-checkpoint", policy, "--out", folder,
        ] + (probeEvery > 0 ? ["--probe-every", "\(probeEvery)"] : []) + (setUpSteps != nil ? ["--config", setUp] : [])
    }

    /// The flags of the shared starting policy's SFT (bit-identical on any number of `threads`).
    func sftArguments(folder: String, threads: Int) -> [String] {
        [
            "sft", "--task", task, "--min-difficulty", "\(difficulties.lowerBound)", "--max-difficulty", "\(difficulties.upperBound)",
            "--steps", "\(sftSteps)", "--seed", "0", "--threads", "\(threads)", "--out", folder,
        ]
    }

    /// The plan as `experiment.json`'s fields that a later command must agree with.
    var json: [(String, String)] {
        [
            ("kind", JSONWriter.quoted(kind)), ("quick", "\(quick)"), ("steps", "\(steps)"),
            ("seeds", "[" + seeds.map(String.init).joined(separator: ", ") + "]"),
            ("configurations", "[" + configurations.map(JSONWriter.quoted).joined(separator: ", ") + "]"),
            ("task", JSONWriter.quoted(task)),
            ("settings", "{\"minDifficulty\": \(difficulties.lowerBound), \"maxDifficulty\": \(difficulties.upperBound), \"responsesPerStep\": \(responsesPerStep), "
                + "\"evalEvery\": \(evalEvery), " + (probeEvery > 0 ? "\"probeEvery\": \(probeEvery), " : "")
                + (setUpSteps.map { "\"setUpSteps\": \($0), " } ?? "") + "\"sftSteps\": \(sftSteps), \"threadsPerRun\": 1}"),
        ]
    }

    /// `experiment.json`: the plan and the facts of the command that made it (the command line, the revision
    /// of the binary, the machine's CPU).
    func document(command: String, revision: String, cpu: String) -> String {
        let fields = [("command", JSONWriter.quoted(command)), ("revision", JSONWriter.quoted(revision)), ("cpu", JSONWriter.quoted(cpu))] + json
        return "{\n" + fields.map { "  \(JSONWriter.quoted($0.0)): \($0.1)" }.joined(separator: ",\n") + "\n}\n"
    }

    /// The plan-defining fields of an `experiment.json` document, as text, for comparison with `json`.
    static func planFields(of document: String) throws -> [(String, String)] {
        let value: JSONValue
        do { value = try JSONValue.parse(Array(document.utf8)) } catch { throw CommandError("experiment.json: not valid JSON at \(error)") }
        guard let members = value.members else { throw CommandError("experiment.json: expected a JSON object") }
        let keys = ["kind", "quick", "steps", "seeds", "configurations", "task", "settings"]
        return keys.map { key in (key, members.first { $0.key == key }.map { canonical($0.value) } ?? "(missing)") }
    }

    /// A JSON value's text in the form `json` writes it (so two documents compare field by field).
    static func canonical(_ value: JSONValue) -> String {
        switch value {
        case .array(let items): return "[" + items.map(canonical).joined(separator: ", ") + "]"
        case .object(let members): return "{" + members.map { "\(JSONWriter.quoted($0.key)): \(canonical($0.value))" }.joined(separator: ", ") + "}"
        case .string(let text): return JSONWriter.quoted(text)
        default: return value.summary
        }
    }
}
