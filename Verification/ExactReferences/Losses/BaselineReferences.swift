/// The exact pieces of the GRPO and DAPO baselines.
public enum BaselineReferences {
    /// GRPO without the std division ("Dr.GRPO", rl-math convention §5; DeepSeekMath §4.1.2 with Dr.GRPO's change):
    /// A_i = r_i − mean(r) for a group of G ≥ 2; a group of one keeps its reward (verl's mean 0, std 1 rule).
    public static func groupAdvantagesWithoutStd(rewards: [Rational]) -> [Rational] {
        guard rewards.count >= 2 else { return rewards }
        let mean = rewards.reduce(.zero, +) / Rational(rewards.count)
        return rewards.map { $0 - mean }
    }

    /// A response-level advantage broadcast to every valid token of its response; 0 at masked tokens.
    public static func broadcast(_ advantages: [Rational], masks: [[Bool]]) -> [[Rational]] {
        zip(advantages, masks).map { a, mask in mask.map { $0 ? a : .zero } }
    }

    /// DAPO's soft overlong punishment R_len(|y|) (rl-math convention §10; DAPO §3.4, Soft Overlong Punishment):
    /// 0 if |y| ≤ L_max − L_cache; ((L_max − L_cache) − |y|)/L_cache if L_max − L_cache < |y| ≤ L_max;
    /// −1 if |y| > L_max. Needs 0 < L_cache ≤ L_max.
    public static func overlongPenalty(length: Int, maxLength: Int, cacheLength: Int) -> Rational {
        precondition(cacheLength > 0 && cacheLength <= maxLength, "R_len: 0 < L_cache ≤ L_max")
        let threshold = maxLength - cacheLength
        if length <= threshold { return .zero }
        if length <= maxLength { return Rational(numerator: threshold - length, denominator: cacheLength) }
        return -.one
    }
}
