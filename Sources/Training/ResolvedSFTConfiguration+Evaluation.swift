import Kernels
import Tasks

extension ResolvedSFTConfiguration {
    /// The held-out problems: `evaluationProblems` problems of the task's evaluation split for the seed,
    /// cycling through the difficulties. Never shares a split key with a training problem.
    public func evaluationSet() -> [Problem] {
        do {
            return try task.evaluationSet(count: configuration.evaluationProblems, seed: configuration.seed, difficulties: difficulties)
        } catch {
            preconditionFailure("validated configuration rejected: \(error)")
        }
    }

    /// Sampling options of the evaluation: k = `samples` at `temperature` (or greedy only, k = 0), from the
    /// streams of `RandomStream(seed: seed, name: "sft/evaluation").key`.
    public func evaluationOptions(sampled: Bool) -> EvaluationOptions {
        EvaluationOptions(
            samples: sampled ? configuration.samples : 0, temperature: configuration.temperature,
            seed: RandomStream(seed: configuration.seed, name: "sft/evaluation").key)
    }
}
