import ArbFeatures
import ArbInference
import ArgumentParser
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// `solarb bench inference`: per-decision latency of the in-process ONNX evaluator (p50/p99 of single calls,
/// mean over a tight loop), allocations per call, and onnxruntime scoring the same rows in the same run
/// (single row and per-row cost in a batch of 10,000), with ratios.
struct InferenceBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inference",
        abstract: "Benchmark ArbInference against onnxruntime on the same rows (ratios, allocations per call).",
        discussion: """
            Example: solarb bench inference --model out/ml/gbt.onnx --model out/ml/mlp.onnx
            onnxruntime runs through `ml/bench_ort.py` with the ml venv's python (scripts/venv.sh ml); \
            pass --no-ort to measure Swift alone.
            """)

    @Option(name: .long, help: "ONNX model(s) to benchmark (repeatable).")
    var model: [String]

    @Option(name: .long, help: "Number of distinct feature rows (also the onnxruntime batch size).")
    var rows = 10_000

    @Option(name: .long, help: "Single-call latency samples per model.")
    var samples = 200_000

    @Option(name: .long, help: "Tight-loop passes over the rows for the mean.")
    var passes = 20

    @Option(name: .long, help: "Python with onnxruntime (default: ml/.venv/bin/python).")
    var python = "ml/.venv/bin/python"

    @Option(name: .long, help: "The onnxruntime side of the benchmark.")
    var ortScript = "ml/bench_ort.py"

    @Flag(name: .long, help: "Skip onnxruntime.")
    var noOrt = false

    @Flag(name: .long, help: "Accept models without this build's feature-schema version.")
    var anySchema = false

    func run() throws {
        AllocationCounter.preloadIfAvailable()  // re-executes once with the counter preloaded, if it is built
        let width = FeatureSchema.count
        var rng = SplitMix64(seed: 0x5EED_1F)
        var data = [Float](repeating: 0, count: rows * width)
        for r in 0..<rows {
            for f in FeatureSchema.features {
                data[r * width + f.index] = sample(f, &rng)
            }
        }
        let csvPath = FileManager.default.temporaryDirectory.appendingPathComponent(
            "solarb-bench-rows-\(getpid()).csv"
        ).path
        var csv = ""
        for r in 0..<rows {
            csv += (0..<width).map { "\(data[r * width + $0])" }.joined(separator: ",") + "\n"
        }
        try csv.write(toFile: csvPath, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: csvPath) }

        let timerOverhead = measureTimerOverhead()
        print("rows: \(rows) (seeded, schema v\(FeatureSchema.version) typical ranges)  samples: \(samples)")
        print("timer overhead (p50 of an empty clock_gettime pair): \(fmt(timerOverhead)) ns — included in p50/p99")
        let counting = AllocationCounter.isCounting
        for path in model {
            let m: InferenceModel
            do {
                m = try InferenceModel(
                    contentsOf: URL(fileURLWithPath: path),
                    expectedSchemaVersion: anySchema ? nil : FeatureSchema.version)
            } catch {
                throw ValidationError("cannot load \(path): \(error)")
            }
            guard m.inputWidth == width else { throw ValidationError("\(path) takes \(m.inputWidth) features") }
            let ev = m.makeEvaluator()
            var checksum: Float = 0
            // Warm up.
            data.withUnsafeBufferPointer { all in
                for r in 0..<rows {
                    checksum += ev.evaluate(UnsafeBufferPointer(rebasing: all[(r * width)..<((r + 1) * width)])).score
                }
            }
            // Single-call latency.
            var lat = [UInt64](repeating: 0, count: samples)
            data.withUnsafeBufferPointer { all in
                for s in 0..<samples {
                    let r = s % rows
                    let row = UnsafeBufferPointer(rebasing: all[(r * width)..<((r + 1) * width)])
                    let t0 = nowNs()
                    let d = ev.evaluate(row)
                    let t1 = nowNs()
                    checksum += d.score
                    lat[s] = t1 &- t0
                }
            }
            lat.sort()
            let p50 = Double(lat[samples / 2])
            let p99 = Double(lat[min(samples - 1, samples * 99 / 100)])
            // Tight loop mean and allocations per call.
            let a0 = AllocationCounter.count()
            let t0 = threadCpuNs()
            data.withUnsafeBufferPointer { all in
                for _ in 0..<passes {
                    for r in 0..<rows {
                        checksum +=
                            ev.evaluate(UnsafeBufferPointer(rebasing: all[(r * width)..<((r + 1) * width)])).score
                    }
                }
            }
            let t1 = threadCpuNs()
            let a1 = AllocationCounter.count()
            let calls = Double(passes * rows)
            let mean = Double(t1 - t0) / calls
            let allocs = counting ? "\(fmt(Double(a1 &- a0) / calls))" : AllocationCounter.unavailableReason
            print("")
            print("model: \(path)")
            for t in m.info.treeLayouts { print("  \(t)") }
            print("  operators: \(m.info.operators.joined(separator: ", "))")
            print(
                "  swift single decision: p50 \(fmt(p50)) ns  p99 \(fmt(p99)) ns  "
                    + "mean (tight loop, thread CPU time) \(fmt(mean)) ns  allocations/call \(allocs)  (checksum \(checksum))"
            )
            if noOrt { continue }
            guard let ort = runOrt(modelPath: path, csvPath: csvPath) else { continue }
            print(
                "  onnxruntime single row (python run()): p50 \(fmt(ort.p50)) ns  p99 \(fmt(ort.p99)) ns  "
                    + "| per row in a batch of \(ort.batch): \(fmt(ort.batchPerRow)) ns  (threads \(ort.threads))")
            print(
                "  ratios: ort 1-row p50 / swift p50 = \(fmt(ort.p50 / p50))x   "
                    + "ort batch per-row / swift p50 = \(fmt(ort.batchPerRow / p50))x   "
                    + "ort batch per-row / swift mean = \(fmt(ort.batchPerRow / mean))x")
        }
    }

    struct OrtResult {
        var p50: Double
        var p99: Double
        var batchPerRow: Double
        var batch: Int
        var threads: Int
    }

    func runOrt(modelPath: String, csvPath: String) -> OrtResult? {
        guard FileManager.default.isExecutableFile(atPath: python) else {
            print("  onnxruntime: skipped (\(python) not found; run scripts/venv.sh ml)")
            return nil
        }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: python)
        p.arguments = [ortScript, "--model", modelPath, "--csv", csvPath, "--samples", "\(min(samples, 20_000))"]
        let pipe = Pipe()
        p.standardOutput = pipe
        do { try p.run() } catch {
            print("  onnxruntime: could not start \(python): \(error)")
            return nil
        }
        let out = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0,
            let obj = try? JSONSerialization.jsonObject(with: out) as? [String: Any],
            let p50 = obj["single_p50_ns"] as? Double, let p99 = obj["single_p99_ns"] as? Double,
            let per = obj["batch_per_row_ns"] as? Double
        else {
            print("  onnxruntime: \(ortScript) failed (status \(p.terminationStatus))")
            return nil
        }
        return OrtResult(
            p50: p50, p99: p99, batchPerRow: per, batch: (obj["batch"] as? Int) ?? rows,
            threads: (obj["threads"] as? Int) ?? 0)
    }

    func measureTimerOverhead() -> Double {
        var d = [UInt64](repeating: 0, count: 10_000)
        for k in 0..<d.count {
            let a = nowNs()
            let b = nowNs()
            d[k] = b &- a
        }
        d.sort()
        return Double(d[d.count / 2])
    }

    func sample(_ f: FeatureSchema.Feature, _ rng: inout SplitMix64) -> Float {
        let u = Double(rng.next() >> 11) / Double(1 << 53)
        let v = f.typicalMin + u * (f.typicalMax - f.typicalMin)
        switch f.kind {
        case .continuous: return Float(v)
        case .count, .categorical: return Float(v.rounded())
        }
    }
}

@inline(__always)
private func nowNs() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return UInt64(ts.tv_sec) &* 1_000_000_000 &+ UInt64(ts.tv_nsec)
}

/// CPU time of this thread: a tight loop's mean stays honest when the machine is shared (wall time would count
/// the time other processes ran).
@inline(__always)
private func threadCpuNs() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
    return UInt64(ts.tv_sec) &* 1_000_000_000 &+ UInt64(ts.tv_nsec)
}

private func fmt(_ v: Double) -> String {
    v >= 100 ? String(format: "%.0f", v) : String(format: "%.2f", v)
}

/// SplitMix64 (Steele, Lea, Flood 2014): a tiny seeded generator for reproducible benchmark rows.
struct SplitMix64 {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
