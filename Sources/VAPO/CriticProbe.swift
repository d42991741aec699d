// Specs/vapo.md, "The critic probe".
import Kernels
import RLMath
import Tasks
import Transformer

/// Measures a value model (critic) against Monte-Carlo ground truth, as VinePPO does (Kazemnejad et al.,
/// arXiv 2410.01679 §7; Specs/vapo.md, "The critic probe").
///
/// The policy answers held-out problems; at a subsample of each response's prefixes, V_MC(prefix) is the mean
/// verifier score of K continuations the same policy samples from the prefix; the critic's values come from
/// `Rollout.score` (the path training uses), and the report compares them with V_MC and with the responses'
/// returns, overall and by response position, and across each response's first departure from the teacher
/// response.
///
/// Deterministic: the problems are `evaluationSet(count: problems, seed: seed)`; the responses are drawn from
/// `RandomStream(seed, "critic-probe/responses")` (sampling step 0, prompt i, sample 0); the positions of
/// response i from `RandomStream(seed, "critic-probe/prefixes").child(i)`; continuation j of prefix t of
/// response i from `RandomStream(seed, "critic-probe/continuations")` at sampling step t, prompt i, sample j.
/// So the report depends only on the models, the task, the configuration and the options, never on the
/// thread count.
public enum CriticProbe {
    /// The response-position buckets of the report: 0-15, 16-31, 32-47, 48-63 and >=64 tokens.
    public static let positionBuckets: [(label: String, positions: Range<Int>)] = [
        ("0-15", 0..<16), ("16-31", 16..<32), ("32-47", 32..<48), ("48-63", 48..<64), (">=64", 64..<Int.max),
    ]

    /// Where a probe is, for a caller that shows progress.
    public struct Progress: Sendable, Hashable {
        /// The probe's phases, in order.
        public enum Phase: String, Sendable, Hashable {
            /// Sampling one response per problem.
            case responses
            /// Sampling the K continuations of every probed prefix.
            case continuations
        }

        /// The phase the figures belong to.
        public let phase: Phase
        /// Responses sampled, or prefixes whose continuations are done.
        public let done: Int
        /// Responses, or prefixes, in all.
        public let total: Int
        /// Continuation tokens generated so far.
        public let tokens: Int
    }

