// The closed set of event fields a mapping may fill (the keys of `fields:` in a provider file),
// and the compiled form of what fills them.

import GatewayCore

enum FieldTarget: String, CaseIterable, Sendable {
    case sessionID = "session.id"
    case statusCode = "status.code"
    case statusSubCode = "status.sub_code"
    case statusMessage = "status.message"
    case occurredAt = "occurred_at"
    case providerEventID = "provider_event_id"
    case participants
    case transcriptText = "transcript.text"
    case transcriptSegments = "transcript.segments"
    case transcriptURL = "transcript.url"
    case transcriptIsFinal = "transcript.is_final"
    case videoURL = "media.video_url"
    case audioURL = "media.audio_url"
    case recordingURL = "media.recording_url"
    case summaryShort = "summary.short"
    case summaryLong = "summary.long"
    case analysis
    case metadata

    /// Position in `allCases`, so a field set is an array lookup instead of hashing per field.
    var ordinal: Int {
        switch self {
        case .sessionID: 0
        case .statusCode: 1
        case .statusSubCode: 2
        case .statusMessage: 3
        case .occurredAt: 4
        case .providerEventID: 5
        case .participants: 6
        case .transcriptText: 7
        case .transcriptSegments: 8
        case .transcriptURL: 9
        case .transcriptIsFinal: 10
        case .videoURL: 11
        case .audioURL: 12
        case .recordingURL: 13
        case .summaryShort: 14
        case .summaryLong: 15
        case .analysis: 16
        case .metadata: 17
        }
    }

    /// This target's bit in a set of targets (`FieldSet.fillsAny`).
    var bit: UInt64 { 1 << UInt64(ordinal) }

    /// Sub-fields of one element of `participants` / `transcript.segments`.
    var elementFields: [String]? {
        switch self {
        case .participants: ["id", "name", "role"]
        case .transcriptSegments: ["speaker", "start", "end", "text"]
        default: nil
        }
    }
}

/// How one target is filled.
enum FieldRule: Sendable {
    case value(MappingExpression)
    case time(MappingExpression, TimeFormat)
    /// One element per item of `items` (an object counts as one item), sub-fields relative to it.
    case each(items: MappingExpression, fields: [String: MappingExpression])
}

/// A mapping's fields: common ones merged with an event's own at load time, so a request does one
/// dictionary lookup and then only evaluates.
struct FieldSet: Sendable {
    /// Everything in one immutable object, replaced whole when a load-time edit changes it: a
    /// request passes the set around as one reference (as five arrays it cost five retains).
    private var storage = Storage(slots: [FieldRule?](repeating: nil, count: FieldTarget.allCases.count), extensions: [])

    private final class Storage: Sendable {
        /// Indexed by `FieldTarget.ordinal`.
        let slots: [FieldRule?]
        /// The expression of each `value` and `time` rule, by ordinal: a request reads a field's
        /// expression as one optional reference, where matching the rule in its slot copied and
        /// destroyed the whole `FieldRule` (outlined, retaining every payload), ~80 instructions
        /// for each field present.
        let values: [MappingExpression?]
        /// For an expression that is paths (most fields), its list, unretained (`values` owns
        /// it): reading the field then costs no reference counting at all.
        let pathLists: [Unmanaged<JSONPathList>?]
        /// The format of each `time` rule.
        let timeFormats: [TimeFormat?]
        /// `FieldTarget.bit` of each target with a rule: a request asks this first, so a field
        /// the mapping does not fill costs a test, not a call.
        let present: UInt64
        let extensions: [(String, MappingExpression)]
        /// As `pathLists`, for `extensions`.
        let extensionPaths: [Unmanaged<JSONPathList>?]

