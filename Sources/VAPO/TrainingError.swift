// Specs/vapo.md, "Configuration": why training cannot go on, in one line.
import Tasks
import Transformer

/// Why training cannot go on; the description is one line naming the cause and what is allowed.
public enum TrainingError: Error, CustomStringConvertible {
    /// The configuration is out of range.
    case configuration(TrainingConfigurationError)
    /// The task could not produce problems.
    case task(TaskError)
    /// The policy could not sample (for example a prompt longer than its context).
    case sampling(SamplingError)
    /// A model does not fit the run: `field` has `value`; `allowed` says what would.
    case model(field: String, value: String, allowed: String)
    /// A NaN or an infinity in a loss, a gradient or a parameter.
    case numerical(NumericalFault)
    /// A checkpoint cannot resume this run; `reason` says why and what would.
    case resume(reason: String)
    /// A checkpoint cannot be read as a trainer's state (`TrainerStateModels`); `reason` says why and what would.
    case checkpoint(reason: String)
    /// A critic-probe setting is out of range (`CriticProbeOptions`), or the task cannot give what it asks.
    case probe(field: String, value: String, allowed: String)

    public var description: String {
        switch self {
        case .configuration(let error): return error.description
        case .task(let error): return error.description
        case .sampling(let error): return error.description
        case .model(let field, let value, let allowed): return "model: \(field) is \(value); allowed: \(allowed)"
        case .numerical(let fault): return fault.description
        case .resume(let reason): return "resume: \(reason)"
        case .checkpoint(let reason): return "checkpoint: \(reason)"
        case .probe(let field, let value, let allowed): return "critic probe: \(field) is \(value); allowed: \(allowed)"
        }
    }
}
