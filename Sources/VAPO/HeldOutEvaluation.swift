// Specs/vapo.md, "Held-out evaluation".
import Kernels
import Tasks
import Training
import Transformer

/// The trainer's held-out accuracy, measured by the `Training` module's evaluator (`GPT.evaluate`), the one
/// `vapo sft` and `vapo eval` use, so an SFT table and an RL metric of the same policy and settings agree.
///
/// The problems are `task.evaluationSet(count: evalProblems, seed: evalSeed)` at the configured difficulties.
/// Each gets a greedy response and, when k = `evalSamples` > 1, k samples at `evalTemperature` and `evalTopP`
/// from the streams of `RandomStream(seed, "evaluation/sampling")`; every response has at most
/// `maxNewTokens` tokens. The keys (verl's `val-core`; the trace-length buckets of Specs/training.md under
/// `val-aux`):
/// With `evalProblems` = 0 nothing is evaluated and there are no keys. Otherwise:
/// - `val-core/<task>/acc/pass@1`: the fraction of problems whose greedy response verifies, always. With
///   `evalSamples` = 1 this is the whole evaluation: one greedy response per problem, i.e. what the paper's
///   mean@k becomes at k = 1 with greedy decoding.
/// - `val-core/<task>/acc/mean@k`, only when k > 1: the mean over problems of the fraction of their k samples
///   that verify (every problem has k, so the fraction of all samples).
/// - `val-aux/<task>/trace_<bucket>/acc/pass@1` (and `.../mean@k` when k > 1) per non-empty bucket, where
///   `<bucket>` is `LengthBucket.description` (`<20`, `20-49`, `50-99`, `>=100`).
public enum HeldOutEvaluation {
    /// The greedy pass@1 key of `task`: the accuracy a progress line and a before/after table show.
    public static func passAt1Key(task: String) -> String { MetricKey.passAt1(task: task).rawValue }

    static func metrics<S: KernelScalar>(
        policy: GPT<S>, task: any ReasoningTask, configuration c: TrainingConfiguration
    ) throws(TrainingError) -> Metrics {
        metrics(of: try report(policy: policy, task: task, configuration: c), task: task.name)
    }

    /// The evaluation behind the metrics: `policy` on the held-out problems of `task` with the settings of
    /// configuration `c` (its `evalProblems`, `evalSeed`, `evalSamples`, `evalTemperature`, `evalTopP`,
    /// `maxNewTokens`, `seed` and difficulties), as `Trainer.evaluate()` runs it. Its rows are the metrics'
    /// keys: the row over all problems is `val-core`, each bucket's `val-aux`; with `evalSamples` = 1 it is
    /// greedy only (`samplesPerProblem` 0).
    public static func report<S: KernelScalar>(
        policy: GPT<S>, task: any ReasoningTask, configuration c: TrainingConfiguration
    ) throws(TrainingError) -> EvaluationReport {
        let problems: [Problem]
        do {
            problems = try task.evaluationSet(count: c.evalProblems, seed: c.evalSeed, difficulties: c.difficulties(of: task))
        } catch {
            throw .task(error)
        }
        let k = c.evalSamples
        var options = EvaluationOptions(
            samples: k > 1 ? k : 0, temperature: c.evalTemperature, seed: RandomStream(seed: c.seed, name: "evaluation/sampling").key)
        options.topP = c.evalTopP
        options.maxNewTokens = c.maxNewTokens
        do { return try policy.evaluate(on: problems, options: options, task: task) } catch { throw .sampling(error) }
    }

    /// The keys of `report`'s rows of task `task` (k of mean@k: `report.samplesPerProblem`).
    static func metrics(of report: EvaluationReport, task: String) -> Metrics {
        let k = report.samplesPerProblem
        var metrics: Metrics = [:]  // no problems (evalProblems = 0): no evaluation, no key
        for row in report.rows where row.task == task {
            metrics[.passAt1(task: task, bucket: row.bucket?.description)] = row.passAt1
            if let mean = row.meanAtK { metrics[.meanAt(k, task: task, bucket: row.bucket?.description)] = mean }
        }
        return metrics
    }
}
