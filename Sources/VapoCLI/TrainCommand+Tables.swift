// Specs/vapo.md, "The command line: `vapo train`", and "The critic probe": the tables printed at the end of a run.
import Foundation
import VAPO

extension TrainCommand {
    /// The probe of the final table: 64 held-out problems, 4 prefixes each (and both sides of the first error),
    /// K = 4 continuations; nil without a critic. A few seconds: it shows the critic's quality, the full probe
    /// (`vapo probe-critic`) measures it.
    static let tableProbe = CriticProbeOptions(problems: 64, continuations: 4, prefixesPerResponse: 4)

    /// The critic against Monte-Carlo values with `tableProbe`, nil without a critic.
    func criticProbe(_ trainer: Trainer<Float>) throws -> CriticProbeReport? {
        guard let critic = trainer.critic else { return nil }
        return try CriticProbe.measure(
            policy: trainer.policy, critic: critic, task: trainer.task, configuration: trainer.configuration,
            options: Self.tableProbe.withFirstError(trainer.task.hasTeacherTrace))
    }

    /// The probe's figures as metrics: `critic_probe/<phase>/ev_vmc`, `…/ev_returns`, `…/ceiling`,
    /// `…/first_error_drop` and `…/first_error_drop_vmc`.
    static func probeMetrics(_ report: CriticProbeReport, phase: MetricKey.ProbePhase) -> Metrics {
        var metrics: Metrics = [:]
        metrics[.criticProbe(phase, .explainedVarianceMonteCarlo)] = report.overall.explainedVarianceMonteCarlo
        metrics[.criticProbe(phase, .explainedVarianceReturns)] = report.overall.explainedVarianceReturns
        metrics[.criticProbe(phase, .ceiling)] = report.overall.ceilingReturns
        if let drop = report.firstError?.criticDrop { metrics[.criticProbe(phase, .firstErrorDrop)] = drop }
        if let drop = report.firstError?.monteCarloDrop { metrics[.criticProbe(phase, .firstErrorDropMonteCarlo)] = drop }
        return metrics
    }

    /// One line of the probe's figures, as the run prints them at the start.
    func criticLine(_ title: String, _ report: CriticProbeReport) -> String {
        let o = report.overall
        var line = String(format: "%@: explained variance %.2f against V_MC, %.2f against returns (ceiling %.2f)", title,
                          o.explainedVarianceMonteCarlo, o.explainedVarianceReturns, o.ceilingReturns)
        if let e = report.firstError, let critic = e.criticDrop, let truth = e.monteCarloDrop {
            line += String(format: "; value change at the first error %+.2f (V_MC %+.2f)", critic, truth)
        }
        return line
    }

    /// The critic's table: its figures as RL started and as it ended.
    func printCriticTable(start: CriticProbeReport?, end: CriticProbeReport?) {
        let options = Self.tableProbe
        output("critic against Monte-Carlo values (\(options.problems) held-out problems, K = \(options.continuations); vapo probe-critic measures more):")
        output("          EV(V_MC)  EV(returns)  ceiling  first-error change (V_MC)")
        for (name, report) in [("  start", start), ("  end  ", end)] {
            guard let report else {
                output("\(name)         -            -        -  -")
                continue
            }
            let o = report.overall
            var drop = "-"
            if let e = report.firstError, let critic = e.criticDrop, let truth = e.monteCarloDrop { drop = String(format: "%+.2f (%+.2f)", critic, truth) }
            output(String(format: "%@     %5.2f        %5.2f    %5.2f  %@", name, o.explainedVarianceMonteCarlo, o.explainedVarianceReturns, o.ceilingReturns, drop))
        }
    }

    /// The held-out greedy accuracy before and after RL, and the points gained.
    func printTable(before: Double?, after: Double?, task: String, steps: Int, seconds: Double) {
        func percent(_ value: Double?) -> String { value.map { String(format: "%6.1f%%", 100 * $0) } ?? "      -" }
        let gain = (before != nil && after != nil) ? String(format: "%+6.1f", 100 * (after! - before!)) : "     -"
        output("held-out greedy accuracy (\(task)), \(plural(steps, "RL step")) in \(ProgressDisplay.clock(seconds)) since the command started:")
        output("  before   after   points")
        output("\(percent(before)) \(percent(after))   \(gain)")
    }
}
