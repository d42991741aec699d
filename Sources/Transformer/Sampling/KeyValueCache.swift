// Specs/model.md, "Sampling": the KV cache.
import Kernels

/// Each layer's keys and values of every position seen so far, for `slots` sequences, laid out as the
/// `cachedAttention` kernel reads them (keys in tiles of 16 positions, values by position). Each
/// (slot, layer) has its own region, so a sequence's attention never reads another sequence.
///
/// Regions start on 64-byte boundaries, so that a key tile's 16 lanes are one cache line. The memory is not
/// zeroed: `cachedAttention` initialises each key tile when it stores the tile's first position.
final class KeyValueCache<Scalar: KernelScalar> {
    let layers: Int, width: Int
    /// Scalars of each (slot, layer) region's keys (and of its values): room for `capacity` positions in
    /// whole tiles.
    let regionSize: Int
    private let storage: UnsafeMutablePointer<Scalar>

    /// A cache for `slots` sequences of at most `capacity` positions each.
    init(configuration: GPTConfiguration, slots: Int, capacity: Int) {
        (layers, width) = (configuration.layers, configuration.width)
        let lineScalars = 64 / MemoryLayout<Scalar>.stride
        regionSize = ((capacity + 15) / 16 * 16 * width + lineScalars - 1) / lineScalars * lineScalars
        let count = slots * layers * 2 * regionSize
        storage = UnsafeMutableRawPointer.allocate(byteCount: count * MemoryLayout<Scalar>.stride, alignment: 64)
            .bindMemory(to: Scalar.self, capacity: count)
    }

    deinit { storage.deallocate() }

    /// The keys of (slot, layer); its values follow them.
    func keys(slot: Int, layer: Int) -> UnsafeMutablePointer<Scalar> {
        storage + (slot * layers + layer) * 2 * regionSize
    }

    /// The values of (slot, layer).
    func values(slot: Int, layer: Int) -> UnsafeMutablePointer<Scalar> { keys(slot: slot, layer: layer) + regionSize }
}
