// Specs/vapo.md, "Metrics": the rollout's and the advantages' metrics.
import RLMath

/// The metrics that describe a step's rollout and its advantages (verl's `compute_data_metrics`, plus VAPO's
/// own): computed once per step from the whole batch, never averaged over mini-batches.
enum RolloutMetrics {
    /// Scores, accuracy, response lengths, entropy, and the sampling statistics: `critic/score/*`,
    /// `vapo/accuracy`, `response_length/*` (clip_ratio: the fraction truncated), `actor/entropy` (token mean
    /// under the sampling policy), `vapo/equal_score_group_fraction` (groups of k ≥ 2 whose scores are all
    /// equal, over every group sampled), and with dynamic sampling (k ≥ 2) `vapo/sampling_rounds` and `vapo/kept_groups`.
    static func of<S: RLRealScalar & BinaryFloatingPoint>(
        _ rollout: Rollout<S>, collected: CollectedGroups, configuration c: TrainingConfiguration
    ) -> Metrics {
        var metrics: Metrics = [:]
        let responses = rollout.responses
        metrics.addSummary(.score, of: responses.map(\.score))
        metrics.addSummary(.responseLength, of: responses.map { Double($0.responseTokens.count) })
        if !responses.isEmpty {
            metrics[.accuracy] = Double(responses.filter(\.correct).count) / Double(responses.count)
            metrics[.truncatedFraction] = Double(responses.filter(\.truncated).count) / Double(responses.count)
            metrics[.entropy] = tokenMean(rollout.entropies, masks: rollout.responseMasks)
        }
        if c.effectiveSamplesPerPrompt >= 2 && collected.sampledGroups > 0 {
            metrics[.equalScoreGroupFraction] = Double(collected.equalScoreGroups) / Double(collected.sampledGroups)
        }
        if c.filtersEqualGroups {
            metrics[.samplingRounds] = Double(collected.rounds)
            metrics[.keptGroups] = Double(collected.groups.count)
        }
        return metrics
    }

    /// `critic/advantages/*` over valid tokens; with a critic also `critic/returns/*`, `critic/values/*`,
    /// `critic/vf_explained_var` (whole batch, rollout values against returns) and `vapo/lambda_policy/*`.
    static func of<S: RLRealScalar & BinaryFloatingPoint>(_ estimate: AdvantageEstimate<S>, rollout: Rollout<S>) -> Metrics {
        var metrics: Metrics = [:]
        let masks = rollout.responseMasks
        func valid(_ rows: [[S]]) -> [Double] {
            zip(rows, masks).flatMap { row, mask in mask.indices.filter { mask[$0] }.map { Double(row[$0]) } }
        }
        metrics.addSummary(.advantages, of: valid(estimate.advantages))
        if let returns = estimate.returns, let values = rollout.values {
            metrics.addSummary(.returns, of: valid(returns))
            metrics.addSummary(.values, of: valid(values))
            metrics[.explainedVariance] = Double(explainedVariance(values: values, returns: returns, masks: masks))
        }
        if let lambdas = estimate.policyLambdas { metrics.addSummary(.policyLambda, of: lambdas.map { Double($0) }) }
        return metrics
    }
}
