// The built-in normaliser: a provider file's `mapping:` section compiled into per-event rules.
// A request costs one event-name lookup, then evaluation of already compiled expressions.

public import GatewayCore

public struct MappingNormalizer: Normalizer {
    enum TypeRule: Sendable {
        case fixed(EventType)
        /// Computed from the payload (e.g. a status code); anything outside the vocabulary is unknown.
        case computed(MappingExpression)
    }

    /// A class: a request takes its rule out of the table as one reference, where the struct's
    /// copy retained the field set's arrays and the type rule's payload.
    final class EventRule: Sendable {
        let type: TypeRule
        let fields: FieldSet
        let sessionKind: MeetingEvent.SessionKind

        init(type: TypeRule, fields: FieldSet, sessionKind: MeetingEvent.SessionKind) {
            self.type = type
            self.fields = fields
            self.sessionKind = sessionKind
        }
    }

    let provider: String
    let eventName: MappingExpression
    /// `eventName`'s list when it is paths (the usual `event`), unretained: `eventName` owns it.
    private let eventNamePaths: Unmanaged<JSONPathList>?
    /// Rules by exact vendor event name.
    let exact: EventRuleTable
    /// Rules for names ending in `*`, longest prefix first.
    let prefixes: [(prefix: String, rule: EventRule)]
    /// What an unlisted event gets: `provider.unknown` with the common fields.
    let unknown: EventRule
    /// The slots of a request's memo: every path read from the document's root is interned with
    /// the others, so the prefixes they share are looked up once per request.
    let memoSlots: Int

    init(provider: String, eventName: MappingExpression, exact: [String: EventRule],
         prefixes: [(prefix: String, rule: EventRule)], unknown: EventRule) {
        var shared = JSONPathPrefixes()
        let eventName = eventName.interned(&shared)
        var internedExact: [String: EventRule] = [:]
        for (name, rule) in exact { internedExact[name] = rule.interned(&shared) }
        var internedPrefixes: [(prefix: String, rule: EventRule)] = []
        for (prefix, rule) in prefixes { internedPrefixes.append((prefix, rule.interned(&shared))) }
        let unknown = unknown.interned(&shared)
        self.init(provider: provider, interned: eventName, exact: EventRuleTable(internedExact),
                  prefixes: internedPrefixes.sorted { $0.prefix.count > $1.prefix.count }, unknown: unknown, memoSlots: shared.count)
    }

    private init(provider: String, interned eventName: MappingExpression, exact: EventRuleTable,
                 prefixes: [(prefix: String, rule: EventRule)], unknown: EventRule, memoSlots: Int) {
        self.provider = provider
        self.eventName = eventName
        if case .paths(let list) = eventName { eventNamePaths = .passUnretained(list) } else { eventNamePaths = nil }
        self.exact = exact
        self.prefixes = prefixes
        self.unknown = unknown
        self.memoSlots = memoSlots
    }

    /// The same rules, for another provider that reuses them (`mapping_from:`): its events carry
    /// its own id.
    func reused(by provider: String) -> MappingNormalizer {
        MappingNormalizer(provider: provider, interned: eventName, exact: exact, prefixes: prefixes, unknown: unknown, memoSlots: memoSlots)
    }

    func rule(for name: String) -> EventRule {
        if let r = exact.rule(named: name) { return r }
        for p in prefixes where name.hasPrefix(p.prefix) { return p.rule }
        return unknown
    }

    public func normalize(_ document: JSONDocument, webhook: InboundWebhook, source: String) throws(NormalizationError) -> MeetingEvent {
        let name = eventName(in: document, headers: webhook.headers) ?? ""
        let rule = rule(for: name)
        let type: EventType
        switch rule.type {
        case .fixed(let t): type = t
        case .computed(let e):
            type = e.text(.init(document: document, headers: webhook.headers)).flatMap(EventType.init(rawValue:)) ?? .unknown
        }
        var event = MeetingEvent(type: type, provider: provider, source: source, providerEvent: name, receivedAt: webhook.receivedAt)
        // The fields read their paths through a memo on the stack. The event is filled in place:
        // returned through the closure, it was copied three times; the scope is made inside, as
        // a scope captured and changed there was copied field by field.
        withUnsafeTemporaryAllocation(of: Int.self, capacity: memoSlots) { slots in
            let scope = MappingExpression.Scope(document: document, headers: webhook.headers, memo: JSONPathMemo(initializing: slots))
            apply(rule.fields, kind: rule.sessionKind, scope: scope, to: &event)
        }
        return event
    }

