import Kernels
import PropertyBased
import PropertyTesting
import Testing

/// The elementwise, selection and layout kernels against plain scalar loops. These kernels do one
/// IEEE-specified operation per element (or a fused multiply-add, mirrored here with `addingProduct`),
/// so the comparison is bit for bit.
@Suite("Elementwise and layout kernels")
struct ElementwiseKernelTests {
    static let length = Gen.int(in: 0...70)
    static let seed = Gen.int(in: 0...1_000_000)

    static func values(_ count: Int, seed: Int, in range: ClosedRange<Float> = -3...3) -> [Float] {
        var state = UInt64(seed) &* 0x9E37_79B9_7F4A_7C15 | 1
        return (0..<count).map { _ in
            state ^= state << 13; state ^= state >> 7; state ^= state << 17
            return range.lowerBound + (range.upperBound - range.lowerBound) * Float(state >> 40) / Float(1 << 24)
        }
    }

    static func bits(_ values: [Float]) -> [UInt32] { values.map(\.bitPattern) }

    @Test("add, multiply, scale and the fused accumulations equal scalar loops bit for bit, for any length")
    func binaryMaps() async {
        await checkProperty(count: 60, input: Self.length, Self.seed) { count, seed in
            let a = Self.values(count, seed: seed), b = Self.values(count, seed: seed + 1), c = Self.values(count, seed: seed + 2)
            var out = [Float](repeating: .nan, count: count)
            Float.add(a, b, count: count, into: &out)
            #expect(Self.bits(out) == Self.bits(zip(a, b).map { $0 + $1 }))
            Float.multiply(a, b, count: count, into: &out)
            #expect(Self.bits(out) == Self.bits(zip(a, b).map { $0 * $1 }))
            Float.scale(a, by: 0.3, count: count, into: &out)
            #expect(Self.bits(out) == Self.bits(a.map { $0 * 0.3 }))
            out = c
            Float.scaleAccumulate(a, by: 0.3, count: count, into: &out)
            #expect(Self.bits(out) == Self.bits(zip(a, c).map { $1.addingProduct($0, 0.3) }))
            out = c
            Float.multiplyAccumulate(a, b, count: count, into: &out)
            #expect(Self.bits(out) == Self.bits((0..<count).map { c[$0].addingProduct(a[$0], b[$0]) }))
        }
    }

    @Test("a row added to every row, and column sums accumulated row by row in increasing order, equal scalar loops bit for bit, across chunk boundaries")
    func rowsAndColumns() async {
        await checkProperty(count: 40, input: Gen.int(in: 0...300), Gen.int(in: 1...600), Self.seed) { rows, cols, seed in
            let x = Self.values(rows * cols, seed: seed), row = Self.values(cols, seed: seed + 1), start = Self.values(cols, seed: seed + 2)
            var out = x
            Float.addToRows(row, rows: rows, cols: cols, into: &out)
            #expect(Self.bits(out) == Self.bits((0..<(rows * cols)).map { x[$0] + row[$0 % cols] }))
            var sums = start
            Float.accumulateColumnSums(x, rows: rows, cols: cols, into: &sums)
            let expected = (0..<cols).map { j in (0..<rows).reduce(start[j]) { $0 + x[$1 * cols + j] } }
            #expect(Self.bits(sums) == Self.bits(expected), "rows \(rows) cols \(cols)")
        }
    }

    @Test("select, its backward and comparisons follow the mask exactly, even next to infinities")
    func selection() async {
        await checkProperty(count: 60, input: Self.length, Self.seed) { count, seed in
            let a = Self.values(count, seed: seed), g = Self.values(count, seed: seed + 1)
            let b = [Float](repeating: -.infinity, count: count)
            var mask = [Float](repeating: 0, count: count)
            Float.compare(.greater, a, g, count: count, into: &mask)
            #expect(mask == zip(a, g).map { $0 > $1 ? 1 : 0 })
            var out = [Float](repeating: 0, count: count)
            Float.select(mask, a, b, count: count, into: &out)
            #expect(out == (0..<count).map { mask[$0] != 0 ? a[$0] : -.infinity })
            var ga = [Float](repeating: 1, count: count), gb = [Float](repeating: 1, count: count)
            Float.selectBackward(mask, g, count: count, a: &ga, b: &gb)
            #expect(ga == (0..<count).map { mask[$0] != 0 ? 1 + g[$0] : 1 })
            #expect(gb == (0..<count).map { mask[$0] != 0 ? 1 : 1 + g[$0] })
        }
    }

