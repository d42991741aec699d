// Specs/training.md, "Evaluation".
import Foundation
import Kernels
import Tasks
import Transformer

/// How a policy is evaluated on held-out problems: greedy pass@1 and sampled mean@k.
public struct EvaluationOptions: Sendable, Hashable {
    /// k: samples per problem for mean@k; 0 skips sampling (greedy only).
    public var samples: Int
    /// Temperature of the k samples.
    public var temperature: Double
    /// Nucleus mass of the k samples (`SamplingOptions.topP`; 1 keeps the whole distribution).
    public var topP = 1.0
    /// The longest response, greedy or sampled; nil: as many tokens as the longest teacher response of the
    /// problems could need (see `GPT.responses(to:options:task:)`).
    public var maxNewTokens: Int?
    /// The seed of the samples' streams (`SamplingOptions.seed`; step 0).
    public var seed: UInt64
    /// Requests sampled together (bounds the KV cache's memory; results do not depend on it).
    public var chunkSize = 256

    /// The most sampled responses an evaluation of problems × samples may ask for, 2^20: every request and
    /// every response is kept until the report is made (about 2 KB each at the tasks' lengths), so 2^20 of them
    /// hold some 2 GB, while each factor alone would allow 10^9. The configurations check it
    /// (`SFTConfiguration.validated()`, `TrainingConfiguration.validated()`).
    public static let maximumResponses = 1 << 20

    /// Options for k samples at `temperature` from streams of `seed`.
    public init(samples: Int, temperature: Double, seed: UInt64) {
        self.samples = samples
        self.temperature = temperature
        self.seed = seed
    }
}

/// The generated responses of one problem: the greedy one and the k samples (tokens after the prompt).
public struct ProblemResponses: Sendable, Hashable {
    public var greedy: [Int]
    public var samples: [[Int]]

    public init(greedy: [Int], samples: [[Int]]) {
        self.greedy = greedy
        self.samples = samples
    }
}

/// Accuracy of one task on one length bucket (or on all of them: `bucket` nil).
public struct EvaluationRow: Sendable, Hashable {
    /// The task's registry name.
    public let task: String
    /// The length bucket; nil for the row over every problem of the task.
    public let bucket: LengthBucket?
    /// Problems in the row.
    public let problems: Int
    /// Problems whose greedy response verifies.
    public let greedyCorrect: Int
    /// Samples (of problems × k) that verify.
    public let sampledCorrect: Int
    /// k.
    public let samplesPerProblem: Int

    /// Greedy pass@1: the fraction of problems whose greedy response verifies.
    public var passAt1: Double { Double(greedyCorrect) / Double(problems) }
    /// mean@k: the mean over problems of the fraction of their k samples that verify (every problem has k,
    /// so this is the fraction of all samples); nil when k = 0.
    public var meanAtK: Double? { samplesPerProblem == 0 ? nil : Double(sampledCorrect) / Double(problems * samplesPerProblem) }
}

/// The accuracies of an evaluation, per task and per length bucket of the teacher trace.
public struct EvaluationReport: Sendable, Hashable {
    /// For each task in order of first appearance: a row over all its problems, then one per non-empty
    /// bucket, buckets ascending.
    public let rows: [EvaluationRow]
    /// k of mean@k (0: greedy only).
    public let samplesPerProblem: Int
    /// The temperature of the samples.
    public let temperature: Double

    /// The report of `responses[i]` to `problems[i]`, each judged by its task's verifier (the final answer
    /// alone, Specs/tasks.md): pure bookkeeping, so it can be checked on hand-made responses. `task`, when
    /// given, judges every problem instead of the registry's task of the problem's name (a trainer may run
    /// on a task of its own).
    public init(problems: [Problem], responses: [ProblemResponses], temperature: Double, task: (any ReasoningTask)? = nil) {
        precondition(problems.count == responses.count, "EvaluationReport: \(responses.count) responses for \(problems.count) problems")
        let k = responses.first?.samples.count ?? 0
        precondition(responses.allSatisfy { $0.samples.count == k }, "EvaluationReport: every problem needs the same number of samples")
        var tasks: [String] = []
        var outcomes: [String: [(bucket: LengthBucket, greedy: Int, sampled: Int)]] = [:]
        for (problem, response) in zip(problems, responses) {
            let judge: any ReasoningTask
            if let task { judge = task } else {
                do { judge = try TaskRegistry.task(named: problem.task) } catch { preconditionFailure("\(error)") }
            }
            if outcomes[problem.task] == nil { tasks.append(problem.task) }
            let greedy = judge.verify(response: response.greedy, for: problem) ? 1 : 0
            let sampled = response.samples.filter { judge.verify(response: $0, for: problem) }.count
            outcomes[problem.task, default: []].append((LengthBucket.of(traceLength: problem.traceTokenCount), greedy, sampled))
        }
        func row(_ task: String, _ bucket: LengthBucket?, _ items: [(bucket: LengthBucket, greedy: Int, sampled: Int)]) -> EvaluationRow {
            EvaluationRow(
                task: task, bucket: bucket, problems: items.count, greedyCorrect: items.reduce(0) { $0 + $1.greedy },
                sampledCorrect: items.reduce(0) { $0 + $1.sampled }, samplesPerProblem: k)
        }
        rows = tasks.flatMap { task -> [EvaluationRow] in
            let items = outcomes[task]!
            let buckets = LengthBucket.all.filter { bucket in items.contains { $0.bucket == bucket } }
            return [row(task, nil, items)] + buckets.map { bucket in row(task, bucket, items.filter { $0.bucket == bucket }) }
        }
        samplesPerProblem = k
        self.temperature = temperature
    }

