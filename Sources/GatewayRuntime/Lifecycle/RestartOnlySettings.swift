// Settings a reload cannot change in place (bound sockets, opened storage, running sink workers,
// the log handler): a reload applies everything else and names these in a warning.

import GatewayConfig
import GatewayProviders

enum RestartOnlySettings {
    static func changes(from old: GatewayConfiguration, to new: GatewayConfiguration) -> [String] {
        var changed: [String] = []
        if old.server != new.server { changed.append("server") }
        if old.storage != new.storage { changed.append("storage") }
        // Sinks compare by content: their nodes carry line numbers, which move when lines are added above.
        if old.sinks.map({ $0.node.jsonValue() }) != new.sinks.map({ $0.node.jsonValue() }) { changed.append("sinks") }
        if old.admin != new.admin { changed.append("admin") }
        if old.log != new.log { changed.append("log") }
        return changed
    }
}
