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
        let scale = 1 / Scalar(hd).squareRoot()
        var output = [Scalar](repeating: 0, count: rows.count * d)
        let offsets = rows.map { row in (0..<h).map { offset(row.sequence, $0, 0) } }
        let context = configuration.context
        qkv.withUnsafeBufferPointer { qkv in
            keys[layer].withUnsafeMutableBufferPointer { keys in
                values[layer].withUnsafeMutableBufferPointer { values in
                    output.withUnsafeMutableBufferPointer { output in
                        let (q, k, v, o) = (qkv.baseAddress!, keys.baseAddress!, values.baseAddress!, output.baseAddress!)
                        // One chunk per row: a row writes only its own cache slots and output row.
                        Parallel.forEachChunk(count: rows.count) { r in
                            let row = rows[r]
                            withUnsafeTemporaryAllocation(of: Scalar.self, capacity: 2 * context) { scratch in
                                for head in 0..<h {
                                    let slot = offsets[r][head], at = slot + row.position * hd
                                    (k + at).update(from: q + r * 3 * d + d + head * hd, count: hd)
                                    (v + at).update(from: q + r * 3 * d + 2 * d + head * hd, count: hd)
                                    Scalar.cachedAttention(
                                        query: q + r * 3 * d + head * hd, keys: k + slot, values: v + slot,
                                        positions: row.position + 1, headWidth: hd, scale: scale,
                                        scratch: scratch.baseAddress!, into: o + r * d + head * hd)
                                }
                            }
                        }
                    }
                }
            }
        }
        return output
    }
}