    @Test("a value's exp, log, sqrt, tanh and reciprocal do not depend on its index in the buffer")
    func unaryMapsArePositionIndependent() async {
        await checkProperty(count: 30, input: Gen.int(in: 1...40), Self.seed) { count, seed in
            let x = Self.values(count, seed: seed, in: 0.01...5)
            for function in UnaryFunction.allCases {
                var whole = [Float](repeating: 0, count: count)
                Float.map(function, x, count: count, into: &whole)
                for i in 0..<count {
                    var single: Float = 0
                    Float.map(function, [x[i]], count: 1, into: &single)
                    #expect(single.bitPattern == whole[i].bitPattern, "\(function) at index \(i)")
                }
            }
        }
    }

    @Test("unary backward kernels accumulate gy·f′ as documented")
    func unaryBackward() async {
        await checkProperty(count: 30, input: Self.length, Self.seed) { count, seed in
            let x = Self.values(count, seed: seed, in: 0.1...3).map(Double.init)
            let gy = Self.values(count, seed: seed + 1).map(Double.init)
            for function in UnaryFunction.allCases {
                var y = [Double](repeating: 0, count: count)
                Double.map(function, x, count: count, into: &y)
                var gx = [Double](repeating: 0.5, count: count)
                Double.mapBackward(function, x: x, y: y, gy, count: count, accumulatingInto: &gx)
                let derivative: (Double, Double) -> Double = switch function {
                case .exp: { _, y in y }
                case .log: { x, _ in 1 / x }
                case .sqrt: { _, y in 1 / (2 * y) }
                case .tanh: { _, y in 1 - y * y }
                case .reciprocal: { _, y in -y * y }
                }
                for i in 0..<count {
                    let expected = 0.5 + gy[i] * derivative(x[i], y[i])
                    #expect(abs(gx[i] - expected) <= 1e-15 * max(1, abs(expected)), "\(function) at \(i)")
                }
            }
        }
    }

    @Test("strided copies permute, expand and (accumulating) sum exactly like an index-by-index loop")
    func stridedCopy() async {
        await checkProperty(count: 40, input: Gen.int(in: 0...4), Gen.int(in: 1...5), Gen.int(in: 1...37), Self.seed) { a, b, c, seed in
            let x = Self.values(a * b * c, seed: seed)
            // Transpose [a, b, c] → [c, a, b].
            var permuted = [Float](repeating: 0, count: x.count)
            Float.copyStrided(shape: [c, a, b], from: x, strides: [1, b * c, c], to: &permuted, strides: [a * b, b, 1], accumulate: false)
            for i in 0..<a { for j in 0..<b { for k in 0..<c {
                #expect(permuted[(k * a + i) * b + j] == x[(i * b + j) * c + k])
            } } }
            // Sum over axis 1 through a zero destination stride, in increasing index order.
            var summed = [Float](repeating: 0, count: a * c)
            Float.copyStrided(shape: [a, b, c], from: x, strides: [b * c, c, 1], to: &summed, strides: [c, 0, 1], accumulate: true)
            for i in 0..<a { for k in 0..<c {
                var total: Float = 0
                for j in 0..<b { total += x[(i * b + j) * c + k] }
                #expect(summed[i * c + k].bitPattern == total.bitPattern)
            } }
        }
    }

    @Test("row gathers copy rows, and scatter-adds accumulate repeated rows in order")
    func gatherAndScatter() async {
        await checkProperty(count: 40, input: Gen.int(in: 1...6), Gen.int(in: 0...35), Self.seed) { rows, width, seed in
            let table = Self.values(rows * width, seed: seed)
            let indices = (0..<(2 * rows)).map { ($0 * 7 + seed) % rows }
            var gathered = [Float](repeating: 0, count: indices.count * width)
            Float.gatherRows(table, rowLength: width, indices: indices, count: indices.count, into: &gathered)
            for (r, index) in indices.enumerated() {
                #expect(Array(gathered[(r * width)..<((r + 1) * width)]) == Array(table[(index * width)..<((index + 1) * width)]))
            }
            var scattered = table
            Float.scatterAddRows(gathered, rowLength: width, indices: indices, count: indices.count, into: &scattered)
            var expected = table
            for (r, index) in indices.enumerated() { for j in 0..<width { expected[index * width + j] += gathered[r * width + j] } }
            #expect(Self.bits(scattered) == Self.bits(expected))
        }
    }
}
