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
    /// Indexed by `FieldTarget.ordinal`.
    private var slots = [FieldRule?](repeating: nil, count: FieldTarget.allCases.count)
    /// `extensions.<name>` targets, in file order.
    var extensions: [(String, MappingExpression)] = []

    subscript(_ target: FieldTarget) -> FieldRule? {
        get { slots[target.ordinal] }
        set { slots[target.ordinal] = newValue }
    }

    // Per request, rules are read through these: each matches the rule in place and copies out
    // only what it needs, where `self[target]` copied the whole optional rule (an outlined switch
    // retaining every payload) for each of the ~18 targets a mapping looks at.

    /// The expression of a `value` rule.
    func expression(_ target: FieldTarget) -> MappingExpression? {
        if case .value(let e)? = slots[target.ordinal] { return e }
        return nil
    }

    /// The expression and format of a `time` rule.
    func time(_ target: FieldTarget) -> (MappingExpression, TimeFormat)? {
        if case .time(let e, let format)? = slots[target.ordinal] { return (e, format) }
        return nil
    }

    /// The items and sub-fields of an `each` rule.
    func each(_ target: FieldTarget) -> (items: MappingExpression, fields: [String: MappingExpression])? {
        if case .each(let items, let fields)? = slots[target.ordinal] { return (items, fields) }
        return nil
    }

    func merging(_ override: FieldSet) -> FieldSet {
        var out = self
        for (i, rule) in override.slots.enumerated() where rule != nil { out.slots[i] = rule }
        for (name, e) in override.extensions {
            out.extensions.removeAll { $0.0 == name }
            out.extensions.append((name, e))
        }
        return out
    }
}
