import Foundation

/// Locates `../shared/fixtures` (beside the repository). Tests that need real dumps or official vectors
/// call `Fixtures.root` and skip with a message when it is nil.
public enum Fixtures {
    /// The fixtures folder, or nil when `../shared/fixtures` is absent (a user's fresh clone).
    public static let root: URL? = {
        if let env = ProcessInfo.processInfo.environment["SOLARB_FIXTURES"], !env.isEmpty {
            let url = URL(fileURLWithPath: env)
            return FileManager.default.fileExists(atPath: url.path) ? url : nil
        }
        // Walk up from this source file to the package root, then ../shared/fixtures.
        var dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        for _ in 0..<6 {
            if FileManager.default.fileExists(atPath: dir.appendingPathComponent("Package.swift").path) {
                let candidate = dir.deletingLastPathComponent().appendingPathComponent("shared/fixtures")
                return FileManager.default.fileExists(atPath: candidate.path) ? candidate : nil
            }
            dir = dir.deletingLastPathComponent()
        }
        return nil
    }()

    public static let skipMessage =
        "../shared/fixtures not found beside the repository (set SOLARB_FIXTURES to point at it); fixture tests skipped"

    public static func url(_ relative: String) -> URL? {
        root?.appendingPathComponent(relative)
    }

    public static func data(_ relative: String) throws -> Data? {
        guard let url = url(relative) else { return nil }
        return try Data(contentsOf: url)
    }
}
