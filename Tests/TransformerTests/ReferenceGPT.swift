import Foundation

/// An independent GPT in plain Double loops, written from Specs/model.md without the tensor library: its
/// own embedding lookup, layer norm, causal attention, GELU (tanh form, libm tanh), MLP and heads. Parameters
/// are row-major arrays by name, weights [in, out].
struct ReferenceGPT {
    let layers: Int, width: Int, heads: Int, vocabulary: Int
    var parameters: [String: [Double]]

    private func p(_ name: String) -> [Double] {
        guard let value = parameters[name] else { fatalError("reference: no parameter \(name)") }
        return value
    }

    /// y[j] = Σ_i x[i]·W[i, j] + b[j] for W [x.count, out].
    private func linear(_ x: [Double], _ name: String, bias: Bool = true) -> [Double] {
        let w = p("\(name).weight")
        let out = w.count / x.count
        var y = bias ? p("\(name).bias") : [Double](repeating: 0, count: out)
        for i in 0..<x.count {
            for j in 0..<out { y[j] += x[i] * w[i * out + j] }
        }
        return y
    }

    private func layerNorm(_ x: [Double], _ name: String) -> [Double] {
        let (scale, offset) = (p("\(name).scale"), p("\(name).offset"))
        let n = Double(x.count)
        let mean = x.reduce(0, +) / n
        let variance = x.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / n
        let inverse = 1 / (variance + 1e-5).squareRoot()
        return x.indices.map { (x[$0] - mean) * inverse * scale[$0] + offset[$0] }
    }

    func gelu(_ x: Double) -> Double {
        0.5 * x * (1 + Foundation.tanh((2 / Double.pi).squareRoot() * (x + 0.044715 * x * x * x)))
    }

    /// Causal multi-head attention of one sequence's fused projections qkv[t] (3·width each: q, k, v).
    private func attention(_ qkv: [[Double]]) -> [[Double]] {
        let headWidth = width / heads
        var y = [[Double]](repeating: [Double](repeating: 0, count: width), count: qkv.count)
        for head in 0..<heads {
            let base = head * headWidth
            for t in qkv.indices {
                var scores = [Double]()
                for s in 0...t {
                    var dot = 0.0
                    for i in 0..<headWidth { dot += qkv[t][base + i] * qkv[s][width + base + i] }
                    scores.append(dot / Double(headWidth).squareRoot())
                }
                let weights = softmax(scores)
                for s in 0...t {
                    for i in 0..<headWidth { y[t][base + i] += weights[s] * qkv[s][2 * width + base + i] }
                }
            }
        }
        return y
    }

    /// The final layer norm's output for each position of one sequence; `features[t]` (F per position) adds
    /// features[t] · feature_embedding.weight to the input at t.
    func hidden(_ tokens: [Int], features: [[Double]]? = nil) -> [[Double]] {
        let (embedding, positions) = (p("token_embedding"), p("position_embedding"))
        var x = tokens.enumerated().map { t, id in
            (0..<width).map { embedding[id * width + $0] + positions[t * width + $0] }
        }
        if let features {
            let w = p("feature_embedding.weight")
            for t in x.indices {
                for (f, value) in features[t].enumerated() {
                    for i in 0..<width { x[t][i] += value * w[f * width + i] }
                }
            }
        }
        for layer in 0..<layers {
            let block = "blocks.\(layer)"
            let qkv = x.map { linear(layerNorm($0, "\(block).attention_norm"), "\(block).attention.qkv") }
            let attended = attention(qkv)
            for t in x.indices {
                let projected = linear(attended[t], "\(block).attention.output")
                for i in 0..<width { x[t][i] += projected[i] }
            }
            for t in x.indices {
                let up = linear(layerNorm(x[t], "\(block).mlp_norm"), "\(block).mlp.up").map(gelu)
                let down = linear(up, "\(block).mlp.down")
                for i in 0..<width { x[t][i] += down[i] }
            }
        }
        return x.map { layerNorm($0, "final_norm") }
    }

    /// Next-token logits of each position of one sequence.
    func logits(_ tokens: [Int]) -> [[Double]] { hidden(tokens).map { linear($0, "lm_head", bias: false) } }

    /// The scalar head at each position of one sequence, plus with features the feature MLP
    /// GELU([hidden[t]; features[t]] · up + b) · down.
    func values(_ tokens: [Int], features: [[Double]]? = nil) -> [Double] {
        let trunk = hidden(tokens, features: features)
        let head = trunk.map { linear($0, "scalar_head")[0] }
        guard let features else { return head }
        return head.indices.map { t in
            let units = linear(trunk[t] + features[t], "feature_head.up").map(gelu)
            return head[t] + linear(units, "feature_head.down", bias: false)[0]
        }
    }
}

func softmax(_ x: [Double]) -> [Double] {
    let largest = x.max()!
    let e = x.map { Foundation.exp($0 - largest) }
    let total = e.reduce(0, +)
    return e.map { $0 / total }
}

func logSoftmax(_ x: [Double]) -> [Double] {
    let largest = x.max()!
    let logTotal = Foundation.log(x.reduce(0) { $0 + Foundation.exp($1 - largest) }) + largest
    return x.map { $0 - logTotal }
}

/// ‖a − b‖₂ / max(‖a‖₂, ‖b‖₂) (0 when both are 0).
func relativeError(_ a: [Double], _ b: [Double]) -> Double {
    precondition(a.count == b.count, "relativeError: \(a.count) vs \(b.count) values")
    let difference = zip(a, b).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }.squareRoot()
    let scale = max(a.reduce(0) { $0 + $1 * $1 }, b.reduce(0) { $0 + $1 * $1 }).squareRoot()
    return scale == 0 ? 0 : difference / scale
}

/// Central finite differences of `loss` with respect to every element of the named parameters of
/// `reference`, step h = 1e-5·max(1, |x|): truncation O(h²) ≈ 1e-10, rounding O(ε/h) ≈ 1e-11.
func finiteDifferenceGradients(
    _ reference: ReferenceGPT, names: [String], loss: (ReferenceGPT) -> Double
) -> [String: [Double]] {
    var model = reference
    var gradients: [String: [Double]] = [:]
    for name in names {
        var gradient = [Double](repeating: 0, count: reference.parameters[name]!.count)
        for j in gradient.indices {
            let x = reference.parameters[name]![j]
            let h = 1e-5 * max(1, abs(x))
            model.parameters[name]![j] = x + h
            let plus = loss(model)
            model.parameters[name]![j] = x - h
            let minus = loss(model)
            model.parameters[name]![j] = x
            gradient[j] = (plus - minus) / (2 * h)
        }
        gradients[name] = gradient
    }
    return gradients
}
