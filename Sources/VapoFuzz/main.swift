// Specs/reliability.md, "Fuzzing": `vapo-fuzz`, the longer runs.
import Foundation
import Fuzzing

/// `vapo-fuzz`: runs the deterministic fuzz targets for longer than the test suite does.
///
///     vapo-fuzz [--seconds N] [--target safetensors|configuration|verifiers] [--seed S] [--start I] [--count C]
///
/// Each selected target runs for N seconds (default 60) or C inputs, from input I of seed S (default 0),
/// printing a progress line every 10 seconds (the last input range known good) and a final report. Exit
/// code 1 when a property broke; a crash ends the process with the signal, and the last progress line
/// bounds the input to replay with --start/--count.
var seconds = 60.0, seed: UInt64 = 0, start = 0
var count: Int?
var targets = FuzzTarget.all
var arguments = CommandLine.arguments.dropFirst()
func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("vapo-fuzz: \(message)\n".utf8))
    exit(2)
}
func parsed<T>(_ value: T?, _ message: @autoclosure () -> String) -> T {
    guard let value else { fail(message()) }
    return value
}
let usage = "usage: vapo-fuzz [--seconds N] [--target safetensors|configuration|verifiers] [--seed S] [--start I] [--count C]"
while let flag = arguments.popFirst() {
    if flag == "--help" || flag == "-h" {
        print(usage)
        exit(0)
    }
    guard let value = arguments.popFirst() else { fail("\(flag) needs a value") }
    switch flag {
    case "--seconds": seconds = parsed(Double(value).flatMap { $0 > 0 ? $0 : nil }, "--seconds is \(value); allowed: a positive number")
    case "--seed": seed = parsed(UInt64(value), "--seed is \(value); allowed: 0...\(UInt64.max)")
    case "--start": start = parsed(Int(value).flatMap { $0 >= 0 ? $0 : nil }, "--start is \(value); allowed: 0 or more")
    case "--count": count = parsed(Int(value).flatMap { $0 >= 1 ? $0 : nil }, "--count is \(value); allowed: 1 or more")
    case "--target":
        let names = FuzzTarget.all.map(\.name).joined(separator: ", ")
        targets = [parsed(FuzzTarget.named(value), "--target is \(value); allowed: \(names)")]
    default: fail("unknown flag \(flag); allowed: --seconds, --target, --seed, --start, --count")
    }
}
/// Writes `line` at once (unbuffered, even into a file or a pipe), so the last progress line is on disk when a
/// crash ends the process.
func say(_ line: String) { FileHandle.standardOutput.write(Data((line + "\n").utf8)) }
var broken = false
for target in targets {
    var next = start, inputs = 0, failures: [String] = []
    let begin = Date()
    // Chunks of at most 10 s, so that a crash is bounded by the last progress line.
    while Date().timeIntervalSince(begin) < seconds, count.map({ inputs < $0 }) ?? true {
        let chunk = target.run(
            seed: seed, start: next, count: count.map { $0 - inputs }, seconds: min(10, seconds - Date().timeIntervalSince(begin)))
        next += chunk.inputs
        inputs += chunk.inputs
        failures += chunk.failures
        say("\(target.name): inputs \(start)..<\(next) of seed \(seed) done, \(failures.count) failures")
    }
    let elapsed = Date().timeIntervalSince(begin)
    say("\(target.name): \(inputs) inputs in \(String(format: "%.0f", elapsed)) s, \(failures.count) failures, 0 crashes")
    for failure in failures.prefix(20) { say("  " + failure) }
    broken = broken || !failures.isEmpty
}
exit(broken ? 1 : 0)
