// Replay protection: where a scheme's timestamp comes from, its unit, and the window around "now"
// it must fall in. Vendors compare in their own unit (Svix whole seconds, Retell milliseconds,
// `|now_ms - ts_ms| <= 300000` inclusive), so the window is checked in that unit too.

import GatewayCore

struct TimestampRule: Sendable {
    enum Source: Sendable {
        /// A header of its own, one name per header family (`webhook-timestamp`, `svix-timestamp`).
        case header([String])
        /// An item of a separator-split signature header (`t={timestamp}` in Stripe and Reflector).
        case signatureItem(TextPattern)
        /// The `{timestamp}` placeholder of a whole-header signature format (Retell `v={timestamp},...`).
        case signatureFormat
    }

    enum Unit: String, Sendable, CaseIterable {
        case seconds, milliseconds

        var perSecond: Int64 { self == .seconds ? 1 : 1000 }
        /// 9999-12-31T23:59:59Z: anything later is not a clock reading but garbage.
        var maximum: Int64 { 253_402_300_799 * perSecond + (perSecond - 1) }

        func value(of time: Timestamp) -> Int64 { self == .seconds ? time.seconds : time.milliseconds }
    }

    let source: Source
    let unit: Unit
    /// Default window in seconds; a source's configured tolerance overrides it.
    let tolerance: Double

    static let defaultTolerance = 300.0

    /// The timestamp's value: ASCII digits only (no sign, no spaces, no fraction), at most
    /// 9999-12-31 in the scheme's unit. Nil otherwise.
    func parse(_ text: Substring) -> Int64? {
        // Over the bytes, not the Substring's UTF8View, whose iterator checked every index against
        // the slice's bounds (~50 instructions a digit, ~510 per webhook).
        var text = text
        let parsed = text.withUTF8 { digits -> Int64? in
            guard !digits.isEmpty, digits.count <= 18 else { return nil }
            var value: Int64 = 0
            for c in digits {
                let digit = c &- UInt8(ascii: "0")  // wraps above 9 for bytes below '0'
                guard digit < 10 else { return nil }
                value = value &* 10 &+ Int64(digit)  // 18 digits stay below Int64.max
            }
            return value
        }
        guard let parsed, parsed <= unit.maximum else { return nil }
        return parsed
    }

    /// Throws stale/future when `value` lies outside `now ± tolerance` (bounds inclusive).
    func check(_ value: Int64, now: Timestamp, tolerance: Double) throws(VerificationFailure) {
        // Clamped so an absurd configured tolerance cannot overflow the conversion (1e9 s is 31 years).
        let window = Int64((min(max(0, tolerance), 1e9) * Double(unit.perSecond)).rounded(.down))
        let current = unit.value(of: now)
        if current - value > window { throw VerificationFailure(.staleTimestamp) }
        if value - current > window { throw VerificationFailure(.futureTimestamp) }
    }

    func text(of time: Timestamp) -> String { String(unit.value(of: time)) }
}
