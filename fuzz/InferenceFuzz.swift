// libFuzzer entry point for the ONNX decoder + compiler + evaluator (built by fuzz/inference.sh together with
// the ArbFeatures and ArbInference sources). Any input must either load or throw InferenceError; a model that
// loads is evaluated once on a fixed row. A trap, sanitizer report or leak is a finding.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    guard let model = try? InferenceModel(bytes: bytes, expectedSchemaVersion: nil) else { return 0 }
    let e = model.makeEvaluator()
    let row = [Float](repeating: 0.5, count: model.inputWidth)
    _ = row.withUnsafeBufferPointer { e.evaluate($0) }
    return 0
}
