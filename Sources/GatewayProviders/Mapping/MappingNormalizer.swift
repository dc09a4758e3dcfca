// The built-in normaliser: a provider file's `mapping:` section compiled into per-event rules.
// A request costs one event-name lookup, then evaluation of already compiled expressions.

public import GatewayCore

public struct MappingNormalizer: Normalizer {
    enum TypeRule: Sendable {
        case fixed(EventType)
        /// Computed from the payload (e.g. a status code); anything outside the vocabulary is unknown.
        case computed(MappingExpression)
    }

    struct EventRule: Sendable {
        var type: TypeRule
        var fields: FieldSet
        var sessionKind: MeetingEvent.SessionKind
    }

    let provider: String
    let eventName: MappingExpression
    /// Rules by exact vendor event name.
    let exact: [String: EventRule]
    /// Rules for names ending in `*`, longest prefix first.
    let prefixes: [(prefix: String, rule: EventRule)]
    /// What an unlisted event gets: `provider.unknown` with the common fields.
    let unknown: EventRule

    init(provider: String, eventName: MappingExpression, exact: [String: EventRule],
         prefixes: [(prefix: String, rule: EventRule)], unknown: EventRule) {
        self.provider = provider
        self.eventName = eventName
        self.exact = exact
        self.prefixes = prefixes.sorted { $0.prefix.count > $1.prefix.count }
        self.unknown = unknown
    }

    /// The same rules, for another provider that reuses them (`mapping_from:`): its events carry
    /// its own id.
    func reused(by provider: String) -> MappingNormalizer {
        MappingNormalizer(provider: provider, eventName: eventName, exact: exact, prefixes: prefixes, unknown: unknown)
    }

    func rule(for name: String) -> EventRule {
        if let r = exact[name] { return r }
        for p in prefixes where name.hasPrefix(p.prefix) { return p.rule }
        return unknown
    }

    public func normalize(_ document: JSONDocument, webhook: InboundWebhook, source: String) throws(NormalizationError) -> MeetingEvent {
        let scope = MappingExpression.Scope(document: document, headers: webhook.headers)
        let name = eventName.evaluate(scope).flatMap(MappingExpression.text) ?? ""
        let rule = rule(for: name)
        let type: EventType
        switch rule.type {
        case .fixed(let t): type = t
        case .computed(let e): type = e.evaluate(scope).flatMap(MappingExpression.text).flatMap(EventType.init(rawValue:)) ?? .unknown
        }
        var event = MeetingEvent(type: type, provider: provider, source: source, providerEvent: name, receivedAt: webhook.receivedAt)
        apply(rule.fields, kind: rule.sessionKind, scope: scope, to: &event)
        return event
    }

    private func apply(_ fields: FieldSet, kind: MeetingEvent.SessionKind, scope: MappingExpression.Scope, to event: inout MeetingEvent) {
        func text(_ t: FieldTarget) -> String? {
            guard case .value(let e)? = fields[t], let v = e.evaluate(scope) else { return nil }
            return MappingExpression.text(v)
        }
        func json(_ t: FieldTarget) -> JSONValue? {
            guard case .value(let e)? = fields[t] else { return nil }
            return e.evaluate(scope)
        }
        if let id = text(.sessionID), !id.isEmpty { event.session = .init(id: id, kind: kind) }
        let code = text(.statusCode), sub = text(.statusSubCode), message = text(.statusMessage)
        if code != nil || sub != nil || message != nil { event.status = .init(code: code, subCode: sub, message: message) }
        if case .time(let e, let format)? = fields[.occurredAt], let found = e.locate(scope) {
            event.occurredAt = TimeConversion.timestamp(from: found, in: scope.document, format: format)
        }
        event.providerEventID = text(.providerEventID)
        if case .each(let items, let sub)? = fields[.participants] {
            let list = Self.elements(items, scope).map { el in
                let s = scope.with(element: el)
                return MeetingEvent.Participant(
                    id: sub["id"]?.evaluate(s).flatMap(MappingExpression.text),
                    name: sub["name"]?.evaluate(s).flatMap(MappingExpression.text),
                    role: sub["role"]?.evaluate(s).flatMap(MappingExpression.text))
            }
            if !list.isEmpty { event.participants = list }
        }
        var transcript = MeetingEvent.Transcript(text: text(.transcriptText), url: text(.transcriptURL))
        if let f = json(.transcriptIsFinal) { transcript.isFinal = f.boolValue }
        if case .each(let items, let sub)? = fields[.transcriptSegments] {
            let segments: [MeetingEvent.Transcript.Segment] = Self.elements(items, scope).compactMap { el in
                let s = scope.with(element: el)
                guard let t = sub["text"]?.evaluate(s).flatMap(MappingExpression.text) else { return nil }
                return .init(speaker: sub["speaker"]?.evaluate(s).flatMap(MappingExpression.text),
                             start: sub["start"]?.evaluate(s).flatMap(Self.double),
                             end: sub["end"]?.evaluate(s).flatMap(Self.double), text: t)
            }
            if !segments.isEmpty { transcript.segments = segments }
        }
        if transcript != MeetingEvent.Transcript() { event.transcript = transcript }
        let media = MeetingEvent.Media(videoURL: text(.videoURL), audioURL: text(.audioURL), recordingURL: text(.recordingURL))
        if media != MeetingEvent.Media() { event.media = media }
        let summary = MeetingEvent.Summary(short: text(.summaryShort), long: text(.summaryLong))
        if summary != MeetingEvent.Summary() { event.summary = summary }
        event.analysis = json(.analysis)
        event.metadata = json(.metadata)
        if !fields.extensions.isEmpty {
            var ext = JSONObject()
            for (name, e) in fields.extensions { if let v = e.evaluate(scope) { ext.members.append((name, v)) } }
            if !ext.isEmpty { event.extensions = ext }
        }
    }

    /// What an `each` iterates: an array's elements, or a single object as one element.
    static func elements(_ items: MappingExpression, _ scope: MappingExpression.Scope) -> [MappingExpression.Scope.Element] {
        guard let found = items.locate(scope) else { return [] }
        if let list = scope.elements(of: found) { return list }
        return scope.isObject(found) ? [found] : []
    }

    static func double(_ v: JSONValue) -> Double? {
        switch v {
        case .number(let n): Double(n)
        case .string(let s): Double(s)
        default: nil
        }
    }
}
