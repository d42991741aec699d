import ArgumentParser

/// The `vapo` command-line tool.
@main
struct Vapo: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vapo",
        abstract: "VAPO: value-based reinforcement learning for reasoning, reference implementation.",
        subcommands: [DemoCommand.self, SFTCommand.self, EvalCommand.self, TrainCommand.self, PresetsCommand.self, SampleCommand.self, ProbeCriticCommand.self])
}
