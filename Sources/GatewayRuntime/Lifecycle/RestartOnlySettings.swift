// Settings a reload cannot change in place (bound sockets, opened storage, the log handler): a
// reload applies everything else (sources, providers, sinks) and names these in a warning.

import GatewayConfig

enum RestartOnlySettings {
    static func changes(from old: GatewayConfiguration, to new: GatewayConfiguration) -> [String] {
        var changed: [String] = []
        if old.server != new.server { changed.append("server") }
        if old.storage != new.storage { changed.append("storage") }
        if old.admin != new.admin { changed.append("admin") }
        if old.log != new.log { changed.append("log") }
        return changed
    }
}
