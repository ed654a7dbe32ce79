/// A deterministic, single-threaded network of `SWIMInstance`s on a virtual millisecond clock, with seeded loss,
/// delay, crashes, pauses (like SIGSTOP: traffic queues until resumed) and partitions. Same seed → same run.
/// Messages go straight to the instances (the codec is proven separately), so thousands of trials run quickly.
public final class GossipSimulator {
    public struct Configuration: Sendable {
        public var nodeCount: Int
        /// Probability that one datagram is lost.
        public var lossRate: Double = 0
        /// One-way delay, uniform in this range.
        public var minDelayMillis: Int64 = 1
        public var maxDelayMillis: Int64 = 10
        public var swim = SWIMConfiguration()
        public var seed: UInt64

        public init(nodeCount: Int, seed: UInt64) {
            self.nodeCount = nodeCount
            self.seed = seed
        }
    }

    /// One observed membership change: at `time`, node `observer` saw `change`.
    public struct Observation: Sendable {
        public var time: Int64
        public var observer: Int
        public var change: SWIMInstance.MemberChange
    }

    enum Work {
        case deliver(to: Int, from: Int, GossipEnvelope)
        case wake(Int)
    }

    struct Item {
        var time: Int64
        var order: UInt64
        var work: Work
    }

    public let configuration: Configuration
    public private(set) var now: Int64 = 0
    public private(set) var nodes: [SWIMInstance]
    public private(set) var crashed: Set<Int> = []
    public private(set) var datagramsSent = 0
    /// Called for every membership change any live node reports.
    public var observer: ((Observation) -> Void)?
    /// Probability that one datagram is lost (starts at `configuration.lossRate`; may change mid-run).
    public var lossRate: Double
    /// Extra one-way delay for datagrams delivered *to* a node (models a slow, overloaded member).
    public var inboundExtraDelay: [Int: Int64] = [:]
    /// When set, datagrams from a to b are dropped while `blocked(a, b)` is true.
    public var blocked: ((Int, Int) -> Bool)?

    var pausedUntil: [Int: Int64] = [:]
    var heap: [Item] = []
    var order: UInt64 = 0
    var rng: SplitMix64
    var scheduledWake: [Int64]

    public init(_ configuration: Configuration) {
        precondition(configuration.nodeCount >= 1, "a simulation needs nodes")
        self.configuration = configuration
        self.lossRate = configuration.lossRate
        var rng = SplitMix64(seed: configuration.seed)
        var nodes: [SWIMInstance] = []
        for i in 0..<configuration.nodeCount {
            nodes.append(
                SWIMInstance(
                    id: Self.id(i), endpoint: Self.endpoint(i), seeds: i == 0 ? [] : [Self.endpoint(0)],
                    configuration: configuration.swim, seed: rng.next(), nowMillis: 0))
        }
        self.nodes = nodes
        self.rng = rng
        self.scheduledWake = Array(repeating: .max, count: configuration.nodeCount)
        for i in 0..<nodes.count {
            let directives = self.nodes[i].start(nowMillis: 0)
            perform(directives, at: i)
        }
    }

    public static func id(_ i: Int) -> NodeID { NodeID(unchecked: "n\(i)") }
    public static func endpoint(_ i: Int) -> Endpoint { Endpoint(host: "sim", port: UInt16(i)) }

    // MARK: Faults

    public func crash(_ i: Int) { crashed.insert(i) }

    /// Restarts a crashed node as a fresh process: same id and endpoint, empty table, incarnation 0, joining
    /// through the other nodes as seeds.
    public func restart(_ i: Int) {
        crashed.remove(i)
        let seeds = (0..<nodes.count).filter { $0 != i }.map(Self.endpoint)
        nodes[i] = SWIMInstance(
            id: Self.id(i), endpoint: Self.endpoint(i), seeds: seeds, configuration: configuration.swim,
            seed: rng.next(), nowMillis: now)
        scheduledWake[i] = .max
        perform(nodes[i].start(nowMillis: now), at: i)
    }

    /// Freezes node `i` for `millis`: it neither runs timers nor reads datagrams; both queue up and are processed
    /// when it resumes (what SIGSTOP/SIGCONT does to a process and its socket buffer).
    public func pause(_ i: Int, forMillis millis: Int64) { pausedUntil[i] = now + millis }

    /// Runs `body` on node `i` (e.g. `setPriority`) and performs what it returns.
    public func act(on i: Int, _ body: (inout SWIMInstance, Int64) -> [SWIMInstance.Directive]) {
        let directives = body(&nodes[i], now)
        perform(directives, at: i)
    }

