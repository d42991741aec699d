// Specs/vapo.md, "The recipe": the one update loop of the actor, the critic and the reward model.
import Autograd
import Kernels
import Transformer

/// What a mini-batch's statistics must offer the update loop: a sum over micro-batches, and the loss that
/// the finite check reads.
protocol ObjectiveStatistics: Sendable {
    /// All zero: the sum of no micro-batch.
    static var zero: Self { get }
    /// Field-by-field sum (a micro-batch's share added to those before it, in order).
    static func + (lhs: Self, rhs: Self) -> Self
    /// The mini-batch's loss.
    var loss: Double { get }
}

/// One model's objective on a mini-batch, computed micro-batch by micro-batch: each micro-batch's loss is its
/// share of the whole mini-batch's (every term normalised by the whole mini-batch's counts, rl-math convention
/// §7), so the micro-batches' gradients sum to the mini-batch's and the micro-batch size never changes an update.
protocol MiniBatchObjective {
    associatedtype Scalar: KernelScalar
    associatedtype Statistics: ObjectiveStatistics

    /// The loss of the micro-batch `part` (rows of the mini-batch `rows`), computed by `model` with `parameters`
    /// (its parameters as variables of a tape), and the micro-batch's share of the statistics.
    func loss(of part: [Int], in rows: [Int], model: GPT<Scalar>, parameters: [Tensor<Scalar>]) -> (loss: Tensor<Scalar>, statistics: Statistics)
}

extension MiniBatchObjective {
    /// The gradient of the objective over the mini-batch `rows` with respect to `model`'s parameters, accumulated
    /// over micro-batches of `microBatchSize` rows in order, and the mini-batch's statistics.
    func gradients(model: GPT<Scalar>, rows: [Int], microBatchSize: Int) -> (gradients: [Tensor<Scalar>], statistics: Statistics) {
        var total: [Tensor<Scalar>]?
        var statistics = Statistics.zero
        for chunk in chunks(rows.count, size: microBatchSize) {
            let tape = Tape<Scalar>()
            let variables = model.parameters.map { tape.variable($0) }
            let (loss, share) = self.loss(of: Array(rows[chunk]), in: rows, model: model, parameters: variables)
            accumulate(tape.gradients(of: loss, withRespectTo: variables), into: &total)
            statistics = statistics + share
        }
        return (total ?? model.parameters.map { Tensor(zeros: $0.shape) }, statistics)
    }
}

/// The updates of one model over a sequence of mini-batches: for each applied update its gradient norm (before
/// clipping) and statistics, in order, and the count of mini-batches skipped as non-finite.
struct UpdateRecord<Statistics: ObjectiveStatistics> {
    var applied: [(norm: Double, statistics: Statistics)] = []
    var skipped = 0

    /// The mean of `value` over the applied updates, summed in update order; nil with none.
    func mean(_ value: (Double, Statistics) -> Double) -> Double? {
        guard !applied.isEmpty else { return nil }
        return applied.reduce(0.0) { $0 + value($1.norm, $1.statistics) } / Double(applied.count)
    }
}

extension ModelOptimizer {
    /// One update of `model` per mini-batch of `miniBatches`, in order: the objective's gradient accumulated
    /// over micro-batches, then `apply` (clip, finite checks, AdamW; a non-finite mini-batch skipped or a
    /// `NumericalFault` thrown as `apply` says), all at the schedule position `scheduleStep`.
    func update<Objective: MiniBatchObjective>(
        _ model: GPT<Scalar>, by objective: Objective, miniBatches: some Sequence<[Int]>, microBatchSize: Int, lossName: String,
        scheduleStep: Int, site: FaultSite
    ) throws(TrainingError) -> UpdateRecord<Objective.Statistics> where Objective.Scalar == Scalar {
        var record = UpdateRecord<Objective.Statistics>()
        for rows in miniBatches {
            let (gradients, statistics) = objective.gradients(model: model, rows: rows, microBatchSize: microBatchSize)
            let norm: Double?
            do {
                norm = try apply(
                    gradients, to: model.parameters, names: model.names, loss: statistics.loss, lossName: lossName, scheduleStep: scheduleStep,
                    site: site)
            } catch { throw .numerical(error) }
            if let norm { record.applied.append((norm, statistics)) } else { record.skipped += 1 }
        }
        return record
    }
}
