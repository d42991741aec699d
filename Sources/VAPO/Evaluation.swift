import Kernels
import Tasks
import Transformer

/// Held-out accuracy of a policy: a minimal evaluator for the trainer's `val-core/<task>/acc/mean@k` metric.
/// (The `Training` module's evaluation, built separately, is the general one; the two should be unified.)
///
/// The problems are `task.evaluationSet(count: evalProblems, seed: evalSeed)` at the configured difficulties;
/// each gets `evalSamples` = k samples, greedy when k = 1, else at `evalTemperature` and `evalTopP` from the
/// streams of `RandomStream(seed, "evaluation/sampling")`; mean@k is the fraction of all samples the verifier
/// accepts.
enum Evaluation {
    static func accuracy<S: KernelScalar>(
        policy: GPT<S>, task: any ReasoningTask, configuration c: TrainingConfiguration
    ) throws(TrainingError) -> Metrics {
        let problems: [Problem]
        do {
            problems = try task.evaluationSet(count: c.evalProblems, seed: c.evalSeed, difficulties: c.difficulties(of: task))
        } catch {
            throw .task(error)
        }
        let k = c.evalSamples
        let options = SamplingOptions(
            seed: RandomStream(seed: c.seed, name: "evaluation/sampling").key, step: 0,
            temperature: k == 1 ? 0 : c.evalTemperature, topP: k == 1 ? 1 : c.evalTopP, maxNewTokens: c.maxNewTokens,
            endOfSequence: Tokenizer.eos)
        let sampled: [SampledSequence]
        do { sampled = try policy.sample(prompts: problems.map(\.promptTokens), samplesPerPrompt: k, options: options) } catch {
            throw .sampling(error)
        }
        let correct = sampled.indices.filter { task.verify(response: sampled[$0].tokens, for: problems[$0 / k]) }.count
        return ["val-core/\(task.name)/acc/mean@\(k)": sampled.isEmpty ? 0 : Double(correct) / Double(sampled.count)]
    }
}
