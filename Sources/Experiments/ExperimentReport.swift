// Specs/experiments.md, "The report": report.md and its plots, a pure function of the run folder's contents.
import Foundation

/// A file of the report: its path relative to RUN_DIR and its text.
public struct ReportFile: Sendable, Equatable {
    public let path: String
    public let text: String
}

/// One claim of the paper and what the runs say of it.
public struct Claim: Sendable {
    public let statement: String
    public let paper: String
    public let measure: Measure
    public let a: String
    public let b: String
    public let comparison: Comparison
}

/// The report of an experiment folder: `report.md` and `plots/*.svg`. Same folder contents, same bytes: nothing
/// depends on the clock, the machine or where the folder lies.
public struct ExperimentReport {
    public let folder: ExperimentFolder
    var description: ExperimentDescription { folder.description }
    public var accuracyKey: String { "val-core/\(description.task)/acc/pass@1" }

    public init(_ folder: ExperimentFolder) { self.folder = folder }

    /// The report's files: report.md first, then the plots in the order the report shows them.
    public func files() -> [ReportFile] {
        let plots = plotFiles()
        return [ReportFile(path: "report.md", text: markdown(plots: plots))] + plots.map { ReportFile(path: $0.path, text: $0.plot.svg()) }
    }

    // MARK: Numbers

    /// The per-seed values of `measure` over the finished runs of `configuration` (runs lacking it left out).
    public func values(_ measure: Measure, _ configuration: String) -> [Double] {
        folder.finishedRuns(configuration).compactMap(measure.value)
    }

    /// The claims the runs can judge: VAPO beats each of the paper's lesser configurations present, on final
    /// accuracy and on AUC; then the training-dynamics claims against DAPO.
    public func claims() -> [Claim] {
        let names = description.configurations
        guard names.contains("vapo") else { return [] }
        var claims: [Claim] = []
        let final = Measure.finalAccuracy(key: accuracyKey), auc = Measure.accuracyAUC(key: accuracyKey)
        for other in PaperTable.beatenByVAPO where names.contains(other) {
            let paper = "60.4 vs \(Self.number(PaperTable.aime2024[other]!))"
            for measure in [final, auc] {
                claims.append(claim("VAPO beats \(PaperTable.label(other)) on \(measure.name)", paper: paper, measure, "vapo", other))
            }
        }
        if names.contains("dapo") {
            claims.append(claim("VAPO's training is smoother than DAPO's", paper: "training dynamics, vs DAPO", .scoreRoughness, "vapo", "dapo"))
            claims.append(claim("VAPO's score grows faster than DAPO's", paper: "training dynamics, vs DAPO", .scoreAUC, "vapo", "dapo"))
            claims.append(claim("VAPO's entropy is lower than DAPO's late in training", paper: "training dynamics, vs DAPO", .lateEntropy, "vapo", "dapo"))
            claims.append(claim("VAPO's responses grow longer than DAPO's (length scaling)", paper: "training dynamics, vs DAPO", .lateLength, "vapo", "dapo"))
        }
        return claims
    }

    func claim(_ statement: String, paper: String, _ measure: Measure, _ a: String, _ b: String) -> Claim {
        Claim(
            statement: statement, paper: paper, measure: measure, a: a, b: b,
            comparison: Comparison(a: values(measure, a), b: values(measure, b), higherIsBetter: measure.higherIsBetter))
    }

    /// A paper number as written: "60.4", "5".
    static func number(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(format: "%.1f", value)
    }

    /// Seconds as "1234 s (0:20:34)".
    static func duration(_ seconds: Double) -> String {
        // One rounding (half away from zero) for both forms: "%.0f" rounds half to even, so 48.5 s read "48 s (0:00:49)".
        let whole = Int(seconds.rounded())
        return String(format: "%d s (%d:%02d:%02d)", whole, whole / 3600, whole / 60 % 60, whole % 60)
    }
}
