// Which events a sink wants: lists of globs on provider, source, type and session. An empty list
// accepts everything on that axis; within a list any pattern may match; all axes must match.

public struct EventFilter: Sendable, Hashable {
    public var providers: [Glob]
    public var sources: [Glob]
    public var types: [Glob]
    public var sessions: [Glob]

    public init(providers: [String] = [], sources: [String] = [], types: [String] = [], sessions: [String] = []) {
        self.providers = providers.map(Glob.init)
        self.sources = sources.map(Glob.init)
        self.types = types.map(Glob.init)
        self.sessions = sessions.map(Glob.init)
    }

    /// Accepts every event.
    public static let all = EventFilter()

    public var acceptsEverything: Bool {
        providers.isEmpty && sources.isEmpty && types.isEmpty && sessions.isEmpty
    }

    /// `source` may be the configured source name (`recall`) or the CloudEvents form
    /// (`/sources/recall`): users write the name, the envelope carries the path.
    public func matches(provider: String, source: String, type: String, session: String?) -> Bool {
        if !providers.isEmpty, !providers.contains(where: { $0.matches(provider) }) { return false }
        if !sources.isEmpty {
            let name = source.hasPrefix("/sources/") ? String(source.dropFirst("/sources/".count)) : source
            if !sources.contains(where: { $0.matches(name) || $0.matches(source) }) { return false }
        }
        if !types.isEmpty, !types.contains(where: { $0.matches(type) }) { return false }
        if !sessions.isEmpty {
            // An event without a session cannot match a session filter.
            guard let session, sessions.contains(where: { $0.matches(session) }) else { return false }
        }
        return true
    }
}
