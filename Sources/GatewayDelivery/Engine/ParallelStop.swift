// Runs a few blocking calls on their own threads and waits for all of them (engine shutdown).

import Dispatch
import Foundation

final class DispatchGroupBox: Sendable {
    private let group = DispatchGroup()

    func run(_ body: @escaping @Sendable () -> Void) {
        group.enter()
        let g = group
        Thread { body(); g.leave() }.start()
    }

    func wait() { group.wait() }
}
