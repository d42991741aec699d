import Autograd
import Kernels

/// Each layer's keys and values of every position seen so far, [batch, heads, context, headWidth] per layer,
/// row-major: sequence b's slot touches only b's rows, so its attention never reads another sequence.
struct KeyValueCache<Scalar: KernelScalar> {
    let configuration: GPTConfiguration
    var keys: [[Scalar]]
    var values: [[Scalar]]

    init(configuration: GPTConfiguration, batch: Int) {
        self.configuration = configuration
        let size = batch * configuration.heads * configuration.context * configuration.headWidth
        keys = Array(repeating: [Scalar](repeating: 0, count: size), count: configuration.layers)
        values = keys
    }

    /// Offset of (sequence, head, position, 0).
    func offset(_ sequence: Int, _ head: Int, _ position: Int) -> Int {
        ((sequence * configuration.heads + head) * configuration.context + position) * configuration.headWidth
    }

    /// Stores the keys and values of `qkv` rows (one per entry of `rows`: sequence and position) in `layer`,
    /// then returns each row's attention output [rows, width]: per head, softmax(q·kᵀ·(1/√headWidth)) over
    /// positions 0 ... position of its own sequence, times v (the causal mask, with nothing masked left).
    mutating func attend(_ qkv: [Scalar], rows: [(sequence: Int, position: Int)], layer: Int) -> [Scalar] {
        let (d, h, hd) = (configuration.width, configuration.heads, configuration.headWidth)
        for (r, row) in rows.enumerated() {
            for head in 0..<h {
                let at = offset(row.sequence, head, row.position)
                for i in 0..<hd {
                    keys[layer][at + i] = qkv[r * 3 * d + d + head * hd + i]
                    values[layer][at + i] = qkv[r * 3 * d + 2 * d + head * hd + i]
                }
            }
        }
        let scale = 1 / Scalar(hd).squareRoot()
        var output = [Scalar](repeating: 0, count: rows.count * d)
        var scores = [Scalar](), weights = [Scalar]()
        for (r, row) in rows.enumerated() {
            let n = row.position + 1
            scores = [Scalar](repeating: 0, count: n)
            weights = scores
            for head in 0..<h {
                let q = r * 3 * d + head * hd
                for s in 0..<n {
                    let k = offset(row.sequence, head, s)
                    var dot: Scalar = 0
                    for i in 0..<hd { dot = dot.addingProduct(qkv[q + i], keys[layer][k + i]) }
                    scores[s] = dot * scale
                }
                scores.withUnsafeBufferPointer { x in
                    weights.withUnsafeMutableBufferPointer { Scalar.softmax(x.baseAddress!, rows: 1, cols: n, into: $0.baseAddress!) }
                }
                let o = r * d + head * hd
                for s in 0..<n {
                    let v = offset(row.sequence, head, s)
                    for i in 0..<hd { output[o + i] = output[o + i].addingProduct(weights[s], values[layer][v + i]) }
                }
            }
        }
        return output
    }
}
