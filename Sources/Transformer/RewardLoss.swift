// Specs/model.md, "Value and reward models": the reward model's binary cross-entropy.
import Autograd
import Kernels

extension Tensor {
    /// Mean binary cross-entropy of logits r against labels y in [0, 1] (one per element), in the
    /// overflow-free form max(r, 0) − r·y + log(1 + exp(−|r|)); its gradient is (sigmoid(r) − y)/n.
    public func binaryCrossEntropy(labels: [Scalar]) -> Tensor {
        precondition(labels.count == count, "binaryCrossEntropy: \(labels.count) labels for \(count) logits of shape \(shape)")
        let y = Tensor(shape: shape, scalars: labels)
        let magnitude = Tensor.maximum(self, -self)
        return (relu() - self * y + ((-magnitude).exp() + 1).log()).mean()
    }
}

extension GPT {
    /// The reward model's training loss on (response, correct) pairs: the mean binary cross-entropy of the
    /// score at each sequence's EOS position (`rewards(_:at:)`, a logit of P(correct)) against its label.
    public func rewardLoss(
        _ tokens: TokenBatch, eosPositions: [Int], correct: [Bool], parameters list: [Tensor<Scalar>]? = nil
    ) -> Tensor<Scalar> {
        precondition(correct.count == tokens.batch, "rewardLoss: \(correct.count) labels for \(tokens.batch) sequences")
        return rewards(tokens, at: eosPositions, parameters: list).binaryCrossEntropy(labels: correct.map { $0 ? 1 : 0 })
    }
}
