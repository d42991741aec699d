import Testing
import PropertyBased
import PropertyTesting
import Kernels

@Suite("Reductions")
struct ReductionTests {
    /// Shapes [outer, axis, inner]: inner is 1 (last axis) about half the time.
    static let shapes = zip(Gen.int(in: 0...4), Gen.int(in: 0...150), Gen.int(in: -8...20))

    static func inner(_ raw: Int) -> Int { Swift.max(1, raw) }

    @Test("sum and mean match a plain-loop Double reference on random shapes")
    func sumAgainstDouble() async {
        await checkProperty(count: 60, input: Self.shapes) { outer, axis, rawInner in
            let inner = Self.inner(rawInner)
            let x: [Float] = ReductionTestData.normals(outer * axis * inner, name: "sum\(outer).\(axis).\(inner)")
            var y = [Float](repeating: .nan, count: outer * inner)
            var m = y
            x.withUnsafeBufferPointer { xp in
                y.withUnsafeMutableBufferPointer { Float.sum(xp.baseAddress!, outer: outer, axis: axis, inner: inner, into: $0.baseAddress!) }
                m.withUnsafeMutableBufferPointer { Float.mean(xp.baseAddress!, outer: outer, axis: axis, inner: inner, into: $0.baseAddress!) }
            }
            for o in 0..<outer {
                for i in 0..<inner {
                    var reference = 0.0, magnitude = 0.0
                    for a in 0..<axis {
                        reference += Double(x[(o * axis + a) * inner + i])
                        magnitude += abs(Double(x[(o * axis + a) * inner + i]))
                    }
                    // Any order of n − 1 additions is within (n − 1)·u·Σ|x| (u = 2^−24) of the exact sum.
                    let bound = Double(axis) * Double(Float.ulpOfOne) / 2 * magnitude
                    #expect(abs(Double(y[o * inner + i]) - reference) <= bound)
                    if axis == 0 {
                        #expect(y[o * inner + i] == 0 && m[o * inner + i].isNaN)
                    } else {
                        #expect(m[o * inner + i] == y[o * inner + i] / Float(axis))
                    }
                }
            }
        }
    }

    @Test("sum and sumOfSquares follow the documented order bit for bit")
    func documentedOrder() async {
        await checkProperty(count: 60, input: Self.shapes) { outer, axis, rawInner in
            let inner = Self.inner(rawInner)
            let x: [Float] = ReductionTestData.normals(outer * axis * inner, name: "order\(outer).\(axis).\(inner)", scale: 1000)
            var y = [Float](repeating: .nan, count: outer * inner)
            x.withUnsafeBufferPointer { xp in
                y.withUnsafeMutableBufferPointer { Float.sum(xp.baseAddress!, outer: outer, axis: axis, inner: inner, into: $0.baseAddress!) }
            }
            for o in 0..<outer {
                for i in 0..<inner {
                    let element = { (a: Int) in x[(o * axis + a) * inner + i] }
                    let expected: Float
                    if inner == 1 {
                        expected = ReductionTestData.documentedOrder(count: axis, { (element($0), 1) }, fused: false)
                    } else {
                        var acc: Float = 0
                        for a in 0..<axis { acc += element(a) }
                        expected = acc
                    }
                    #expect(y[o * inner + i].bitPattern == expected.bitPattern)
                }
            }
            let n = outer * axis * inner
            let squares = x.withUnsafeBufferPointer { Float.sumOfSquares($0.baseAddress!, count: n) }
            let expected = ReductionTestData.documentedOrder(count: n, { (x[$0], x[$0]) }, fused: true)
            #expect(squares.bitPattern == expected.bitPattern)
        }
    }

    @Test("a row's sum does not depend on the other rows or on its position in the batch")
    func rowIndependence() {
        let axis = 333
        let rows: [Float] = ReductionTestData.normals(5 * axis, name: "rows")
        var batched = [Float](repeating: 0, count: 5)
        rows.withUnsafeBufferPointer { p in
            batched.withUnsafeMutableBufferPointer { Float.sum(p.baseAddress!, outer: 5, axis: axis, inner: 1, into: $0.baseAddress!) }
            for r in 0..<5 {
                var alone: Float = 0
                Float.sum(p.baseAddress! + r * axis, outer: 1, axis: axis, inner: 1, into: &alone)
                #expect(alone.bitPattern == batched[r].bitPattern)
            }
        }
    }

