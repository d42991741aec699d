import Foundation
import TestSupport
import Testing

@testable import VapoCLI

/// The progress display's two modes, and `vapo demo` (Specs/reliability.md, "The command line").
@Suite("Progress display and demo")
struct ProgressAndDemoTests {
    /// The text a display writes for steps a (not kept), b (kept, an evaluation step), c (not kept), then finish.
    static func text(live: Bool) -> String {
        final class Sink: @unchecked Sendable { var text = "" }
        let sink = Sink()
        var display = ProgressDisplay(live: live) { sink.text += $0 }
        display.show("a", keep: false)
        display.show("b", keep: true)
        display.show("c", keep: false)
        display.finish()
        return sink.text
    }

    @Test("on a terminal the progress line is rewritten in place (carriage return, erase to the end) and evaluation steps are kept; on a pipe or a file every step is a plain line with no control character")
    func twoModes() {
        #expect(Self.text(live: true) == "\ra\u{1B}[K\rb\u{1B}[K\n\rc\u{1B}[K\n")
        #expect(Self.text(live: false) == "a\nb\nc\n")
    }

    @Test("vapo demo trains the two-spirals MLP: a header, a line every --every steps and at the last, the loss falling, and the same lines but the time on 1 and 2 threads")
    func demo() throws {
        let runs = try [1, 2].map { threads in
            try ChildProcess.run(["demo", "--steps", "103", "--every", "50", "--threads", "\(threads)"])
        }
        for run in runs { #expect(run.status == 0 && run.errors.isEmpty) }
        let lines = runs.map { $0.lines.filter { !$0.isEmpty && !$0.hasPrefix("done in") && !$0.hasPrefix("two spirals") } }
        #expect(lines[0] == lines[1])
        let steps = lines[0].dropFirst().map { Int($0.split(separator: " ")[0])! }
        #expect(steps == [0, 50, 100, 102])
        let losses = lines[0].dropFirst().map { Double($0.split(separator: " ")[1])! }
        #expect(losses.last! < losses.first!)
        #expect(runs[0].output.hasPrefix("two spirals: 400 points, MLP 2-32-32-2, AdamW, 103 steps, 1 thread\n"))
    }
}
