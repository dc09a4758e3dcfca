// Metrics primitives and their Prometheus text exposition. Updates are lock-free atomics so the
// ingest path can count without contention; label children are created once and then cached by
// the caller (a dictionary lookup under a lock only on first use).

import Foundation
import Synchronization

/// `Atomic` is not copyable, so arrays of counters hold boxes.
final class AtomicCell: Sendable {
    let value = Atomic<Int>(0)
}

public final class Counter: Sendable {
    private let value = Atomic<Int>(0)
    public init() {}
    @inline(__always) public func increment(by n: Int = 1) { value.wrappingAdd(n, ordering: .relaxed) }
    public var current: Int { value.load(ordering: .relaxed) }
}

public final class Gauge: Sendable {
    /// Stored as the bit pattern of a Double so fractional gauges (seconds, bytes) fit.
    private let bits = Atomic<UInt64>(0)
    public init() {}
    public func set(_ v: Double) { bits.store(v.bitPattern, ordering: .relaxed) }
    public func add(_ d: Double) {
        var old = bits.load(ordering: .relaxed)
        while true {
            let (ok, seen) = bits.compareExchange(expected: old, desired: (Double(bitPattern: old) + d).bitPattern, ordering: .relaxed)
            if ok { return }
            old = seen
        }
    }
    public var current: Double { Double(bitPattern: bits.load(ordering: .relaxed)) }
}

public final class Histogram: Sendable {
    public let buckets: [Double]
    private let counts: [AtomicCell]
    private let sumMicros = Atomic<Int>(0)
    private let total = Atomic<Int>(0)

    public init(buckets: [Double]) {
        self.buckets = buckets.sorted()
        counts = buckets.map { _ in AtomicCell() }
    }

    /// Seconds-oriented defaults from 100 µs to 10 s.
    public static let latencyBuckets: [Double] = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

    public func observe(_ v: Double) {
        for (i, b) in buckets.enumerated() where v <= b {
            counts[i].value.wrappingAdd(1, ordering: .relaxed)
            break
        }
        sumMicros.wrappingAdd(Int(v * 1_000_000), ordering: .relaxed)
        total.wrappingAdd(1, ordering: .relaxed)
    }

    /// Cumulative bucket counts, sum and count, as Prometheus wants them.
    public func snapshot() -> (cumulative: [Int], sum: Double, count: Int) {
        var running = 0
        let cum = counts.map { c -> Int in running += c.value.load(ordering: .relaxed); return running }
        return (cum, Double(sumMicros.load(ordering: .relaxed)) / 1_000_000, total.load(ordering: .relaxed))
    }
}

/// A named metric with labels; children are keyed by their label values.
public final class MetricFamily<Metric: AnyObject & Sendable>: Sendable {
    public let name: String
    public let help: String
    public let labelNames: [String]
    private let make: @Sendable () -> Metric
    private let children = Mutex<[[String]: Metric]>([:])
    private let order = Mutex<[[String]]>([])

    public init(name: String, help: String, labels: [String], make: @escaping @Sendable () -> Metric) {
        self.name = name
        self.help = help
        self.labelNames = labels
        self.make = make
    }

    /// The child for these label values, created on first use.
    public func labels(_ values: String...) -> Metric { child(values) }

    public func child(_ values: [String]) -> Metric {
        children.withLock { dict in
            if let m = dict[values] { return m }
            let m = make()
            dict[values] = m
            order.withLock { $0.append(values) }
            return m
        }
    }

    public func remove(_ values: [String]) {
        children.withLock { _ = $0.removeValue(forKey: values) }
        order.withLock { $0.removeAll { $0 == values } }
    }

    public var all: [([String], Metric)] {
        let keys = order.withLock { $0 }
        return children.withLock { dict in keys.compactMap { k in dict[k].map { (k, $0) } } }
    }
}