    /// The probe of `critic` (a scalar head) against the Monte-Carlo values of `policy` (a language-model head
    /// over the Tasks vocabulary) on `task`'s held-out problems at `configuration`'s difficulties, sampling at
    /// its rollout `temperature`, `topP` and `maxNewTokens`, scoring `rewardCorrect` / `rewardIncorrect`.
    ///
    /// For each of `options.problems` problems: one response; its prefix positions (a subsample of
    /// `options.prefixesPerResponse` distinct positions of 0 ..< its length, or all of them, plus the first
    /// error t and t + 1 when `options.firstError`); the critic's V(prefix t) = `rollout.values` at prompt
    /// length + t after `rollout.score(policy:critic:…)`; V_MC(prefix t) = the mean score of K =
    /// `options.continuations` continuations of prefix t (each judged as the whole response: the prefix's
    /// response tokens then the continuation, at most `maxNewTokens` in all). `progress` is called after the
    /// responses and after each position's continuations. Errors: an option out of range, a model of the wrong
    /// head or vocabulary, first-error figures on a task without teacher traces (`hasTeacherTrace` false, or an
    /// empty `Problem.trace`), a task or sampling failure: one `TrainingError` line.
    public static func measure<Scalar: KernelScalar & RLRealScalar>(
        policy: GPT<Scalar>, critic: GPT<Scalar>, task: any ReasoningTask, configuration: TrainingConfiguration,
        options: CriticProbeOptions = CriticProbeOptions(), progress: ((Progress) -> Void)? = nil
    ) throws(TrainingError) -> CriticProbeReport {
        try options.validate()
        let c: TrainingConfiguration
        do { c = try configuration.validated() } catch { throw .configuration(error) }
        guard policy.head == .languageModel else {
            throw .model(field: "policy head", value: policy.head.rawValue, allowed: GPTHead.languageModel.rawValue)
        }
        guard critic.head == .scalar else { throw .model(field: "critic head", value: critic.head.rawValue, allowed: GPTHead.scalar.rawValue) }
        guard policy.configuration.vocabulary == Tokenizer.vocabularySize else {
            throw .model(field: "vocabulary", value: "\(policy.configuration.vocabulary)", allowed: "\(Tokenizer.vocabularySize) (the Tasks tokenizer)")
        }
        let difficulties = c.difficulties(of: task)
        let problems: [Problem]
        do { problems = try task.evaluationSet(count: options.problems, seed: options.seed, difficulties: difficulties) } catch {
            throw .task(error)
        }
        if options.firstError, !task.hasTeacherTrace || problems.contains(where: { $0.trace.isEmpty }) {
            throw .probe(
                field: "firstError", value: "true (task \(task.name) has no teacher trace)", allowed: "false for a task without teacher traces")
        }
        func score(_ response: [Int], _ problem: Problem) -> (correct: Bool, score: Double) {
            let correct = task.verify(response: response, for: problem)
            return (correct, correct ? c.rewardCorrect : c.rewardIncorrect)
        }
        func sample(_ requests: [SamplingRequest], stream: String, step: Int, maxNewTokens: Int) throws(TrainingError) -> [SampledSequence] {
            let sampling = SamplingOptions(
                seed: RandomStream(seed: options.seed, name: stream).key, step: step, temperature: c.temperature, topP: c.topP,
                maxNewTokens: maxNewTokens, endOfSequence: Tokenizer.eos)
            do { return try policy.sample(requests, options: sampling) } catch { throw .sampling(error) }
        }

        // One response per problem, judged; the critic's values through the rollout, as training reads them.
        let sequences = try sample(
            problems.enumerated().map { SamplingRequest(prompt: $1.promptTokens, promptIndex: $0, sampleIndex: 0) },
            stream: "critic-probe/responses", step: 0, maxNewTokens: c.maxNewTokens)
        let sampled = zip(problems, sequences).enumerated().map { i, pair in
            let (problem, sequence) = pair
            let verdict = score(sequence.tokens, problem)
            return SampledResponse(
                problem: problem, group: i, promptTokens: problem.promptTokens, responseTokens: sequence.tokens, stop: sequence.stop,
                correct: verdict.correct, score: verdict.score)
        }
        progress?(Progress(phase: .responses, done: sampled.count, total: sampled.count, tokens: 0))
        var rollout = Rollout<Scalar>(responses: sampled, samplesPerGroup: 1, overlongFiltering: false)
        rollout.score(policy: policy, critic: critic, reference: nil, chunkSize: c.microBatchSize, temperature: Scalar(c.temperature))
        guard let values = rollout.values else { preconditionFailure("Rollout.score with a critic gives values") }

        // The positions of each response: the subsample, and both sides of the first error.
        let prefixStream = RandomStream(seed: options.seed, name: "critic-probe/prefixes")
        var firstErrors: [Int?] = []
        var positions: [[Int]] = []
        for (i, response) in sampled.enumerated() {
            let length = response.responseTokens.count
            let error = options.firstError ? firstDeparture(response: response.responseTokens, teacher: response.problem.responseTokens) : nil
            var chosen = Set(subsample(length: length, count: options.prefixesPerResponse, stream: prefixStream.child(i)))
            if let error {
                chosen.insert(error)
                if error + 1 < length { chosen.insert(error + 1) }
            }
            firstErrors.append(error)
            positions.append(chosen.sorted())
        }

        // K continuations of every probed prefix, one sampling call per position t (the budget maxNewTokens − t).
        let total = positions.reduce(0) { $0 + $1.count }
        let continuations = try PrefixContinuations.scores(
            policy: policy, responses: sampled, positions: positions, continuations: options.continuations,
            sampling: SamplingOptions(
                seed: RandomStream(seed: options.seed, name: "critic-probe/continuations").key, temperature: c.temperature, topP: c.topP,
                maxNewTokens: c.maxNewTokens, endOfSequence: Tokenizer.eos),
            score: { score($0, $1.problem).score }
        ) { done, tokens in progress?(Progress(phase: .continuations, done: done, total: total, tokens: tokens)) }
        let tokens = continuations.tokens
        var monteCarlo = sampled.map { [Int: (mean: Double, standardError: Double)](minimumCapacity: $0.responseTokens.count) }
        for (i, list) in positions.enumerated() {
            for (p, t) in list.enumerated() {
                monteCarlo[i][t] = meanAndStandardError(continuations.scores[i][p], spread: c.rewardCorrect - c.rewardIncorrect)
            }
        }

        var records: [ProbedPrefix] = []
        func value(_ i: Int, _ t: Int) -> Double { Double(values[i][sampled[i].promptTokens.count + t]) }
        for (i, list) in positions.enumerated() {
            for t in list {
                let mc = monteCarlo[i][t]!
                records.append(ProbedPrefix(
                    response: i, position: t, value: value(i, t), monteCarloValue: mc.mean, monteCarloStandardError: mc.standardError,
                    monteCarloReturn: sampled[i].score))
            }
        }
        guard !records.isEmpty else {
            throw .probe(field: "responses", value: "all empty (no prefix to probe)", allowed: "prompts shorter than the policy's context")
        }
        let buckets = positionBuckets.compactMap { bucket -> CriticProbeFigures? in
            let inside = records.filter { bucket.positions.contains($0.position) }
            return inside.isEmpty ? nil : CriticProbeFigures(label: bucket.label, records: inside)
        }
        var firstError: FirstErrorFigures?
        if options.firstError {
            var drops: [(position: Int, critic: Double, monteCarlo: Double)] = []
            for (i, error) in firstErrors.enumerated() {
                guard let t = error else { continue }
                let terminal = t + 1 == sampled[i].responseTokens.count
                let after = terminal ? (sampled[i].score, sampled[i].score) : (value(i, t + 1), monteCarlo[i][t + 1]!.mean)
                drops.append((t, after.0 - value(i, t), after.1 - monteCarlo[i][t]!.mean))
            }
            let n = Double(drops.count)
            let criticDrop = drops.isEmpty ? nil : drops.reduce(0) { $0 + $1.critic } / n
            let monteCarloDrop = drops.isEmpty ? nil : drops.reduce(0) { $0 + $1.monteCarlo } / n
            firstError = FirstErrorFigures(
                responses: drops.count,
                followingTeacher: sampled.filter { $0.responseTokens == $0.problem.responseTokens }.count,
                meanPosition: drops.isEmpty ? nil : Double(drops.reduce(0) { $0 + $1.position }) / n,
                criticDrop: criticDrop, monteCarloDrop: monteCarloDrop,
                ratio: criticDrop.flatMap { a in monteCarloDrop.flatMap { $0 == 0 ? nil : a / $0 } })
        }
        return CriticProbeReport(
            options: options, task: task.name, difficulties: difficulties, temperature: c.temperature, topP: c.topP,
            maxNewTokens: c.maxNewTokens,
            responses: zip(sampled, firstErrors).map { response, error in
                ProbedResponse(
                    prompt: response.problem.prompt, tokens: response.responseTokens, correct: response.correct, score: response.score,
                    firstError: error)
            },
            prefixes: records, continuationTokens: tokens, overall: CriticProbeFigures(label: "all", records: records), buckets: buckets,
            firstError: firstError)
    }

