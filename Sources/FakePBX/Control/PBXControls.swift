import JSONSchema
import Logging

/// The operations on a running fake PBX that the control API, scenario timelines and scenario
/// loading share: bans, the clock, the TLS mode, faults, the whitelist, rate limits and gateway
/// states. Each is written once here, with its log line and journal event, whoever asks for it.
struct PBXControls: Sendable {
    let server: PBXServer

    /// Who asked, as the journal tells it.
    enum Actor: Sendable, CustomStringConvertible {
        case controlAPI(peer: IPAddress)
        case scenario(String, step: Int)

        /// The client the journal shows an event under.
        var client: IPAddress {
            switch self {
            case .controlAPI(let peer): peer
            case .scenario: IPAddress("127.0.0.1")!
            }
        }

        public var description: String {
            switch self {
            case .controlAPI: "through the control API"
            case .scenario(let name, let step): "by scenario \(name), step \(step)"
            }
        }
    }

    /// A change to the virtual clock.
    enum ClockChange: Sendable {
        case freeze, resume
        case advance(Double)
        case set(Double)
        case reset

        var name: String {
            switch self {
            case .freeze: "freeze"
            case .resume: "resume"
            case .advance: "advance"
            case .set: "set"
            case .reset: "reset"
            }
        }
    }

    @discardableResult
    func ban(_ address: IPAddress, jail: String, seconds: Double?, by actor: Actor) -> Jails.Ban {
        let now = server.clock.now
        let ban = server.policies.jails.ban(address, jail: jail, seconds: seconds, now: now)
        server.journal.event(
            "ban-started", client: address, time: now, applied: ["ban:\(ban.jail)"],
            detail: "banned \(actor) until \(Timestamp.iso8601(Int(ban.until)))"
        )
        return ban
    }

    /// Lifts the ban on `address`; whether there was one.
    @discardableResult
    func unban(_ address: IPAddress, by actor: Actor) -> Bool {
        let lifted = server.policies.jails.unban(address)
        if lifted { server.journal.event("ban-lifted", client: address, time: server.clock.now, detail: "unbanned \(actor)") }
        return lifted
    }

    func unbanAll(by actor: Actor) {
        for ban in server.policies.jails.bans(now: server.clock.now) { unban(ban.address, by: actor) }
    }

    /// Changes the clock and journals it. A change through the control API lets the scenario steps
    /// now due fire at once; a scenario's own change leaves them to the next tick.
    func clock(_ change: ClockChange, by actor: Actor) {
        let clock = server.virtualClock
        switch change {
        case .freeze: clock.freeze()
        case .resume: clock.resume()
        case .advance(let seconds): clock.advance(by: seconds)
        case .set(let epoch): clock.set(to: epoch)
        case .reset: clock.reset()
        }
        let now = server.clock.now
        server.journal.event("clock", client: actor.client, time: now, detail: "clock \(change.name) \(actor); now \(Timestamp.iso8601(Int(now)))")
        if case .controlAPI = actor { server.timeline.tick(server) }
    }

    /// The HTTPS listener's certificate for new connections; `false` without HTTPS.
    @discardableResult
    func setTLSMode(_ mode: TLSMode, by actor: Actor) -> Bool {
        guard let tls = server.tls else { return false }
        tls.mode = mode
        server.logger.notice("TLS mode changed", metadata: ["mode": "\(mode.rawValue)", "by": "\(actor)"])
        server.journal.event("tls-mode", client: actor.client, time: server.clock.now, detail: "TLS mode \(mode.rawValue) \(actor)")
        return true
    }

    func addFaults(_ faults: [Fault]) { for fault in faults { server.faults.add(fault) } }

    /// Removes the fault `id`; whether there was one.
    @discardableResult
    func removeFault(id: String) -> Bool { server.faults.remove(id: id) }

    func clearFaults() { server.faults.removeAll() }

    /// Sets the simulated state of the gateways called `name`.
    func setGatewayState(_ name: String, to state: String) {
        _ = try? server.store.write { dataset in
            for index in dataset.gateways.indices where dataset.gateways[index].name == name {
                dataset.gateways[index].simulatedState = state
            }
        }
    }

    /// Returns the server to the state it started in: faults, scenario steps (the start-up
    /// scenarios' armed again, their times counted from now), rate-limit rules and counters, jail
    /// rules, bans and failures, the whitelist, the TLS mode, the clock, violations and (with
    /// `journal`) the journal. Returns what it reset, in that order. The tenant data is the caller's.
    func restart(journal: Bool) -> [String] {
        var reset = ["faults", "scenario steps", "rate limits", "rate-limit counters", "jails", "bans", "whitelist"]
        server.faults.removeAll()
        server.timeline.reset()
        server.policies.rateLimiter.restoreRules()
        server.policies.rateLimiter.reset()
        server.policies.jails.restoreRules()
        server.policies.jails.reset()
        server.access.restoreWhitelist()
        if let tls = server.tls {
            tls.mode = tls.startMode
            reset.append("TLS mode")
        }
        server.virtualClock.restart()
        reset.append("clock")
        if let verifier = server.clientVerifier {
            verifier.clear()
            reset.append("violations")
        }
        if journal {
            server.journal.clear()
            reset.append("journal")
        }
        for scenario in server.startScenarios { server.timeline.start(scenario, on: server) }
        return reset
    }

    /// Loads a scenario at run time: its whitelist, rate limits and jails, then its timeline.
    func start(_ scenario: Scenario) {
        if let whitelist = scenario.whitelist { server.access.replaceWhitelist(whitelist) }
        server.policies.apply(scenario)
        server.timeline.start(scenario, on: server)
    }

    /// One step's action of a scenario timeline.
    func perform(_ action: Scenario.Step.Action, by actor: Actor) {
        switch action {
        case .addFault(let document, let pointer):
            if let fault = try? Fault(document, pointer: pointer, now: server.clock.now, index: server.faults.list.count) { addFaults([fault]) }
        case .removeFault(let id): removeFault(id: id)
        case .clearFaults: clearFaults()
        case .ban(let address, let jail, let seconds): ban(address, jail: jail, seconds: seconds, by: actor)
        case .unban(let address): unban(address, by: actor)
        case .whitelist(let whitelist): server.access.replaceWhitelist(whitelist)
        case .whitelistAdd(let block): server.access.addToWhitelist(block)
        case .advanceClock(let seconds): clock(.advance(seconds), by: actor)
        case .freezeClock: clock(.freeze, by: actor)
        case .resumeClock: clock(.resume, by: actor)
        case .tlsMode(let mode): setTLSMode(mode, by: actor)
        case .gatewayState(let name, let state): setGatewayState(name, to: state)
        case .rateLimit(let rateClass, let rule): server.policies.rateLimiter.setRule(rule, for: rateClass)
        }
    }
}
