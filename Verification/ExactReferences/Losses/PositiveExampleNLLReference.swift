/// VAPO's positive-example language-model loss and its gradient (rl-math convention §9; VAPO, Positive-Example LM Loss):
///
///     L_NLL = −(1/N_T) Σ_{o∈T} Σ_t m·logp,   N_T = Σ_{o∈T} |o|,
///
/// T = the correct responses of the WHOLE batch; exactly 0 when T is empty or has no valid token.
public enum PositiveExampleNLLReference {
    public static func loss(logProbabilities: [[Rational]], masks: [[Bool]], correct: [Bool]) -> Rational {
        let tokens = correctTokenCount(masks: masks, correct: correct)
        guard tokens > 0 else { return .zero }
        let sum = masks.indices.filter { correct[$0] }.reduce(Rational.zero) { sum, i in
            zip(logProbabilities[i], masks[i]).reduce(sum) { $1.1 ? $0 + $1.0 : $0 }
        }
        return -sum / Rational(tokens)
    }

    /// ∂L_NLL/∂logp_{i,t} = −m_{i,t}/N_T for correct responses, 0 elsewhere (all 0 when N_T = 0).
    public static func gradient(masks: [[Bool]], correct: [Bool]) -> [[Rational]] {
        let tokens = correctTokenCount(masks: masks, correct: correct)
        return masks.indices.map { i in
            masks[i].map { $0 && correct[i] ? -Rational(numerator: 1, denominator: tokens) : .zero }
        }
    }

    private static func correctTokenCount(masks: [[Bool]], correct: [Bool]) -> Int {
        precondition(masks.count == correct.count, "NLL: one correctness flag per response")
        return masks.indices.filter { correct[$0] }.reduce(0) { $0 + masks[$1].filter { $0 }.count }
    }
}
