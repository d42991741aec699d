// Specs/experiments.md, "The experiment runner": `vapo experiment ablation`.
import ArgumentParser
import Foundation
import VAPO

/// `vapo experiment`: the paper's evidence rerun at toy scale, several seeds per configuration.
struct ExperimentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "experiment",
        abstract: "Run the paper's experiments at toy scale, several seeds per configuration, restartable at any moment.",
        subcommands: [AblationExperiment.self, ValueBiasExperiment.self])
}

/// `vapo experiment ablation`: VAPO, its seven one-component ablations, the paper's constants, PPO, GRPO, DAPO and
/// VinePPO's Monte-Carlo values (the reference for exact credit assignment).
struct AblationExperiment: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ablation",
        abstract: "VAPO, its seven ablations, vapo-paper, PPO, GRPO, DAPO and VinePPO, each for every seed, from one starting policy.",
        discussion: ExperimentOptions.discussion)

    /// The configurations of the full ablation, in the report's order.
    static let configurations = ["vapo"] + TrainingConfiguration.ablationNames + ["vapo-paper", "ppo", "grpo", "dapo", "vineppo"]

    @OptionGroup var options: ExperimentOptions

    func run() throws {
        try options.execute(options.plan(kind: "ablation", configurations: Self.configurations, probeEvery: 0))
    }
}

/// `vapo experiment value-bias`: the paper's value-bias story (§3.1): vanilla PPO with its critic from a reward model,
/// with and without Value-Pretraining, and VAPO, with the critic probed against Monte-Carlo values by response
/// position before RL (after the set-up), every 25 steps (--quick: 2) and at the end.
struct ValueBiasExperiment: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "value-bias",
        abstract: "PPO with a reward-model critic, with and without Value-Pretraining, and VAPO: the value bias by position, probed during RL.",
        discussion: ExperimentOptions.discussion)

    /// The configurations, in the report's order.
    static let configurations = ["ppo", "ppo+value-pretrain", "vapo"]

    @OptionGroup var options: ExperimentOptions

    func run() throws {
        try options.execute(options.plan(kind: "value-bias", configurations: Self.configurations, probeEvery: options.quick ? 2 : 25))
    }
}

/// The flags both experiments take, and how an experiment is started or continued in its folder.
struct ExperimentOptions: ParsableArguments {
    static let discussion = """
        Every run gets the same starting policy (a vapo sft run in OUT/start), task and difficulties, responses per \
        step, step budget and evaluation set; nothing is tuned per configuration. Two runs at a time on one thread \
        each. Stop it at any moment (Ctrl-C) and run the same command again: finished runs are skipped, stopped ones \
        continue bit for bit. vapo report OUT writes the report.
        """

    @Option(help: "Experiment folder (new, or this experiment's to continue it). (default: runs/<experiment>)") var out: String?
    @Option(help: "Seeds, comma-separated (0...1000000). (default: 0,1,2; --quick: 0)") var seeds: String?
    @Option(help: "Only these presets, comma-separated, in this order (any of vapo presets). (default: the experiment's)") var only: String?
    @Option(parsing: .unconditional, help: "RL steps per run (1...100000). (default: 300, about two hours for the full ablation on 2 cores; --quick: 4)") var steps: Int?
    @Option(parsing: .unconditional, help: "Runs at a time, one thread each (1...64). (default: 2)") var jobs = 2
    @Option(parsing: .unconditional, help: "Steps of the vapo sft that makes the shared starting policy (1...100000). (default: 300)") var sftSteps: Int?
    @Flag(help: "A small variant that shows the whole pipeline in minutes: seed 0, 4 RL steps per configuration, at most 4 reward-model and 4 Value-Pretraining steps.") var quick = false

    /// The experiment's folder: `--out`, else `runs/<kind>`.
    func folder(kind: String) -> String { out ?? "runs/\(kind)" }

