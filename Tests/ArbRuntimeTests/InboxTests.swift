import SolanaPrimitives
import Testing

@testable import ArbRuntime

@Suite struct InboxTests {
    let a: Address = "So11111111111111111111111111111111111111112"
    let b: Address = "EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v"

    @Test func batchesEverythingPushedAndKeepsFirstReceipt() async {
        let inbox = Inbox()
        let t0 = ContinuousClock.now
        inbox.push(a, slot: 5, at: t0)
        inbox.push(b, slot: 5, at: t0 + .milliseconds(1))
        let batch = await inbox.next()
        #expect(batch?.updates.map(\.0) == [a, b])
        #expect(batch?.firstReceived == t0)
        inbox.push(b, slot: 6, at: t0 + .milliseconds(2))
        #expect(await inbox.next()?.updates.map(\.1) == [6])
    }

    @Test func closeWakesAWaiterAndEndsTheStream() async {
        let inbox = Inbox()
        await withTaskGroup(of: Void.self) { g in
            g.addTask { #expect(await inbox.next() == nil) }
            g.addTask {
                try? await Task.sleep(for: .milliseconds(20))
                inbox.close()
            }
        }
        inbox.push(a, slot: 1, at: .now)  // ignored after close
        #expect(await inbox.next() == nil)
    }

    @Test func stopSignalReleasesWaitersOnce() async {
        let stop = StopSignal()
        #expect(!stop.isFired)
        await withTaskGroup(of: Void.self) { g in
            for _ in 0..<3 { g.addTask { await stop.wait() } }
            g.addTask { stop.fire() }
        }
        #expect(stop.isFired)
        stop.fire()
        await stop.wait()  // already fired: returns at once
    }
}
