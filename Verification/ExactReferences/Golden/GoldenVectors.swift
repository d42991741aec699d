/// Every golden file (`Specs/golden/*.json`, schema in `Specs/golden/README.md`): inputs and exact outputs
/// of a fixed, seeded set of cases, computed by the exact references. `golden-vectors` writes them; a test
/// regenerates them and compares byte for byte.
public enum GoldenVectors {
    /// (file name, contents), in a fixed order.
    public static func files() -> [(name: String, contents: String)] {
        let documents: [(String, () -> JSONValue)] = [
            ("gae.json", GoldenGAE.plain),
            ("decoupled-gae.json", GoldenGAE.decoupled),
            ("length-adaptive-gae.json", GoldenGAE.lengthAdaptive),
            ("aggregation.json", GoldenLosses.aggregation),
            ("clipped-surrogate.json", GoldenLosses.clippedSurrogate),
            ("value-loss.json", GoldenLosses.valueLoss),
            ("explained-variance.json", GoldenLosses.explainedVariance),
            ("positive-example-nll.json", GoldenLosses.positiveExampleNLL),
            ("overlong-penalty.json", GoldenBaselines.overlongPenalty),
            ("grpo-no-std.json", GoldenBaselines.groupAdvantagesWithoutStd),
        ]
        return documents.map { name, document in (name, document().text) }
    }
}