/// Every metric of the process, rendered on `GET /metrics`.
public final class MetricsRegistry: Sendable {
    private enum Entry: Sendable {
        case counter(MetricFamily<Counter>)
        case gauge(MetricFamily<Gauge>)
        case histogram(MetricFamily<Histogram>)
        /// Values computed at scrape time (resident memory, queue depth read from a store).
        case computed(name: String, help: String, type: String, read: @Sendable () -> [([(String, String)], Double)])
    }

    private let entries = Mutex<[Entry]>([])

    public init() {}

    public func counter(_ name: String, _ help: String, labels: [String] = []) -> MetricFamily<Counter> {
        let f = MetricFamily<Counter>(name: name, help: help, labels: labels) { Counter() }
        entries.withLock { $0.append(.counter(f)) }
        return f
    }

    public func gauge(_ name: String, _ help: String, labels: [String] = []) -> MetricFamily<Gauge> {
        let f = MetricFamily<Gauge>(name: name, help: help, labels: labels) { Gauge() }
        entries.withLock { $0.append(.gauge(f)) }
        return f
    }

    public func histogram(_ name: String, _ help: String, labels: [String] = [], buckets: [Double] = Histogram.latencyBuckets) -> MetricFamily<Histogram> {
        let f = MetricFamily<Histogram>(name: name, help: help, labels: labels) { Histogram(buckets: buckets) }
        entries.withLock { $0.append(.histogram(f)) }
        return f
    }

    public func computed(_ name: String, _ help: String, type: String = "gauge",
                         read: @escaping @Sendable () -> [([(String, String)], Double)]) {
        entries.withLock { $0.append(.computed(name: name, help: help, type: type, read: read)) }
    }

    /// Prometheus text exposition format 0.0.4.
    public func render() -> String {
        var out = ""
        for entry in entries.withLock({ $0 }) {
            switch entry {
            case .counter(let f):
                header(&out, f.name, f.help, "counter")
                for (values, c) in f.all { out += "\(f.name)\(labelText(f.labelNames, values)) \(c.current)\n" }
            case .gauge(let f):
                header(&out, f.name, f.help, "gauge")
                for (values, g) in f.all { out += "\(f.name)\(labelText(f.labelNames, values)) \(number(g.current))\n" }
            case .histogram(let f):
                header(&out, f.name, f.help, "histogram")
                for (values, h) in f.all {
                    let s = h.snapshot()
                    for (i, b) in h.buckets.enumerated() {
                        out += "\(f.name)_bucket\(labelText(f.labelNames + ["le"], values + [number(b)])) \(s.cumulative[i])\n"
                    }
                    out += "\(f.name)_bucket\(labelText(f.labelNames + ["le"], values + ["+Inf"])) \(s.count)\n"
                    out += "\(f.name)_sum\(labelText(f.labelNames, values)) \(number(s.sum))\n"
                    out += "\(f.name)_count\(labelText(f.labelNames, values)) \(s.count)\n"
                }
            case .computed(let name, let help, let type, let read):
                header(&out, name, help, type)
                for (labels, v) in read() {
                    out += "\(name)\(labelText(labels.map(\.0), labels.map(\.1))) \(number(v))\n"
                }
            }
        }
        return out
    }

    private func header(_ out: inout String, _ name: String, _ help: String, _ type: String) {
        out += "# HELP \(name) \(help.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\n", with: "\\n"))\n"
        out += "# TYPE \(name) \(type)\n"
    }

    private func labelText(_ names: [String], _ values: [String]) -> String {
        guard !names.isEmpty else { return "" }
        let parts = zip(names, values).map { n, v in
            "\(n)=\"\(v.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"").replacingOccurrences(of: "\n", with: "\\n"))\""
        }
        return "{" + parts.joined(separator: ",") + "}"
    }

    private func number(_ v: Double) -> String {
        if v.isInfinite { return v > 0 ? "+Inf" : "-Inf" }
        if v.isNaN { return "NaN" }
        if v == v.rounded(), abs(v) < 1e15 { return String(Int64(v)) }
        return String(v)
    }
}
