/// A duration in seconds, as a `Double`: the one conversion behind every elapsed time and `timing_s/*` metric.
public func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
}
