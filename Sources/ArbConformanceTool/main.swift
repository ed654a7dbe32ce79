import ArbTestSupport
import Foundation

/// solarb-conformance check FILE… — checks vectors produced by conformance/gen_vectors.py (solders).
/// Prints one line per failure and a closing "N passed, M failed"; exits 1 on any failure.
let args = Array(CommandLine.arguments.dropFirst())
guard args.first == "check", args.count >= 2 else {
    FileHandle.standardError.write(Data("usage: solarb-conformance check VECTORS.json…\n".utf8))
    exit(2)
}
var passed = 0
var failed = 0
for path in args.dropFirst() {
    do {
        let report = try SoldersConformance.check(file: URL(fileURLWithPath: path))
        passed += report.passed
        failed += report.failures.count
        let kinds = report.byKind.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        print("\(path): \(kinds)")
        for f in report.failures.prefix(50) { print("FAIL \(f)") }
    } catch {
        print("ERROR \(path): \(error)")
        failed += 1
    }
}
print("\(passed) passed, \(failed) failed")
exit(failed == 0 ? 0 : 1)
