import ArgumentParser
import Checkpoints
import Foundation
import TestSupport
import Testing
import Training
import Transformer
import VAPO

@testable import VapoCLI

/// `vapo train` doing what the user typed (Specs/reliability.md, "The command line"): the run's own settings on
/// `--resume`, every shape and task flag honoured or refused, the final evaluation recorded, and the commands
/// that show what a run would do.
@Suite("vapo train does what was typed", .serialized)
struct TrainSettingsTests {
    /// The tiny run of `TrainCommandTests` without `--steps`, into `out`.
    static func tinyRun(_ scratch: URL, out: String) -> [String] {
        ["--config", scratch.appendingPathComponent("tiny.json").path, "--fresh", "--layers", "1", "--width", "16", "--heads", "2",
         "--context", "32", "--seed", "7", "--out", scratch.appendingPathComponent(out).path]
    }

    static func train(_ arguments: [String]) throws {
        var command = try Vapo.parseAsRoot(["train"] + arguments)
        try command.run()
    }

    @Test("--resume continues with the settings the run recorded: a finished run trains nothing and succeeds; a run started with --checkpoint-every 3 keeps checkpointing every 3 steps; --steps extends it")
    func recordedSettings() throws {
        let scratch = try TrainCommandTests.scratch()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let run = scratch.appendingPathComponent("run")
        try Self.train(Self.tinyRun(scratch, out: "run") + ["--steps", "4", "--checkpoint-every", "3", "--keep-checkpoints", "5"])
        #expect(try ResumeCommandTests.checkpointSteps(run) == [0, 3, 4])
        let finished = try SFTCommandTests.contents(run)
        try Self.train(["--resume", "--out", run.path])
        #expect(try SFTCommandTests.contents(run) == finished, "a finished run is left as it was")
        try Self.train(["--resume", "--out", run.path, "--steps", "7"])
        #expect(try ResumeCommandTests.checkpointSteps(run) == [0, 3, 4, 6, 7])
        #expect(try TrainCommandTests.metrics(run).count == 8)
        let last = try Checkpoint.read(from: run.appendingPathComponent("checkpoint-step-7.safetensors").path)
        #expect(last.metadata["vapo.run"] == #"{"checkpointEvery":3,"keepCheckpoints":5,"steps":7}"#)
    }

    @Test("--probe-every k probes the critic every k steps as well, writing its figures (the value bias overall and by response position among them) in those steps' metrics; the start and end probes carry the bias too; --resume keeps the setting")
    func probeEvery() throws {
        let scratch = try TrainCommandTests.scratch()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let run = scratch.appendingPathComponent("run")
        try Self.train(Self.tinyRun(scratch, out: "run") + ["--steps", "3", "--probe-every", "2"])
        let lines = try TrainCommandTests.metrics(run)
        #expect(lines.count == 4)
        func keys(_ step: Int, _ phase: String) -> [String] { lines[step].keys.filter { $0.hasPrefix("critic_probe/\(phase)/") }.sorted() }
        #expect(keys(1, "start").contains("critic_probe/start/bias") && keys(1, "during").isEmpty)
        #expect(keys(2, "during").contains("critic_probe/during/bias") && keys(2, "during").contains("critic_probe/during/ev_vmc"))
        #expect(keys(2, "during").contains { $0.hasPrefix("critic_probe/during/bias/") }, "a bucket of response positions")
        #expect(keys(3, "end").contains("critic_probe/end/bias") && keys(3, "during").isEmpty)
        let last = try Checkpoint.read(from: run.appendingPathComponent("checkpoint-step-3.safetensors").path)
        #expect(last.metadata["vapo.run"] == #"{"checkpointEvery":10,"keepCheckpoints":3,"probeEvery":2,"steps":3}"#)
        #expect(throws: (any Error).self) { try Self.train(Self.tinyRun(scratch, out: "other") + ["--probe-every", "-1"]) }
    }