    private func eventName(in document: JSONDocument, headers: HeaderFields) -> String? {
        guard let list = eventNamePaths else { return eventName.text(.init(document: document, headers: headers)) }
        return list._withUnsafeGuaranteedRef { $0.firstPresent(in: document, from: document.root) }.flatMap(document.scalarText)
    }

    private func apply(_ fields: FieldSet, kind: MeetingEvent.SessionKind, scope: MappingExpression.Scope, to event: inout MeetingEvent) {
        func text(_ t: FieldTarget) -> String? { fields.text(t, in: scope) }
        func json(_ t: FieldTarget) -> JSONValue? { fields.expression(t)?.evaluate(scope) }
        if let id = text(.sessionID), !id.isEmpty { event.session = .init(id: id, kind: kind) }
        let code = text(.statusCode), sub = text(.statusSubCode), message = text(.statusMessage)
        if code != nil || sub != nil || message != nil { event.status = .init(code: code, subCode: sub, message: message) }
        if let format = fields.timeFormat(.occurredAt), let found = fields.locate(.occurredAt, in: scope) {
            event.occurredAt = TimeConversion.timestamp(from: found, in: scope.document, format: format)
        }
        event.providerEventID = text(.providerEventID)
        if let (items, sub) = fields.each(.participants) {
            let list = Self.elements(items, scope).map { el in
                let s = scope.with(element: el)
                return MeetingEvent.Participant(
                    id: sub["id"]?.text(s), name: sub["name"]?.text(s), role: sub["role"]?.text(s))
            }
            if !list.isEmpty { event.participants = list }
        }
        // Each group is built (then compared with its empty value) only when the mapping fills
        // one of its fields: most events fill none, and building and comparing cost ~150.
        if fields.fillsAny(FieldTarget.transcriptText.bit | FieldTarget.transcriptURL.bit | FieldTarget.transcriptIsFinal.bit
                           | FieldTarget.transcriptSegments.bit) {
            var transcript = MeetingEvent.Transcript(text: text(.transcriptText), url: text(.transcriptURL))
            if let f = json(.transcriptIsFinal) { transcript.isFinal = f.boolValue }
            if let (items, sub) = fields.each(.transcriptSegments) {
                let segments: [MeetingEvent.Transcript.Segment] = Self.elements(items, scope).compactMap { el in
                    let s = scope.with(element: el)
                    guard let t = sub["text"]?.text(s) else { return nil }
                    return .init(speaker: sub["speaker"]?.text(s),
                                 start: sub["start"]?.evaluate(s).flatMap(Self.double),
                                 end: sub["end"]?.evaluate(s).flatMap(Self.double), text: t)
                }
                if !segments.isEmpty { transcript.segments = segments }
            }
            if transcript != MeetingEvent.Transcript() { event.transcript = transcript }
        }
        if fields.fillsAny(FieldTarget.videoURL.bit | FieldTarget.audioURL.bit | FieldTarget.recordingURL.bit) {
            let media = MeetingEvent.Media(videoURL: text(.videoURL), audioURL: text(.audioURL), recordingURL: text(.recordingURL))
            if media != MeetingEvent.Media() { event.media = media }
        }
        if fields.fillsAny(FieldTarget.summaryShort.bit | FieldTarget.summaryLong.bit) {
            let summary = MeetingEvent.Summary(short: text(.summaryShort), long: text(.summaryLong))
            if summary != MeetingEvent.Summary() { event.summary = summary }
        }
        event.analysis = json(.analysis)
        // Located, not evaluated: a path's value can stay the payload's text (PassThroughJSON).
        event.passThroughMetadata = switch fields.locate(.metadata, in: scope) {
        case .node(let n)?: PassThroughJSON(scope.document, at: n)
        case .value(let v)?: PassThroughJSON(v)
        case nil: nil
        }
        if let ext = fields.extensionValues(in: scope) { event.extensions = ext }
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