    // MARK: Running

    /// Processes events up to `time` (inclusive), then sets the clock to `time`.
    public func run(until time: Int64) {
        while let top = heap.first, top.time <= time {
            let item = popMin()
            now = item.time
            switch item.work {
            case .deliver(let to, let from, let envelope):
                guard !crashed.contains(to) else { continue }
                if let until = pausedUntil[to], until > now {
                    push(Item(time: until, order: nextOrder(), work: item.work))
                    continue
                }
                let directives = nodes[to].handle(.received(envelope, from: Self.endpoint(from)), nowMillis: now)
                perform(directives, at: to)
            case .wake(let i):
                guard !crashed.contains(i) else { continue }
                if let until = pausedUntil[i], until > now {
                    push(Item(time: until, order: nextOrder(), work: item.work))
                    continue
                }
                if scheduledWake[i] == item.time { scheduledWake[i] = .max }
                let directives = nodes[i].handle(.tick, nowMillis: now)
                perform(directives, at: i)
            }
        }
        now = max(now, time)
    }

    /// Runs until `condition` holds or `limit`; returns the first time it held. The condition is checked once all
    /// events of a timestamp are processed, and at most every `checkEveryMillis` of virtual time (coarser checks
    /// keep O(n²) conditions cheap for big clusters; the answer is then accurate to that granularity).
    public func run(
        until limit: Int64, checkEveryMillis: Int64 = 0, stopWhen condition: (GossipSimulator) -> Bool
    ) -> Int64? {
        if condition(self) { return now }
        var lastCheck = now
        while let top = heap.first, top.time <= limit {
            run(until: top.time)
            if let next = heap.first, next.time == now { continue }
            guard now - lastCheck >= checkEveryMillis else { continue }
            lastCheck = now
            if condition(self) { return now }
        }
        now = max(now, limit)
        return condition(self) ? now : nil
    }

    /// Every live node sees every other live node as alive, and every crashed node as dead (or forgotten).
    public var isConverged: Bool {
        for i in 0..<nodes.count where !crashed.contains(i) {
            for j in 0..<nodes.count where j != i {
                let status = nodes[i].member(Self.id(j))?.status
                if crashed.contains(j) {
                    if status != nil && status != .dead { return false }
                } else if status != .alive {
                    return false
                }
            }
        }
        return true
    }

    // MARK: Internals

    private func perform(_ directives: [SWIMInstance.Directive], at i: Int) {
        for d in directives {
            switch d {
            case .send(let message, let to):
                guard to.host == "sim", Int(to.port) < nodes.count else { continue }
                let j = Int(to.port)
                datagramsSent += 1
                if lossRate > 0, rng.nextUnit() < lossRate { continue }
                if let blocked, blocked(i, j) { continue }
                let span = UInt64(max(0, configuration.maxDelayMillis - configuration.minDelayMillis) + 1)
                let delay = configuration.minDelayMillis + Int64(rng.next() % span) + inboundExtraDelay[j, default: 0]
                let header = GossipHeader(
                    sender: nodes[i].id, incarnation: nodes[i].incarnation, priority: nodes[i].priority,
                    sequence: 0, timestampMillis: 0)
                push(
                    Item(
                        time: now + delay, order: nextOrder(),
                        work: .deliver(to: j, from: i, GossipEnvelope(header: header, message: message))))
            case .wake(let at):
                if at < scheduledWake[i] || scheduledWake[i] < now {
                    scheduledWake[i] = at
                    push(Item(time: at, order: nextOrder(), work: .wake(i)))
                }
            case .memberChanged(let change):
                observer?(Observation(time: now, observer: i, change: change))
            }
        }
    }

    private func nextOrder() -> UInt64 {
        order += 1
        return order
    }

    private func less(_ a: Item, _ b: Item) -> Bool { a.time != b.time ? a.time < b.time : a.order < b.order }

    private func push(_ item: Item) {
        heap.append(item)
        var c = heap.count - 1
        while c > 0 {
            let p = (c - 1) / 2
            guard less(heap[c], heap[p]) else { break }
            heap.swapAt(c, p)
            c = p
        }
    }

    private func popMin() -> Item {
        let top = heap[0]
        let last = heap.removeLast()
        if !heap.isEmpty {
            heap[0] = last
            var p = 0
            while true {
                let l = 2 * p + 1
                let r = l + 1
                var m = p
                if l < heap.count, less(heap[l], heap[m]) { m = l }
                if r < heap.count, less(heap[r], heap[m]) { m = r }
                if m == p { break }
                heap.swapAt(p, m)
                p = m
            }
        }
        return top
    }
}
