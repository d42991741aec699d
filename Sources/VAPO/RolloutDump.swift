// Specs/vapo.md, "Metrics": the rollout dump lines (`rollouts.jsonl`).
import RLMath
import StrictJSON
import Tasks

/// A step's rollout as JSON lines, one response a line, for reading what the policy wrote and how each token
/// was credited: `{"step", "group", "prompt", "response", "correct", "truncated", "score", "advantages",
/// "values", "returns"}` with the texts decoded by the Tasks tokenizer (`$` is EOS) and the per-token arrays
/// over the response's tokens (values and returns only with a critic). Keys in that fixed order; numbers as
/// in the metrics lines, null for a NaN or an infinity.
public enum RolloutDump {
    public static func lines<S: RLScalar & BinaryFloatingPoint>(step: Int, rollout: Rollout<S>, estimate: AdvantageEstimate<S>?) -> [String] {
        rollout.responses.indices.map { i in
            let response = rollout.responses[i]
            let mask = rollout.responseMasks[i]
            func tokens(_ row: [S]?) -> String? {
                row.map { row in "[" + mask.indices.filter { mask[$0] }.map { MetricsWriter.number(Double(row[$0])) }.joined(separator: ", ") + "]" }
            }
            let fields: [(String, String?)] = [
                ("step", "\(step)"), ("group", "\(response.group)"),
                ("prompt", JSONWriter.quoted(response.problem.prompt)),
                ("response", JSONWriter.quoted((try? Tokenizer.decode(response.responseTokens)) ?? "")),
                ("correct", "\(response.correct)"), ("truncated", "\(response.truncated)"),
                ("score", MetricsWriter.number(response.score)),
                ("advantages", tokens(estimate?.advantages[i])), ("values", tokens(rollout.values?[i])),
                ("returns", tokens(estimate?.returns?[i])),
            ]
            return "{" + fields.compactMap { key, value in value.map { "\"\(key)\": \($0)" } }.joined(separator: ", ") + "}"
        }
    }
}