    /// Writes the plan's `experiment.json` in a new folder (or checks that the folder holds this plan), then runs
    /// what is left of it.
    func execute(_ plan: ExperimentPlan) throws {
        guard (1...64).contains(jobs) else { throw CommandError("--jobs is \(jobs); allowed: 1...64") }
        let out = folder(kind: plan.kind)
        let folder = URL(fileURLWithPath: out)
        let document = folder.appendingPathComponent("experiment.json")
        if FileManager.default.fileExists(atPath: document.path) {
            let existing = try ExperimentPlan.planFields(of: try String(contentsOf: document, encoding: .utf8))
            if let difference = zip(existing, plan.json).first(where: { $0.0.1 != $0.1.1 }) {
                throw CommandError("--out: \(out) holds another experiment (its \(difference.0.0) is \(difference.0.1), this command's \(difference.1.1)); allowed: the same command, or a new folder")
            }
        } else {
            var isFolder: ObjCBool = false
            if FileManager.default.fileExists(atPath: out, isDirectory: &isFolder),
                !isFolder.boolValue || !((try? FileManager.default.contentsOfDirectory(atPath: out)) ?? []).isEmpty
            {
                throw CommandError("--out: \(out) is not an experiment folder (no experiment.json) and not empty; allowed: a new or empty folder, or an experiment's")
            }
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let command = (["vapo"] + CommandLine.arguments.dropFirst()).joined(separator: " ")
            try plan.document(command: command, revision: buildRevision, cpu: Self.cpu()).write(to: document, atomically: true, encoding: .utf8)
        }
        Interruption.onSignal(print: "vapo experiment stopped; finished runs are kept. Continue with the same command.", stoppingChildren: true)
        try ExperimentRunner(plan: plan, folder: folder, jobs: jobs).run()
        output("experiment: every run finished; the report: vapo report \(out)")
    }

    /// The plan the flags describe for an experiment of `kind` over `configurations`; a flag out of range is one
    /// line naming it.
    func plan(kind: String, configurations defaults: [String], probeEvery: Int) throws -> ExperimentPlan {
        let seedList: [UInt64]
        if let seeds {
            let parts = seeds.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            let parsed = parts.map { UInt64($0) }
            guard !parts.isEmpty, parsed.allSatisfy({ $0 != nil && $0! <= 1_000_000 }), Set(parsed).count == parsed.count else {
                throw CommandError("--seeds is \(seeds.debugDescription); allowed: distinct integers in 0...1000000, comma-separated")
            }
            seedList = parsed.map { $0! }
        } else {
            seedList = quick ? [0] : [0, 1, 2]
        }
        var configurations = defaults
        if let only {
            configurations = only.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            if let unknown = configurations.first(where: { !TrainingConfiguration.presetNames.contains($0) }) {
                throw CommandError("--only: \(unknown.debugDescription) is not a preset; allowed: \(TrainingConfiguration.presetNames.joined(separator: ", "))")
            }
            guard Set(configurations).count == configurations.count else { throw CommandError("--only is \(only.debugDescription); allowed: distinct presets") }
        }
        let stepCount = steps ?? (quick ? 4 : 300)
        guard (1...100_000).contains(stepCount) else { throw CommandError("--steps is \(stepCount); allowed: 1...100000") }
        let sft = sftSteps ?? 300
        guard (1...100_000).contains(sft) else { throw CommandError("--sft-steps is \(sft); allowed: 1...100000") }
        return ExperimentPlan(
            kind: kind, quick: quick, steps: stepCount, seeds: seedList, configurations: configurations, task: "addition", difficulties: 1...5,
            responsesPerStep: 64, evalEvery: quick ? 2 : 10, sftSteps: sft, probeEvery: probeEvery, setUpSteps: quick ? 4 : nil)
    }

    /// The CPU's model name, family and model (`/proc/cpuinfo`), or "unknown".
    static func cpu() -> String {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else { return "unknown" }
        func field(_ name: String) -> String? {
            text.split(separator: "\n").first { $0.hasPrefix(name) }.flatMap { $0.split(separator: ":", maxSplits: 1).last }
                .map { $0.trimmingCharacters(in: .whitespaces) }
        }
        return "\(field("model name") ?? "unknown") (family \(field("cpu family") ?? "?"), model \(field("model\t") ?? "?"))"
    }
}
