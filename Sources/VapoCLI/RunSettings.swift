// Specs/reliability.md, "Resume and checkpoints": the run's own settings (`vapo.run`).
import Checkpoints
import Foundation

/// The command line's own settings of a run, the ones no configuration file holds: the steps to reach
/// (`vapo train`; a warm-up's steps are in its configuration), how often to checkpoint and how many
/// checkpoints to keep. Every checkpoint records them (metadata `vapo.run`), so that `--resume` continues the
/// run as it was started, and a flag given with `--resume` changes them from then on.
struct RunSettings: Codable, Equatable {
    /// The steps to reach (`vapo train`), nil for `vapo sft`.
    var steps: Int?
    /// A checkpoint every this many steps, and after the last.
    var checkpointEvery: Int
    /// The newest this many checkpoints are kept.
    var keepCheckpoints: Int

    /// The metadata key.
    static let key = "vapo.run"

    /// The settings recorded in `checkpoint`, or nil for a checkpoint written before they were recorded.
    init?(recordedIn checkpoint: Checkpoint) throws {
        guard let text = checkpoint.metadata[Self.key] else { return nil }
        do { self = try JSONDecoder().decode(Self.self, from: Data(text.utf8)) } catch {
            throw CommandError("--resume: the checkpoint's metadata \(Self.key) is not valid (\(text.prefix(80))); allowed: the settings vapo writes")
        }
    }

    init(steps: Int?, checkpointEvery: Int, keepCheckpoints: Int) {
        self.steps = steps
        self.checkpointEvery = checkpointEvery
        self.keepCheckpoints = keepCheckpoints
    }

    /// `checkpoint` with these settings in its metadata.
    func recorded(in checkpoint: Checkpoint) -> Checkpoint {
        var checkpoint = checkpoint
        checkpoint.metadata[Self.key] = String(decoding: (try? JSONEncoder.sorted.encode(self)) ?? Data(), as: UTF8.self)
        return checkpoint
    }
}
