import ArbTestSupport
import Foundation

/// solarb-conformance — test tooling that lets independent references check SolArb's primitives.
///   check FILE…   vectors from conformance/gen_vectors.py (solders); prints "N passed, M failed", exit 1 on failure
///   build         reads a transaction recipe (JSON) on stdin, prints the signed transaction as JSON (see
///                 ArbTestSupport.TransactionRecipe) for execution in LiteSVM by conformance/test_litesvm.py
let args = Array(CommandLine.arguments.dropFirst())
func fail(_ message: String, code: Int32) -> Never {
    FileHandle.standardError.write(Data((message + "\n").utf8))
    exit(code)
}

switch args.first {
case "check" where args.count >= 2:
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
case "build":
    do {
        let out = try TransactionRecipe.run(FileHandle.standardInput.readDataToEndOfFile())
        let data = try JSONSerialization.data(withJSONObject: out, options: [.sortedKeys])
        print(String(decoding: data, as: UTF8.self))
    } catch {
        fail("build failed: \(error)", code: 1)
    }
default:
    fail("usage: solarb-conformance check VECTORS.json… | build < recipe.json", code: 2)
}
