// Specs/reliability.md, "Numerical faults".
/// The model update a numerical fault can stop: the two of an RL step, and the two of the critic's set-up.
public enum FaultComponent: String, Sendable, Equatable {
    case actor, critic
    case rewardModel = "reward model"
    case valuePretraining = "value pretraining"

    /// Whether its steps are RL steps (numbered from 1, as in metrics.jsonl) rather than set-up steps (from 0).
    var isRLUpdate: Bool { self == .actor || self == .critic }
}

/// Where a numerical fault happened: the component being updated and its step.
public struct FaultSite: Sendable, Equatable, CustomStringConvertible {
    /// The update that faulted.
    public var component: FaultComponent
    /// The step: the RL step being run (1 for the first, as in metrics.jsonl), or the set-up phase's own step
    /// (0 for the first, as `reward_model/step` and `value_pretrain/step`).
    public var step: Int

    public init(component: FaultComponent, step: Int) {
        self.component = component
        self.step = step
    }

    public var description: String {
        component.isRLUpdate ? "RL step \(step), \(component.rawValue)" : "\(component.rawValue) step \(step)"
    }
}

/// A NaN or an infinity in a loss, a gradient or a parameter (Specs/reliability.md, "Numerical faults").
/// The step it stops is not counted, but earlier mini-batches of that step may have updated the models: a
/// trainer that threw one is not stepped again; the run continues, if at all, from its last checkpoint.
public struct NumericalFault: Error, Sendable, Equatable, CustomStringConvertible {
    /// The component and step.
    public var site: FaultSite
    /// The tensor: "actor loss", "critic loss", "gradient of <parameter>", or "parameter <name> after the update".
    public var tensor: String

    public init(site: FaultSite, tensor: String) {
        self.site = site
        self.tensor = tensor
    }

    public var description: String {
        "numerical fault at \(site): \(tensor) is not finite (NaN or infinity); the step is stopped and its checkpoint not written; "
            + "allowed: finite values (a lower learning rate, or skipNonFiniteBatches to skip such mini-batches)"
    }
}