    @Test("the short SFT makes the policy --layers/--width/--heads/--context describe, on the run's --task, and is reused by the same command run again; the flags a starting point would ignore are refused in one line before anything is written")
    func startingPointFlags() throws {
        let scratch = try TrainCommandTests.scratch()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let config = ["--config", scratch.appendingPathComponent("tiny.json").path]
        let shape = ["--layers", "1", "--width", "16", "--heads", "2", "--context", "48"]
        try Self.train(config + shape + ["--task", "counting", "--max-difficulty", "1", "--sft-steps", "2", "--steps", "0",
                                         "--out", scratch.appendingPathComponent("short").path])
        let sft = try PolicyCheckpoint.read(from: scratch.appendingPathComponent("short/sft.safetensors").path)
        #expect(sft.model.configuration == GPTConfiguration(layers: 1, width: 16, heads: 2, context: 48, vocabulary: sft.model.configuration.vocabulary))
        #expect(sft.configuration.task == "counting" && sft.configuration.steps == 2)
        let policy = scratch.appendingPathComponent("short/sft.safetensors").path
        // The same command run again where a stop left only the short SFT's result reuses it; other flags are refused.
        let again = scratch.appendingPathComponent("again")
        try FileManager.default.createDirectory(at: again, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: policy, toPath: again.appendingPathComponent("sft.safetensors").path)
        try Self.train(config + shape + ["--task", "counting", "--max-difficulty", "1", "--sft-steps", "2", "--steps", "0", "--out", again.path])
        #expect(try Data(contentsOf: again.appendingPathComponent("checkpoint-step-0.safetensors"))
            == Data(contentsOf: scratch.appendingPathComponent("short/checkpoint-step-0.safetensors")))
        // Each command's --resume names the other's run folder.
        let sftMessage = try #require(SFTCommandTests.refusal(["--resume", "--out", again.path]))
        #expect(sftMessage == "--resume: \(again.path) holds a vapo train run (continue it with vapo train --resume); allowed: the folder of a vapo sft run")
        let cases: [([String], String)] = [
            (["--init-checkpoint", policy, "--fresh"], "--fresh: the policy comes from --init-checkpoint \(policy); allowed: --fresh without --init-checkpoint"),
            (["--init-checkpoint", policy, "--width", "32"], "--width: the policy comes from --init-checkpoint"),
            (["--init-checkpoint", policy, "--sft-steps", "5"], "--sft-steps: the policy comes from --init-checkpoint"),
            (["--fresh", "--sft-steps", "5"], "--sft-steps: --fresh starts from a fresh GPT, without a short SFT; allowed: one of the two"),
            (["--fresh", "--heads", "3"], "--heads is 3; allowed: a divisor of width 128"),
            (["--heads", "3"], "--heads is 3; allowed: a divisor of width 128"),
        ]
        for (arguments, message) in cases {
            let out = scratch.appendingPathComponent("refused")
            let text = try #require(SFTCommandTests.refusal(config + arguments + ["--out", out.path], command: "train"), "\(arguments) was accepted")
            #expect(text.hasPrefix(message), "\(arguments): \(text)")
            #expect(!FileManager.default.fileExists(atPath: out.path), "\(arguments)")
        }
        // A folder holding an sft.safetensors starts from it: a shape flag would be ignored.
        let reuse = scratch.appendingPathComponent("reuse")
        try FileManager.default.createDirectory(at: reuse, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: policy, toPath: reuse.appendingPathComponent("sft.safetensors").path)
        let text = try #require(SFTCommandTests.refusal(config + ["--layers", "2", "--out", reuse.path], command: "train"))
        #expect(text.hasPrefix("--layers: the policy comes from \(reuse.path)/sft.safetensors, which the folder holds"), "\(text)")
    }

    @Test("the last step's metrics line holds the held-out evaluation the final table shows, also when it is not an evaluation step; with --eval-problems 0 nothing is evaluated and no accuracy is recorded")
    func finalEvaluationRecorded() throws {
        let scratch = try TrainCommandTests.scratch()
        defer { try? FileManager.default.removeItem(at: scratch) }
        try Self.train(Self.tinyRun(scratch, out: "odd") + ["--steps", "3"])  // evalEvery 2: step 3 is not an evaluation step
        let odd = try TrainCommandTests.metrics(scratch.appendingPathComponent("odd"))
        let key = "val-core/addition/acc/pass@1"
        #expect(odd.map { $0[key] != nil } == [true, false, true, true])
        try Self.train(Self.tinyRun(scratch, out: "none") + ["--steps", "2", "--eval-problems", "0", "--algo", "grpo"])
        let none = try TrainCommandTests.metrics(scratch.appendingPathComponent("none"))
        #expect(none.count == 3)
        #expect(!none.contains { $0.keys.contains { $0.hasPrefix("val-core/") || $0.hasPrefix("val-aux/") } })
    }

    @Test("a negative number after a flag is its value, not a missing one: --steps -5 and --steps=-5 give the same range message, for vapo train and vapo sft")
    func negativeValues() throws {
        for (command, flag, allowed) in [("train", "--steps", "0...1000000"), ("sft", "--steps", "1...10000000"), ("train", "--alpha", "a positive finite number"),
                                         ("sft", "--batch-size", "1...4096")] {
            for arguments in [[flag, "-5"], [flag + "=-5"]] {
                let text = try #require(SFTCommandTests.refusal(arguments + ["--out", "/nonexistent/never-written"], command: command))
                let value = flag == "--alpha" ? "-5.0" : "-5"
                #expect(text == "\(flag) is \(value); allowed: \(allowed)", "\(command) \(arguments): \(text)")
            }
        }
    }

    @Test("a range error names what the user typed: the flag given, else the configuration file and its field, else the preset's value and the flag that sets it")
    func rangeErrorsNameWhatWasTyped() throws {
        let scratch = try TrainCommandTests.scratch()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let file = scratch.appendingPathComponent("micro.json")
        try Data(#"{"microBatchSize": 9}"#.utf8).write(to: file)
        let out = ["--out", scratch.appendingPathComponent("never").path]
        let cases: [([String], String)] = [
            (["--mini-batch", "7"], "--micro-batch is 16, the value of preset vapo (set it with --micro-batch); allowed: 1...7 (--mini-batch)"),
            (["--algo", "grpo", "--mini-batch", "7"], "--micro-batch is 16, the value of preset grpo (set it with --micro-batch); allowed: 1...7 (--mini-batch)"),
            (["--config", file.path, "--mini-batch", "4"], "--config \(file.path): microBatchSize is 9; allowed: 1...4 (miniBatchSize)"),
            (["--micro-batch", "9", "--mini-batch", "4"], "--micro-batch is 9; allowed: 1...4 (--mini-batch)"),
        ]
        for (arguments, message) in cases {
            #expect(SFTCommandTests.refusal(arguments + out, command: "train") == message, "\(arguments)")
        }
    }

    @Test("a run stopped by --time-limit says so, and how to continue it")
    func timeLimitSaysSo() throws {
        let scratch = try TrainCommandTests.scratch()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let run = scratch.appendingPathComponent("run")
        let result = try ChildProcess.run(["train"] + Self.tinyRun(scratch, out: "run") + ["--steps", "5", "--time-limit", "1e-9"])
        #expect(result.status == 0)
        #expect(result.lines.contains("the time limit (1e-09 s) stopped the run at step 1 of 5; continue it with: vapo train --resume --out \(run.path)"), "\(result.output)")
        #expect(try ResumeCommandTests.checkpointSteps(run) == [0, 1])
    }

    @Test("every option of every command states its default in --help (a required one is required), and the help of --init-checkpoint and --time-limit says what happens")
    func helpShowsDefaults() throws {
        let commands: [(String, any ParsableCommand.Type)] = [
            ("train", TrainCommand.self), ("sft", SFTCommand.self), ("eval", EvalCommand.self), ("sample", SampleCommand.self),
            ("probe-critic", ProbeCriticCommand.self), ("demo", DemoCommand.self),
        ]
        for (name, command) in commands {
            let help = command.helpMessage(columns: 10_000)
            let usage = try #require(help.components(separatedBy: "\n").first { $0.hasPrefix("USAGE: ") })
            // Each option's text runs from its "  --name <value>" line to the next option.
            let options = help.components(separatedBy: "\n  -").dropFirst().filter { $0.hasPrefix("-") && $0.contains("<") }
            #expect(options.count >= 4, "\(name)")
            for option in options {
                let flag = String(option.prefix { $0 != " " && $0 != "\n" })
                let required = usage.contains("-\(flag) <") && !usage.contains("[-\(flag) <")
                #expect(option.contains("(default") || required, "vapo \(name) -\(flag) states no default")
            }
        }
        let train = TrainCommand.helpMessage(columns: 10_000)
        #expect(!train.contains("else a fresh GPT of --layers/--width/--heads/--context)"), "the old claim: no short SFT")
        #expect(train.contains("else a fresh GPT with --fresh, else a short SFT"))
        #expect(train.contains("seconds after the command started (a short SFT and the critic's set-up count)"))
    }

    @Test("vapo presets lists vapo's every field and then each preset's differences from it, which applied to vapo give that preset")
    func presets() throws {
        let lines = PresetsCommand.lines()
        let base = PresetsCommand.fields(of: TrainOptions.vapo)
        #expect(lines.count == 1 + base.count + TrainingConfiguration.presetNames.count - 1)
        for name in TrainingConfiguration.presetNames where name != "vapo" {
            let line = try #require(lines.first { $0.hasPrefix(name + ": ") })
            var object = base
            for pair in line.dropFirst(name.count + 2).components(separatedBy: ", ") where pair != "(as vapo)" {
                let parts = pair.split(separator: " ", maxSplits: 1).map(String.init)
                object[parts[0]] = parts[1]
            }
            let json = "{" + object.map { "\"\($0.key)\": \($0.value)" }.joined(separator: ", ") + "}"
            #expect(try TrainingConfiguration.decode(json: Data(json.utf8)) == TrainingConfiguration.preset(named: name), "\(name)")
        }
    }

    @Test("vapo presets NAME prints the preset's summary and its recipe part by part; an unknown name is one line listing the presets")
    func presetRecipe() throws {
        let result = try ChildProcess.run(["presets", "vapo+kl"])
        #expect(result.status == 0)
        #expect(result.lines.first == "vapo+kl: VAPO with GRPO's k3 KL to the starting policy")
        let parts = result.lines.dropFirst().filter { !$0.isEmpty }
        #expect(parts.count == RecipePart.allCases.count)
        #expect(parts.contains { $0.contains("actor loss") && $0.contains("0.04·KL to the reference") && $0.contains("2.0·positive-example NLL") })
        #expect(parts.contains { $0.contains("advantage estimator") && $0.contains("GAE") && $0.contains("length-adaptive") })
        let unknown = try ChildProcess.run(["presets", "vapo-kl"])
        #expect(unknown.status != 0)
        #expect(unknown.firstErrorLine.hasPrefix("Error: vapo presets: \"vapo-kl\" is not a preset; allowed: vapo, vapo-paper, "))
    }

    @Test("vapo train --dry-run prints the starting policy and the configuration a run would write as config.json, and writes nothing")
    func dryRun() throws {
        let scratch = try TrainCommandTests.scratch()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let arguments = ["train"] + Self.tinyRun(scratch, out: "run") + ["--steps", "1", "--algo", "dapo"]
        let dry = try ChildProcess.run(arguments + ["--dry-run"])
        #expect(dry.status == 0)
        #expect(!FileManager.default.fileExists(atPath: scratch.appendingPathComponent("run").path))
        #expect(dry.lines.first == "starting policy: a fresh GPT of 1 layer × width 16, 2 heads, context 32")
        #expect(try ChildProcess.run(arguments).status == 0)
        let written = try String(contentsOf: scratch.appendingPathComponent("run/config.json"), encoding: .utf8)
        #expect(dry.lines.dropFirst().joined(separator: "\n") == written + "\n")
    }

    @Test("a run's output explains the progress columns once, names its sizes with their units, and says '1 step', never '1 steps'")
    func progressWording() throws {
        let scratch = try TrainCommandTests.scratch()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let result = try ChildProcess.run(["train"] + Self.tinyRun(scratch, out: "run") + ["--steps", "1", "--threads", "1"])
        #expect(result.status == 0)
        #expect(result.lines.filter { $0.hasPrefix("columns: ") }.count == 1)
        #expect(result.output.contains("1 step of 2 prompts × 2 samples, 1 thread,"), "\(result.output)")
        #expect(result.output.contains("1 RL step in"))
        #expect(!result.output.contains("1 steps") && !result.output.contains("1 thread(s)"))
        #expect(!result.output.contains("\r") && !result.output.contains("\u{1B}"), "a file gets plain lines")
    }

    @Test("the short SFT runs on the threads --threads asks for")
    func shortSFTThreads() throws {
        let scratch = try TrainCommandTests.scratch()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let result = try ChildProcess.run(["train", "--config", scratch.appendingPathComponent("tiny.json").path, "--layers", "1", "--width", "16",
            "--heads", "2", "--context", "96", "--sft-steps", "1", "--steps", "0", "--threads", "1", "--out", scratch.appendingPathComponent("run").path])
        #expect(result.status == 0)
        let line = try #require(result.lines.first { $0.hasPrefix("starting policy: a short SFT of 1 step on addition") })
        #expect(line.contains(", on 1 thread; saved as "), "\(line)")
    }
}
