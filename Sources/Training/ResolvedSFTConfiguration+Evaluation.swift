// Specs/training.md, "Evaluation": the held-out set of a warm-up.
import Kernels
import Tasks

extension ResolvedSFTConfiguration {
    /// The held-out problems: `evalProblems` problems of the task's evaluation split for the seed,
    /// cycling through the difficulties. Never shares a split key with a training problem.
    public func evaluationSet() -> [Problem] {
        do {
            return try task.evaluationSet(count: configuration.evalProblems, seed: configuration.seed, difficulties: difficulties)
        } catch {
            preconditionFailure("validated configuration rejected: \(error)")
        }
    }

    /// Sampling options of the evaluation: k = `evalSamples` at `evalTemperature` (or greedy only, k = 0), from the
    /// streams of `RandomStream(seed: seed, name: "sft/evaluation").key`.
    public func evaluationOptions(sampled: Bool) -> EvaluationOptions {
        EvaluationOptions(
            samples: sampled ? configuration.evalSamples : 0, temperature: configuration.evalTemperature,
            seed: RandomStream(seed: configuration.seed, name: "sft/evaluation").key)
    }
}