    /// Greedy pass@1 over every problem of every task.
    public var passAt1: Double {
        let all = rows.filter { $0.bucket == nil }
        return Double(all.reduce(0) { $0 + $1.greedyCorrect }) / Double(max(1, all.reduce(0) { $0 + $1.problems }))
    }

    /// The report as a fixed-width text table, one line per row.
    public var table: String {
        let k = samplesPerProblem
        let header = "task            trace    problems   pass@1" + (k > 0 ? "   mean@\(k) (T=\(temperature))" : "")
        let lines = rows.map { row -> String in
            let bucket = row.bucket.map(\.description) ?? "all"
            var line = row.task.padding(16) + bucket.padding(9) + String(row.problems).leftPadding(8)
                + percent(row.passAt1).leftPadding(9)
            if let mean = row.meanAtK { line += percent(mean).leftPadding(10) }
            return line
        }
        return ([header] + lines).joined(separator: "\n")
    }
}

extension String {
    fileprivate func padding(_ width: Int) -> String { self + String(repeating: " ", count: max(0, width - count)) }
    fileprivate func leftPadding(_ width: Int) -> String { String(repeating: " ", count: max(0, width - count)) + self }
}

/// A fraction as a percentage with one decimal, e.g. `97.5%`, rounded as `printf("%.1f")` rounds (as the
/// command line prints progress), so a table and a progress line show one accuracy alike.
func percent(_ fraction: Double) -> String {
    String(format: "%.1f%%", 100 * fraction)
}

extension GPT {
    /// The greedy response and `options.samples` sampled responses of each problem (tokens after the
    /// prompt), with `GPT.sample`: request (i, j) is sample j of problem i, so every response depends only on
    /// (seed, i, j) and the weights. A response stops at EOS, at the context, or after `options.maxNewTokens`
    /// tokens; by default after as many tokens as the longest teacher response could need (the largest
    /// `maximumTokenCount(difficulty:)` minus prompt length over the problems): a longer one could not be a
    /// teacher-like answer. `task`, when given, is every problem's task instead of the registry's.
    public func responses(
        to problems: [Problem], options: EvaluationOptions, task: (any ReasoningTask)? = nil
    ) throws(SamplingError) -> [ProblemResponses] {
        let limits = try problems.map { problem throws(SamplingError) -> Int in
            let owner: any ReasoningTask
            if let task { owner = task } else {
                do { owner = try TaskRegistry.task(named: problem.task) } catch {
                    throw .outOfRange(field: "problem task", value: problem.task, allowed: TaskRegistry.names.joined(separator: ", "))
                }
            }
            return owner.maximumTokenCount(difficulty: problem.difficulty) - problem.promptTokens.count
        }
        let maxNewTokens = options.maxNewTokens ?? limits.max() ?? 0
        func run(_ samples: Int, temperature: Double, topP: Double) throws(SamplingError) -> [[Int]] {
            let requests = problems.indices.flatMap { i in
                (0..<samples).map { SamplingRequest(prompt: problems[i].promptTokens, promptIndex: i, sampleIndex: $0) }
            }
            let sampling = SamplingOptions(
                seed: options.seed, temperature: temperature, topP: topP, maxNewTokens: maxNewTokens, endOfSequence: Tokenizer.eos)
            var tokens: [[Int]] = []
            for start in stride(from: 0, to: requests.count, by: options.chunkSize) {
                let chunk = Array(requests[start..<min(start + options.chunkSize, requests.count)])
                tokens += try sample(chunk, options: sampling).map(\.tokens)
            }
            return tokens
        }
        let greedy = try run(1, temperature: 0, topP: 1)
        let sampled = options.samples > 0 ? try run(options.samples, temperature: options.temperature, topP: options.topP) : []
        return problems.indices.map { i in
            ProblemResponses(greedy: greedy[i], samples: Array(sampled[(i * options.samples)..<((i + 1) * options.samples)]))
        }
    }

    /// Evaluates the policy on `problems`: greedy pass@1 and mean@k per task and length bucket. `task`, when
    /// given, is every problem's task (its verifier and lengths) instead of the registry's.
    public func evaluate(
        on problems: [Problem], options: EvaluationOptions, task: (any ReasoningTask)? = nil
    ) throws(SamplingError) -> EvaluationReport {
        EvaluationReport(
            problems: problems, responses: try responses(to: problems, options: options, task: task), temperature: options.temperature,
            task: task)
    }
}
