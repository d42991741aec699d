// Specs/vapo.md, "The recipe": the rule that gives each response its GAE λ.
import RLMath

/// How the policy's GAE λ is chosen for each response: one fixed λ, or VAPO's Length-Adaptive GAE (§3.3 of the
/// paper), which raises λ with the response's length so that the bias of bootstrapping on a long response
/// shrinks while short responses keep a low variance.
public enum LambdaRule: Sendable, Hashable, CustomStringConvertible {
    /// The same λ for every response (PPO's 0.95).
    case fixed(Double)
    /// λ = max(λ_min, 1 − 1/(α·l)) for a response of l valid tokens (`lengthAdaptiveLambda`).
    case lengthAdaptive(alpha: Double, minimum: Double)

    /// λ of each response of `masks`, l being its count of valid tokens.
    public func lambdas<S: RLRealScalar & BinaryFloatingPoint>(masks: [[Bool]]) -> [S] {
        switch self {
        case .fixed(let lambda): return masks.map { _ in S(lambda) }
        case .lengthAdaptive(let alpha, let minimum): return lengthAdaptiveLambdas(masks: masks, alpha: S(alpha), lambdaMin: S(minimum))
        }
    }

    public var description: String {
        switch self {
        case .fixed(let lambda): return "λ \(lambda)"
        case .lengthAdaptive(let alpha, let minimum): return "length-adaptive λ (α \(alpha), λ_min \(minimum))"
        }
    }
}
