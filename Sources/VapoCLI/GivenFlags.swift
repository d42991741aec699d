// Specs/reliability.md, "The command line": the flags of a configuration's fields, applied from its field table.
import ArgumentParser

/// The values of the flags given to `options`, by long name (`--mini-batch`), for the flags in `flags`: each
/// `@Option` property is read under its name in kebab case (`miniBatch` → `--mini-batch`), as ArgumentParser
/// names it. What a configuration's field table applies (`FieldConfigured.applying(flags:)`), so that a flag is
/// declared once as a property and once in its field's entry.
func givenFlags(of options: some ParsableArguments, among flags: [String]) -> [String: Any] {
    var given: [String: Any] = [:]
    for child in Mirror(reflecting: options).children {
        guard let label = child.label, let option = child.value as? any GivenValue, let value = option.given else { continue }
        let flag = "--" + label.dropFirst().reduce(into: "") { name, c in name += c.isUppercase ? "-" + c.lowercased() : String(c) }
        if flags.contains(flag) { given[flag] = value }
    }
    return given
}

/// A parsed option's value, nil when it was not given.
private protocol GivenValue {
    var given: Any? { get }
}

extension Option: GivenValue {
    fileprivate var given: Any? { unwrapped(wrappedValue) }
}

/// `value` without its layers of `Optional`; nil when one of them is nil.
private func unwrapped(_ value: Any) -> Any? {
    let mirror = Mirror(reflecting: value)
    guard mirror.displayStyle == .optional else { return value }
    return mirror.children.first.flatMap { unwrapped($0.value) }
}