        init(slots: [FieldRule?], extensions: [(String, MappingExpression)]) {
            self.slots = slots
            self.extensions = extensions
            let values: [MappingExpression?] = slots.map {
                switch $0 {
                case .value(let e)?, .time(let e, _)?: e
                case .each?, nil: nil
                }
            }
            self.values = values
            pathLists = values.map {
                if case .paths(let list)? = $0 { Unmanaged.passUnretained(list) } else { nil }
            }
            timeFormats = slots.map {
                if case .time(_, let format)? = $0 { format } else { nil }
            }
            present = FieldTarget.allCases.reduce(0) { slots[$1.ordinal] == nil ? $0 : $0 | $1.bit }
            extensionPaths = extensions.map {
                if case .paths(let list) = $0.1 { Unmanaged.passUnretained(list) } else { nil }
            }
        }
    }

    subscript(_ target: FieldTarget) -> FieldRule? {
        get { storage.slots[target.ordinal] }
        set {
            var slots = storage.slots
            slots[target.ordinal] = newValue
            storage = Storage(slots: slots, extensions: storage.extensions)
        }
    }

    /// `extensions.<name>` targets, in file order.
    var extensions: [(String, MappingExpression)] {
        get { storage.extensions }
        set { storage = Storage(slots: storage.slots, extensions: newValue) }
    }

    /// The expression of a `value` or `time` rule.
    func expression(_ target: FieldTarget) -> MappingExpression? { storage.values[target.ordinal] }

    /// The format of a `time` rule, nil for any other.
    func timeFormat(_ target: FieldTarget) -> TimeFormat? { storage.timeFormats[target.ordinal] }

    /// Where the value of a `value` or `time` rule is in `scope` (nil when absent or null), as
    /// `expression(target)?.locate(scope)` finds it.
    func locate(_ target: FieldTarget, in scope: MappingExpression.Scope) -> MappingExpression.Scope.Element? {
        if let list = storage.pathLists[target.ordinal] { return list._withUnsafeGuaranteedRef { scope.locate($0) } }
        return storage.values[target.ordinal]?.locate(scope)
    }

    /// Whether any of the targets whose `bit`s are in `targets` has a rule.
    @inline(__always)
    func fillsAny(_ targets: UInt64) -> Bool { storage.present & targets != 0 }

    /// The text of a `value` rule's value in `scope`, as `expression(target)?.text(scope)` reads it.
    @inline(__always)
    func text(_ target: FieldTarget, in scope: MappingExpression.Scope) -> String? {
        fillsAny(target.bit) ? presentText(target, in: scope) : nil
    }

    private func presentText(_ target: FieldTarget, in scope: MappingExpression.Scope) -> String? {
        if let list = storage.pathLists[target.ordinal] {
            return list._withUnsafeGuaranteedRef { list in
                switch scope.locate(list) {
                case .node(let n)?: scope.document.scalarText(n)
                case .value(let v)?: MappingExpression.text(v)
                case nil: nil
                }
            }
        }
        return storage.values[target.ordinal]?.text(scope)
    }

    /// The `extensions.<name>` values present in `scope`, in file order; nil when none is.
    func extensionValues(in scope: MappingExpression.Scope) -> JSONObject? {
        let s = storage
        var out = JSONObject()
        for i in s.extensions.indices {
            let value: JSONValue?
            if let list = s.extensionPaths[i] {
                value = switch list._withUnsafeGuaranteedRef({ scope.locate($0) }) {
                case .node(let n)?: scope.document.value(at: n)
                case .value(let v)?: v
                case nil: nil
                }
            } else {
                value = s.extensions[i].1.evaluate(scope)
            }
            if let value { out.members.append((s.extensions[i].0, value)) }
        }
        return out.isEmpty ? nil : out
    }

    /// The items and sub-fields of an `each` rule (matched in place, so only what is returned is copied).
    func each(_ target: FieldTarget) -> (items: MappingExpression, fields: [String: MappingExpression])? {
        if case .each(let items, let fields)? = storage.slots[target.ordinal] { return (items, fields) }
        return nil
    }

    func merging(_ override: FieldSet) -> FieldSet {
        var out = self
        for target in FieldTarget.allCases where override[target] != nil { out[target] = override[target] }
        for (name, e) in override.extensions {
            out.extensions.removeAll { $0.0 == name }
            out.extensions.append((name, e))
        }
        return out
    }
}
