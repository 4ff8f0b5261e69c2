import NIOCore

extension Fault.Kind {
    /// Ends `channel` with no answer, as a fault that cuts the connection does: closed, reset, or held
    /// (bounded) and then closed. Nothing for the other kinds.
    func cut(_ channel: (any Channel)?) async {
        switch self {
        case .emptyReply:
            channel?.close(promise: nil)
        case .reset:
            try? await channel?.reset().get()
        case .hang(let seconds):
            // Bounded; over as soon as the client gives up, or the server shuts down (the task is cancelled).
            await withTaskGroup(of: Void.self) { group in
                group.addTask { try? await Task.sleep(for: .seconds(seconds)) }
                if let channel { group.addTask { try? await channel.closeFuture.get() } }
                await group.next()
                // Closing completes the close future, so the group can end (a future ignores cancellation).
                channel?.close(promise: nil)
                group.cancelAll()
            }
        default:
            break
        }
    }
}