    @Test("sumOfSquares matches a Double reference within its error bound")
    func sumOfSquaresAgainstDouble() {
        for n in [0, 1, 15, 16, 17, 63, 64, 65, 1000, 100_003] {
            let x: [Float] = ReductionTestData.normals(n, name: "squares\(n)")
            let s = x.withUnsafeBufferPointer { Float.sumOfSquares($0.baseAddress!, count: n) }
            let reference = x.reduce(0.0) { $0 + Double($1) * Double($1) }
            #expect(abs(Double(s) - reference) <= Double(n + 1) * Double(Float.ulpOfOne) / 2 * reference)
        }
    }

    @Test("max and min give the first index of the extremum, propagate the first NaN, and match a plain loop")
    func extrema() async {
        await checkProperty(count: 80, input: Self.shapes, Gen.int(in: 0...3)) { shape, special in
            let (outer, axis, rawInner) = shape
            let inner = Self.inner(rawInner)
            // Small integers make ties common; some inputs get NaNs or −∞/+∞.
            var x = (ReductionTestData.normals(outer * axis * inner, name: "ext\(outer).\(axis).\(inner)", scale: 2) as [Float])
                .map { $0.rounded() }
            for j in x.indices where j % 7 == 3 {
                if special == 1 { x[j] = .nan }
                if special == 2 { x[j] = -.infinity }
                if special == 3 { x[j] = .infinity }
            }
            for largest in [true, false] {
                var y = [Float](repeating: 0, count: outer * inner)
                var index = [Int32](repeating: -7, count: outer * inner)
                var yNoIndex = y
                x.withUnsafeBufferPointer { xp in
                    y.withUnsafeMutableBufferPointer { yp in
                        index.withUnsafeMutableBufferPointer { ip in
                            if largest {
                                Float.max(xp.baseAddress!, outer: outer, axis: axis, inner: inner, into: yp.baseAddress!, argmax: ip.baseAddress!)
                            } else {
                                Float.min(xp.baseAddress!, outer: outer, axis: axis, inner: inner, into: yp.baseAddress!, argmin: ip.baseAddress!)
                            }
                        }
                    }
                    yNoIndex.withUnsafeMutableBufferPointer { yp in
                        if largest {
                            Float.max(xp.baseAddress!, outer: outer, axis: axis, inner: inner, into: yp.baseAddress!, argmax: nil)
                        } else {
                            Float.min(xp.baseAddress!, outer: outer, axis: axis, inner: inner, into: yp.baseAddress!, argmin: nil)
                        }
                    }
                }
                for o in 0..<outer {
                    for i in 0..<inner {
                        // Reference: the first NaN if any, else the first index of the extreme value.
                        let column = (0..<axis).map { x[(o * axis + $0) * inner + i] }
                        var expectedIndex = -1
                        if let firstNaN = column.firstIndex(where: { $0.isNaN }) {
                            expectedIndex = firstNaN
                        } else if let extreme = largest ? column.max() : column.min() {
                            expectedIndex = column.firstIndex(of: extreme)!
                        }
                        let expectedValue = expectedIndex >= 0 ? column[expectedIndex] : (largest ? -Float.infinity : .infinity)
                        let got = y[o * inner + i]
                        #expect(index[o * inner + i] == Int32(expectedIndex))
                        #expect(got.bitPattern == expectedValue.bitPattern || (got.isNaN && expectedValue.isNaN))
                        #expect(yNoIndex[o * inner + i].bitPattern == got.bitPattern)
                    }
                }
            }
        }
    }

    @Test("Double reductions agree with Float's documented order applied in Double")
    func doubleOrder() {
        for n in [0, 5, 16, 70, 129, 1000] {
            let x: [Double] = ReductionTestData.normals(n, name: "double\(n)")
            var y = 0.0
            x.withUnsafeBufferPointer { Double.sum($0.baseAddress!, outer: 1, axis: n, inner: 1, into: &y) }
            #expect(y.bitPattern == ReductionTestData.documentedOrder(count: n, { (x[$0], 1) }, fused: false).bitPattern)
        }
    }
}