    /// The first index of `response` where it leaves `teacher`: where its token differs from the teacher's, or
    /// the first token beyond the teacher's end. Nil when the response is the teacher response or a part of its
    /// beginning (a response cut by the length limit before differing).
    public static func firstDeparture(response: [Int], teacher: [Int]) -> Int? {
        response.indices.first { $0 >= teacher.count || response[$0] != teacher[$0] }
    }

    /// `count` distinct positions of 0 ..< `length` drawn without replacement from `stream` (a partial
    /// Fisher–Yates shuffle, one block per draw: position i swaps with i + ⌊w · (length − i) / 2⁶⁴⌋ for the
    /// 64-bit word w of block i), sorted; every position when `count` is nil or at least `length`.
    public static func subsample(length: Int, count: Int?, stream: RandomStream) -> [Int] {
        guard let count, count < length else { return Array(0..<length) }
        var order = Array(0..<length)
        for i in 0..<count {
            let words = stream.block(at: UInt64(i))
            let w = UInt64(words.y) << 32 | UInt64(words.x)
            let j = i + Int(UInt64(length - i).multipliedFullWidth(by: w).high)
            order.swapAt(i, j)
        }
        return order[..<count].sorted()
    }

    /// The mean of `scores` and its standard error √(Σ(s − mean)² / (K(K − 1))); for K = 1, `spread` / 2.
    static func meanAndStandardError(_ scores: [Double], spread: Double) -> (mean: Double, standardError: Double) {
        let n = Double(scores.count)
        let mean = scores.reduce(0, +) / n
        guard scores.count > 1 else { return (mean, spread / 2) }
        let squares = scores.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
        return (mean, (squares / (n * (n - 1))).squareRoot())
    }
}
