extension ContractRunner {
    /// How a run is going, so it stops before it can hurt itself: at the first refusal of the
    /// credentials or the address on a step that expects success, and when the target stops
    /// answering. Every further login failure would count towards the target's fail2ban jail
    /// (`fusionpbx`: 20 a minute on Debian, 10 in 10 minutes on Ubuntu) and ban this address, the
    /// control API and the rest of the run with it.
    struct Progress {
        /// Whether the target answered any request.
        private(set) var reachable = false
        /// Why the rest of the run is skipped, once it is.
        private(set) var stopped: String?
        private var unansweredInARow = 0

        mutating func answered() {
            reachable = true
            unansweredInARow = 0
        }

        mutating func unanswered() {
            unansweredInARow += 1
            if unansweredInARow >= 2 {
                stopped =
                    "stopped: the target stopped answering (connections reset or timed out twice in a row), as when its fail2ban bans this address; check its bans (fail2ban-client status) before running again"
            }
        }

        /// Stops the run when a step sent with the configured credentials was refused them (401) or
        /// refused this address (403), unless the step expects that refusal.
        mutating func refused(_ step: ContractCase.Step, status: Int, hasCredentials: Bool) {
            guard step.auth == .default, !step.invalid, [401, 403].contains(status), !(step.expectStatus?.contains(status) ?? false) else { return }
            switch status {
            case 401:
                stopped =
                    hasCredentials
                    ? "stopped after the first refused login (401): check --username/--password or --api-key, and --auth-profile; the rest was not sent, so the target's fail2ban jail does not ban this address"
                    : "stopped after the first refused login (401): this target wants credentials; give --username and --password, or --api-key"
            case 403:
                stopped =
                    "stopped after the first 403: this address is not whitelisted on the target; add it to the PBX's API whitelist (the Whitelist Manager, chkcon_whitelist.conf) and run again"
            default: break
            }
        }
    }
}
