// Specs/model.md, "Parameters": the model and its named parameter list.
import Autograd
import Kernels

/// A decoder-only GPT: its configuration, its head, and its parameters as one flat, ordered, named list
/// (the order and names of `GPTConfiguration.parameterSpecifications(head:)`, Specs/model.md).
///
/// The forward passes (`hidden`, `logits`, `values`, `rewards`) are functions of a parameter list and the
/// token ids: they use the model's own parameters by default, or the list passed in, so passing tape
/// variables differentiates them:
///
/// ```swift
/// let tape = Tape<Double>()
/// let variables = model.parameters.map { tape.variable($0) }
/// let loss = model.logits(tokens, parameters: variables).crossEntropy(targets: targets)
/// let gradients = tape.gradients(of: loss, withRespectTo: variables)   // one per name, same order
/// ```
public struct GPT<Scalar: KernelScalar> {
    /// The validated shape of the model.
    public let configuration: GPTConfiguration
    /// What the trunk feeds: a language-model head (policy) or a scalar head (value and reward models).
    public let head: GPTHead
    /// Parameter names, in list order.
    public let names: [String]
    /// Parameter values, in the order of `names`. An optimizer may update them in place.
    public var parameters: [Tensor<Scalar>]
    private let position: [String: Int]
    /// The forward pass's parameters by position.
    let indices: GPTParameterIndices

    /// A freshly initialised model: parameter `name` drawn from `stream.child(name)` (GPT-2 init).
    public init(configuration: GPTConfiguration, head: GPTHead, stream: RandomStream) throws(GPTConfigurationError) {
        let configuration = try configuration.validated()
        let specifications = configuration.parameterSpecifications(head: head)
        self.init(
            configuration: configuration, head: head, names: specifications.map(\.name),
            parameters: specifications.map { $0.initialValue(stream: stream) })
    }

    /// A model with the given parameter values (as a checkpoint loads them), checked against the layout.
    public init(configuration proposed: GPTConfiguration, head: GPTHead, parameters: [String: Tensor<Scalar>]) throws(GPTParameterError) {
        let configuration: GPTConfiguration
        do { configuration = try proposed.validated() } catch { throw .configuration(error) }
        let specifications = configuration.parameterSpecifications(head: head)
        for specification in specifications {
            guard let value = parameters[specification.name] else { throw .missing(name: specification.name) }
            guard value.shape == specification.shape else {
                throw .shapeMismatch(name: specification.name, expected: specification.shape, found: value.shape)
            }
        }
        let expected = Set(specifications.map(\.name))
        if let extra = parameters.keys.sorted().first(where: { !expected.contains($0) }) { throw .unexpected(name: extra) }
        self.init(
            configuration: configuration, head: head, names: specifications.map(\.name),
            parameters: specifications.map { parameters[$0.name]!.detached() })
    }

    private init(configuration: GPTConfiguration, head: GPTHead, names: [String], parameters: [Tensor<Scalar>]) {
        self.configuration = configuration
        self.head = head
        self.names = names
        self.parameters = parameters
        self.position = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, $0) })
        self.indices = GPTParameterIndices(position: position, layers: configuration.layers, head: head)
    }

    /// The parameter called `name`, or nil when the model has none.
    public subscript(name: String) -> Tensor<Scalar>? {
        position[name].map { parameters[$0] }
    }

    /// The position of `name` in the parameter list.
    public func index(of name: String) -> Int? { position[name] }

    /// This model with every parameter whose name and shape also occur in `source` replaced by `source`'s
    /// value; the others keep their values. A value model initialised from a reward model takes everything
    /// (trunk and scalar head); one initialised from a policy takes the trunk and keeps its own head.
    public func copyingParameters(from source: GPT) -> GPT {
        var copy = self
        for (i, name) in names.enumerated() {
            if let value = source[name], value.shape == parameters[i].shape { copy.parameters[i] = value.detached() }
        }
        return copy
    }

    /// The named parameter from `list` (the model's own when nil).
    func parameter(_ name: String, in list: [Tensor<Scalar>]?) -> Tensor<Scalar> {
        guard let i = position[name] else { preconditionFailure("GPT with head \(head) has no parameter \(name)") }
        return (list ?? parameters)[i]
    }

    func checkParameterList(_ list: [Tensor<Scalar>]?) {
        guard let list else { return }
        precondition(list.count == parameters.count, "GPT: \(list.count) parameters passed, the model has \(parameters.count)")
        for (i, value) in list.enumerated() {
            precondition(value.shape == parameters[i].shape, "GPT: parameter \(names[i]) passed with shape \(value.shape), expected \(parameters[i].shape)")
        }
    }
}

/// A parameter list that does not fit a model's layout.
public enum GPTParameterError: Error, Equatable, CustomStringConvertible {
    /// The configuration itself is invalid.
    case configuration(GPTConfigurationError)
    /// The layout has a parameter `name` that was not supplied.
    case missing(name: String)
    /// A supplied parameter that the layout does not have.
    case unexpected(name: String)
    /// Parameter `name` has the wrong shape.
    case shapeMismatch(name: String, expected: [Int], found: [Int])

    public var description: String {
        switch self {
        case .configuration(let error): return error.description
        case .missing(let name): return "model parameters: \(name) is missing"
        case .unexpected(let name): return "model parameters: \(name) is not a parameter of this model"
        case .shapeMismatch(let name, let expected, let found):
            return "model parameters: \(name) has shape \(found); expected \(expected)"
        }
    }
}
