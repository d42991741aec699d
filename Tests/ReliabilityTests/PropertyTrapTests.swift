import Foundation
import PropertyBased
import PropertyTesting
import TestSupport
import Testing

/// A property body that traps kills the test process before swift-property-based can print the input that
/// failed; `checkProperty` prints it first (Specs/reliability.md, "Fuzzing").
@Suite("Property traps")
struct PropertyTrapTests {
    static let trapVariable = "VAPO_TEST_PROPERTY_TRAP"

    @Test("a property body that traps prints its test and its input on standard error before the process dies")
    func trapPrintsInput() async throws {
        if ProcessInfo.processInfo.environment[Self.trapVariable] != nil {
            // The child: a property whose body traps on inputs 42 to 44.
            await checkProperty(count: 50, input: Gen.int(in: 40...44)) { value in
                precondition(value < 42, "a property that traps")
            }
            return
        }
        // This test binary again, running only this test, which then traps.
        let result = try ChildProcess.run(
            ["--testing-library", "swift-testing", "--filter", "PropertyTrapTests"], executable: URL(fileURLWithPath: CommandLine.arguments[0]),
            environment: [Self.trapVariable: "1"], timeout: 60)
        #expect(result.status != 0)
        let report = result.errors.split(separator: "\n").first { $0.hasPrefix("property body trapped in ") }
        #expect(report.map { ["42", "43", "44"].contains(String($0.split(separator: " ").last!)) } == true,
                "\(result.errors.prefix(2000))")
        #expect(report?.contains("trapPrintsInput()") == true)
    }
}
