// Specs/kernels.md, "How the elementwise and row kernels split their work".
extension Parallel {
    /// Runs `body` on consecutive ranges of `0..<count`, `grain` items each (the last one shorter), in
    /// parallel: the split depends only on `count` and `grain`, never on the thread count.
    ///
    /// For kernels whose outputs are independent (elementwise maps, rows of a row-wise op, columns of a
    /// column sum): each range writes only its own outputs, so the results are the same bits whatever
    /// thread runs which range. Elementwise kernels pass a multiple of 16 as `grain`, so that every range but
    /// the last is whole SIMD16 vectors.
    @inlinable
    public static func forEachRange(_ count: Int, grain: Int, _ body: (Range<Int>) -> Void) {
        precondition(grain >= 1, "Parallel.forEachRange: grain \(grain) < 1")
        let chunks = (count + grain - 1) / grain
        if chunks <= 1 {
            if count > 0 { body(0..<count) }
            return
        }
        forEachChunk(count: chunks) { chunk in body(chunk * grain..<Swift.min((chunk + 1) * grain, count)) }
    }

    /// The grain of elementwise kernels: 16 Ki elements (64 KiB of Float), enough work per chunk to
    /// amortise a chunk's scheduling, small enough that a model-sized buffer splits into many chunks.
    public static let elementwiseGrain = 16 * 1024

    /// Rows per range for a row-wise kernel on rows of `cols` elements: about `elementwiseGrain` elements.
    @inlinable
    public static func rowGrain(cols: Int) -> Int { Swift.max(1, elementwiseGrain / Swift.max(cols, 1)) }
}
