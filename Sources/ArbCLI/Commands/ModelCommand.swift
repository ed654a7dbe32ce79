import ArbFeatures
import ArbInference
import ArgumentParser
import Foundation

/// `solarb model inspect|score`: check an ONNX model without writing code.
struct ModelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "model",
        abstract: "Inspect an ONNX model or score feature rows from a CSV with the in-process evaluator.",
        subcommands: [Inspect.self, Score.self]
    )

    struct Options: ParsableArguments {
        @Option(name: .long, help: "Path to the .onnx model.")
        var model: String

        @Flag(
            name: .long,
            help: "Accept a model without this build's feature-schema version (any input width). For operator tests.")
        var anySchema = false

        func load() throws -> InferenceModel {
            do {
                return try InferenceModel(
                    contentsOf: URL(fileURLWithPath: model),
                    expectedSchemaVersion: anySchema ? nil : FeatureSchema.version)
            } catch {
                throw ValidationError("cannot load \(model): \(error)")
            }
        }
    }

    struct Inspect: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a model's inputs, outputs, operators, schema version and metadata.")

        @OptionGroup var options: Options

        func run() throws {
            let m = try options.load()
            let i = m.info
            print("model: \(options.model)")
            print("producer: \(i.producer)  ir_version: \(i.irVersion)  opsets: \(i.opsets.joined(separator: ", "))")
            let schemaNote =
                i.schemaVersion == FeatureSchema.version
                ? "(matches this build)" : "(this build uses \(FeatureSchema.version))"
            print("feature schema version: \(i.schemaVersion.map(String.init) ?? "none") \(schemaNote)")
            for v in i.inputs { print("input:  \(v.name)  \(v.type)") }
            for v in i.outputs { print("output: \(v.name)  \(v.type)") }
            print("operators (\(i.nodeCount) nodes): \(i.operators.joined(separator: ", "))")
            if !i.classLabels.isEmpty { print("class labels: \(i.classLabels)") }
            for t in i.treeLayouts { print("tree ensemble: \(t)") }
            for (k, v) in i.metadata { print("metadata: \(k) = \(v)") }
        }
    }

    struct Score: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Score feature rows from a CSV; prints label and scores per row as CSV.",
            discussion: """
                The CSV has one row per decision and one column per feature in schema order \
                (`solarb features schema`). An optional header row must name the features in that order. \
                Output: `label,score_0,score_1,...` per row (shortest round-trip float text).
                """)

        @OptionGroup var options: Options

        @Option(name: .long, help: "CSV of feature rows.")
        var csv: String

        @Option(name: .long, help: "Write the output here instead of stdout.")
        var out: String?

        func run() throws {
            let m = try options.load()
            let text: String
            do { text = try String(contentsOfFile: csv, encoding: .utf8) } catch {
                throw ValidationError("cannot read \(csv): \(error.localizedDescription)")
            }
            let eval = m.makeEvaluator()
            var row = [Float](repeating: 0, count: m.inputWidth)
            var output = ""
            output.reserveCapacity(text.utf8.count)
            var header = "label"
            let width = m.info.classLabels.isEmpty ? nil : m.info.classLabels.count
            var lineNo = 0
            var wroteHeader = false
            for line in text.split(whereSeparator: \.isNewline) {
                lineNo += 1
                let fields = line.split(separator: ",", omittingEmptySubsequences: false)
                if lineNo == 1, let first = fields.first, Float(first.trimmingCharacters(in: .whitespaces)) == nil,
                    first.trimmingCharacters(in: .whitespaces).lowercased() != "nan"
                {
                    let names = fields.map { $0.trimmingCharacters(in: .whitespaces) }
                    if !options.anySchema {
                        let expected = FeatureSchema.features.map(\.name)
                        guard names == expected else {
                            throw ValidationError(
                                "CSV header does not match the feature schema v\(FeatureSchema.version): "
                                    + "expected \(expected.joined(separator: ","))")
                        }
                    }
                    continue
                }
                guard fields.count == m.inputWidth else {
                    throw ValidationError("line \(lineNo): \(fields.count) fields, the model takes \(m.inputWidth)")
                }
                for (k, field) in fields.enumerated() {
                    let s = field.trimmingCharacters(in: .whitespaces)
                    guard let v = Float(s) ?? (s.lowercased() == "nan" ? Float.nan : nil) else {
                        throw ValidationError("line \(lineNo): '\(s)' is not a number")
                    }
                    row[k] = v
                }
                let d = row.withUnsafeBufferPointer { eval.evaluate($0) }
                let scores = eval.scores
                if !wroteHeader {
                    let n = width ?? scores.count
                    header += (0..<n).map { ",score_\($0)" }.joined()
                    output += header + "\n"
                    wroteHeader = true
                }
                output += String(d.label)
                for v in scores { output += ",\(v)" }
                if eval.faulted { output += ",FAULT" }
                output += "\n"
            }
            if let out {
                do { try output.write(toFile: out, atomically: true, encoding: .utf8) } catch {
                    throw ValidationError("cannot write \(out): \(error.localizedDescription)")
                }
            } else {
                print(output, terminator: "")
            }
        }
    }
}
