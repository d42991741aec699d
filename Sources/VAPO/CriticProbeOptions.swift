// Specs/vapo.md, "The critic probe": what the probe samples.
/// What `CriticProbe.measure` samples: how many held-out problems, how many prefixes of each response and how
/// many Monte-Carlo continuations of each prefix, and the seed of every draw (Specs/vapo.md, "The critic
/// probe"). The report does not depend on the thread count, so there is no setting for it.
public struct CriticProbeOptions: Sendable, Hashable, Codable {
    /// Held-out problems (the task's evaluation split at the configuration's difficulties), one response each.
    public var problems: Int
    /// Continuations K sampled from each probed prefix; V_MC is the mean of their K scores.
    public var continuations: Int
    /// Response positions probed per response, drawn without replacement (every position of a shorter
    /// response); nil: every position.
    public var prefixesPerResponse: Int?
    /// The seed of the problems (`evaluationSet`'s seed) and of the named streams of every draw.
    public var seed: UInt64
    /// Whether to measure the value drop at each response's first departure from the teacher response (both
    /// sides of it are then probed, whatever the subsample).
    public var firstError: Bool

    /// The defaults: 128 problems, K = 16, 8 prefixes per response, seed 0, first-error figures on: about
    /// 1200 prefixes and 19 000 continuations, some 40 seconds for the default 4-layer width-128 policy on
    /// addition up to 4 digits (Specs/vapo.md, "The critic probe").
    public init(problems: Int = 128, continuations: Int = 16, prefixesPerResponse: Int? = 8, seed: UInt64 = 0, firstError: Bool = true) {
        self.problems = problems
        self.continuations = continuations
        self.prefixesPerResponse = prefixesPerResponse
        self.seed = seed
        self.firstError = firstError
    }

    /// These options with `firstError` set to `firstError`.
    public func withFirstError(_ firstError: Bool) -> CriticProbeOptions {
        var copy = self
        copy.firstError = firstError
        return copy
    }

    /// Upper bound of `problems` and `continuations`: bounds the memory of one sampling call.
    public static var maximumCount: Int { 100_000 }

    /// Upper bound of problems × continuations: the continuations of every response at one position are
    /// sampled in one call, each request holding its prefix and its continuation, so 10^6 of them hold about
    /// 2·10^8 tokens (1.6 GB) for the tasks' context of 128; each factor alone would allow 10^10.
    public static var maximumSequencesPerCall: Int { 1_000_000 }

    /// Nothing when every setting is in range; otherwise one `TrainingError.probe` line naming the first that
    /// is not.
    public func validate() throws(TrainingError) {
        let range = 1...Self.maximumCount
        guard range.contains(problems) else { throw .probe(field: "problems", value: "\(problems)", allowed: "1...\(Self.maximumCount)") }
        guard range.contains(continuations) else {
            throw .probe(field: "continuations", value: "\(continuations)", allowed: "1...\(Self.maximumCount)")
        }
        guard problems * continuations <= Self.maximumSequencesPerCall else {
            throw .probe(
                field: "continuations", value: "\(continuations)",
                allowed: "1...\(Self.maximumSequencesPerCall / problems) (problems × continuations, the sequences of one sampling call, at most \(Self.maximumSequencesPerCall))")
        }
        if let prefixesPerResponse, !range.contains(prefixesPerResponse) {
            throw .probe(field: "prefixesPerResponse", value: "\(prefixesPerResponse)", allowed: "1...\(Self.maximumCount), or every position")
        }
    }
}
