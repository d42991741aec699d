import Foundation

/// The executable `name` that `swift test` builds beside the test bundle (SwiftPM puts the products and the test
/// runner in one folder), or nil when it is not there: for tests that run a command as its user does.
public func builtExecutable(_ name: String) -> URL? {
    let bundle = Bundle.main.bundleURL
    let folders = [URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent(), bundle, bundle.deletingLastPathComponent()]
    return folders.map { $0.appendingPathComponent(name) }.first { FileManager.default.isExecutableFile(atPath: $0.path) }
}
