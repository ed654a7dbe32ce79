import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Allocation counting for `solarb bench`, kept out of the production binary: the counter is the C target
/// `CMallocCounter`, shipped as the dynamic library product `SolArbMallocCounter`
/// (`libSolArbMallocCounter.so`, next to `solarb` after `swift build [-c release]`), which interposes the malloc
/// family only when preloaded. `solarb` never links it; a bench command that wants counts calls
/// `preloadIfAvailable()`, which re-executes the process once with the library in `LD_PRELOAD` (and clears it
/// again, so child processes such as the Python references run without it).
enum AllocationCounter {
    private typealias CountFunction = @convention(c) () -> UInt64
    private static let marker = "SOLARB_MALLOC_COUNTER_PRELOADED"
    static let libraryName = "libSolArbMallocCounter.so"

    private static let function: CountFunction? = {
        guard let handle = dlopen(nil, RTLD_NOW), let symbol = dlsym(handle, "solarb_thread_allocation_count") else {
            return nil
        }
        let f = unsafeBitCast(symbol, to: CountFunction.self)
        return f() == UInt64.max ? nil : f
    }()

    /// Whether this process counts allocations.
    static var isCounting: Bool { function != nil }

    /// Allocation calls made by the calling thread so far (0 when not counting).
    @inline(__always)
    static func count() -> UInt64 { function?() ?? 0 }

    /// Why counts are missing, for the bench output.
    static var unavailableReason: String {
        "n/a (build the \(libraryName) product next to solarb: swift build [-c release] --product SolArbMallocCounter)"
    }

    /// Re-executes this process with the counter preloaded, once, when it is not loaded and the library sits next
    /// to the executable. Returns when no re-execution happens (counts then stay unavailable).
    static func preloadIfAvailable() {
        if getenv(marker) != nil {
            // Already re-executed: keep the preload out of child processes.
            unsetenv("LD_PRELOAD")
            return
        }
        guard !isCounting else { return }
        guard let exe = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") else { return }
        let lib = URL(fileURLWithPath: exe).deletingLastPathComponent().appendingPathComponent(libraryName).path
        guard FileManager.default.fileExists(atPath: lib) else { return }
        setenv(marker, "1", 1)
        if let existing = getenv("LD_PRELOAD").map({ String(cString: $0) }), !existing.isEmpty {
            setenv("LD_PRELOAD", "\(lib):\(existing)", 1)
        } else {
            setenv("LD_PRELOAD", lib, 1)
        }
        var argv: [UnsafeMutablePointer<CChar>?] = CommandLine.arguments.map { strdup($0) }
        argv.append(nil)
        execv(exe, argv)
        // execv returned: it failed; go on without counting.
        unsetenv("LD_PRELOAD")
    }
}
