import JSONSchema
import Logging
import ServiceLifecycle
import Synchronization

/// The timelines of the scenarios in force: steps waiting for their time or their call count, fired
/// once each, in order.
public final class ScenarioTimeline: Sendable {
    struct Pending {
        var scenario: String
        var index: Int
        var step: Scenario.Step
        var startedAt: Double
        var calls = 0
        var fired = false
    }

    private let pending = Mutex<[Pending]>([])
    /// Whether any step still waits, so a request costs one atomic load when none does.
    private let waiting = Atomic<Bool>(false)

    public init() {}

    /// Starts a scenario's faults and timeline on `server`, its relative times counted from now.
    func start(_ scenario: Scenario, on server: PBXServer) {
        let now = server.clock.now
        if let mode = scenario.tlsMode { server.tls?.mode = mode }
        for (document, pointer) in scenario.faults {
            if let fault = try? Fault(document, pointer: pointer, now: now, index: server.faults.list.count, defaultSeed: scenario.defaultSeed) {
                server.faults.add(fault)
            }
        }
        pending.withLock { pending in
            for (index, step) in scenario.timeline.enumerated() {
                pending.append(Pending(scenario: scenario.name, index: index, step: step, startedAt: now))
            }
            waiting.store(pending.contains { !$0.fired }, ordering: .releasing)
        }
        server.logger.info("scenario started", metadata: ["scenario": "\(scenario.name)", "steps": "\(scenario.timeline.count)"])
        tick(server)
    }

    /// Fires the time steps that are due, in order.
    func tick(_ server: PBXServer) {
        guard waiting.load(ordering: .acquiring) else { return }
        let now = server.clock.now
        let due = take { pending in
            if case .at(let seconds) = pending.step.trigger { return now >= pending.startedAt + seconds }
            return false
        }
        for item in due { fire(item, on: server) }
    }

    /// Counts an answered request for the call-count steps, firing those it completes.
    func observe(_ request: RequestTarget, server: PBXServer) {
        guard waiting.load(ordering: .acquiring) else { return }
        let due = take { pending in
            guard case .afterCalls(let count, let match) = pending.step.trigger,
                match.matches(request)
            else { return false }
            pending.calls += 1
            return pending.calls >= count
        }
        for item in due { fire(item, on: server) }
    }

    /// Marks and returns the steps `isDue` selects, in timeline order.
    private func take(_ isDue: (inout Pending) -> Bool) -> [Pending] {
        pending.withLock { pending in
            var due: [Pending] = []
            for index in pending.indices where !pending[index].fired {
                if isDue(&pending[index]) {
                    pending[index].fired = true
                    due.append(pending[index])
                }
            }
            waiting.store(pending.contains { !$0.fired }, ordering: .releasing)
            return due
        }
    }

    private func fire(_ item: Pending, on server: PBXServer) {
        server.logger.info("scenario step", metadata: ["scenario": "\(item.scenario)", "step": "\(item.index + 1)"])
        server.journal.event(
            "scenario-step", client: IPAddress("127.0.0.1")!, time: server.clock.now,
            detail: "scenario \(item.scenario), step \(item.index + 1) fired"
        )
        let controls = PBXControls(server: server)
        for action in item.step.actions { controls.perform(action, by: .scenario(item.scenario, step: item.index + 1)) }
    }

    /// The steps of every scenario started, for the control API.
    var json: JSONValue {
        .array(
            pending.withLock { pending in
                pending.map { item in
                    let trigger: JSONValue =
                        switch item.step.trigger {
                        case .at(let seconds): ["at": .double(seconds)]
                        case .afterCalls(let count, _): ["after_calls": .int(count), "calls": .int(item.calls)]
                        }
                    return ["scenario": .string(item.scenario), "step": .int(item.index + 1), "trigger": trigger, "fired": .bool(item.fired)]
                }
            })
    }

    /// Forgets every step.
    func reset() {
        pending.withLock { $0 = [] }
        waiting.store(false, ordering: .releasing)
    }
}

/// Fires time steps even when no request arrives, ten times a second; beats the journal feed's
/// heartbeat, and ends its streams when the server stops.
struct TimelineTicker: Service {
    let server: PBXServer
    /// Time between the feed's heartbeats.
    let heartbeat: Duration

    func run() async throws {
        // Open event streams end first, so the server's graceful shutdown does not wait on them.
        defer { server.journal.feed.finishAll() }
        try? await cancelWhenGracefulShutdown {
            var lastBeat = ContinuousClock.now
            while !Task.isCancelled {
                try await Task.sleep(for: .milliseconds(100))
                server.timeline.tick(server)
                if ContinuousClock.now - lastBeat >= heartbeat {
                    lastBeat = ContinuousClock.now
                    server.journal.feed.heartbeat()
                }
            }
        }
    }
}
