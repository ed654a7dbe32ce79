import Foundation

/// Property-test iterations: a fast default, ×20 with `SOLARB_STRESS=1`.
func iterations(_ base: Int) -> Int {
    ProcessInfo.processInfo.environment["SOLARB_STRESS"] == "1" ? base * 20 : base
}
