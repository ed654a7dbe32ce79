import Foundation

/// Property-test iterations for the constant-product / DLMM suites: 100 by default, 5 000 with `SOLARB_STRESS=1`.
let cpPropertyCount = ProcessInfo.processInfo.environment["SOLARB_STRESS"] == "1" ? 5_000 : 100
