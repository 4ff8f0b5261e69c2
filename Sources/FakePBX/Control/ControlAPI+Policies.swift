import Foundation
import Hummingbird
import JSONSchema

extension ControlAPI {
    /// fail2ban's jails and bans, and the rate-limit counters.
    static let policyRoutes: [ControlRoute] = [
        ControlRoute(.get, "jails") { api, call in api.json(.ok, api.jailsJSON(now: call.now)) },
        ControlRoute(.post, "jails", usage: "POST /__fakepbx/jails {\"fusionpbx\": \"20/60/3600\", \"nginx-dos\": \"off\"}") { api, call in
            let rules = try await api.ruleChanges(
                call.request, names: JailName.all, form: "MAXRETRY/FINDTIME/BANTIME (FINDTIME at most 86400)", example: "20/60/3600"
            ) {
                JailRule($0)
            }
            for (name, rule) in rules { api.server.policies.jails.setRule(rule, for: name) }
            return api.json(.ok, api.jailsJSON(now: call.now))
        },
        ControlRoute(.get, "bans") { api, call in api.json(.ok, ["bans": api.bansJSON(now: call.now)]) },
        ControlRoute(.post, "bans", usage: "POST /__fakepbx/bans {address, jail, seconds}") { api, call in
            let body = try await api.document(call.request, keys: ["address", "jail", "seconds"])
            guard let text = api.string(body, call.request, "address"), let address = IPAddress(text) else {
                throw Failure(
                    status: .badRequest,
                    message: "give the address to ban, e.g. {\"address\": \"203.0.113.5\", \"jail\": \"fusionpbx\", \"seconds\": 3600}")
            }
            let jail = api.string(body, call.request, "jail") ?? JailName.fusionpbx
            guard api.server.policies.jails.rules[jail] != nil else {
                let jails = api.server.policies.jails.rules.keys.sorted()
                throw Failure(
                    status: .badRequest,
                    message:
                        "there is no jail '\(jail)'; ban in one of \(jails.isEmpty ? "(none: every jail is off)" : jails.joined(separator: ", ")), or turn it on first (POST /__fakepbx/jails)"
                )
            }
            let seconds = try api.number(body, call.request, "seconds", in: InputLimits.seconds)
            let ban = api.controls.ban(address, jail: jail, seconds: seconds, by: .controlAPI(peer: call.peer))
            return api.json(.ok, ["ban": api.banJSON(ban)])
        },
        ControlRoute(.delete, "bans/ADDRESS") { api, call in
            let text = call.parameter
            guard let address = IPAddress(text.removingPercentEncoding ?? text) else {
                throw Failure(status: .badRequest, message: "'\(text)' is not an IP address")
            }
            let lifted = api.controls.unban(address, by: .controlAPI(peer: call.peer))
            return api.json(lifted ? .ok : .notFound, ["address": .string(address.description), "unbanned": .bool(lifted)])
        },
        ControlRoute(.delete, "bans") { api, call in
            api.controls.unbanAll(by: .controlAPI(peer: call.peer))
            return api.json(.ok, ["status": "every ban lifted"])
        },
        ControlRoute(.get, "ratelimits") { api, call in api.json(.ok, api.rateLimitsJSON(now: call.now)) },
        ControlRoute(.post, "ratelimits", usage: "POST /__fakepbx/ratelimits {\"cdr\": \"5/60\", \"standard\": \"off\"}") { api, call in
            let rules = try await api.ruleChanges(
                call.request, names: RateLimitClass.allCases.map(\.rawValue), form: "COUNT/SECONDS", example: "10/60"
            ) { RateLimitRule($0) }
            for (name, rule) in rules { api.server.policies.rateLimiter.setRule(rule, for: RateLimitClass(rawValue: name)!) }
            return api.json(.ok, api.rateLimitsJSON(now: call.now))
        },
        ControlRoute(.delete, "ratelimits") { api, _ in
            api.server.policies.rateLimiter.reset()
            return api.json(.ok, ["status": "counters reset"])
        },
    ]

    /// A JSON object of rules by name, each in the CLI's form or `off` (`nil`); 400 naming the first
    /// unknown name or unreadable rule.
    private func ruleChanges<Rule>(
        _ request: Request, names: [String], form: String, example: String, parse: (String) -> Rule?
    ) async throws -> [(String, Rule?)] {
        guard case .object(let object) = try await document(request, keys: names), !object.isEmpty else {
            throw Failure(
                status: .badRequest,
                message:
                    "give the rules to change as {\"\(names[0])\": \"\(example)\"}, each \(form) or \"off\"; names: \(names.joined(separator: ", "))")
        }
        return try object.map { member in
            guard let text = member.value.stringValue else {
                throw Failure(status: .badRequest, message: "\(member.key): give the rule as text, \(form) or \"off\", e.g. \"\(example)\"")
            }
            if text == "off" { return (member.key, nil) }
            guard let rule = parse(text) else {
                throw Failure(
                    status: .badRequest,
                    message: "\(member.key) '\(text.prefix(40))' is not valid; expected \(form) in whole numbers, e.g. \"\(example)\", or \"off\"")
            }
            return (member.key, rule)
        }
    }

    private func jailsJSON(now: Double) -> JSONValue {
        let jails = server.policies.jails
        let failures = jails.failures(now: now)
        let list: [JSONValue] = jails.rules.keys.sorted().map { name in
            let rule = jails.rules[name]!
            let counted: [JSONValue] = (failures[name] ?? [:]).sorted { $0.key.description < $1.key.description }.map {
                ["address": .string($0.key.description), "failures": .int($0.value)]
            }
            return [
                "name": .string(name), "maxretry": .int(rule.maxRetry), "findtime": .int(rule.findTime), "bantime": .int(rule.banTime),
                "failures": .array(counted),
            ]
        }
        return [
            "jails": .array(list), "ban_action": .string(server.policies.banAction.rawValue),
            "ignoreip": .array(jails.ignoreIP.map { .string($0.description) }), "bans": bansJSON(now: now),
        ]
    }

    private func rateLimitsJSON(now: Double) -> JSONValue {
        let limiter = server.policies.rateLimiter
        var rules = JSONObject()
        for rateClass in RateLimitClass.allCases {
            let rule = limiter.currentRules[rateClass]
            rules[rateClass.rawValue] = rule.map { ["limit": .int($0.limit), "window": .int($0.window)] } ?? .null
        }
        let counters: [JSONValue] = limiter.counters(now: now).map {
            [
                "class": .string($0.rateClass.rawValue), "key": .string($0.key), "count": .int($0.count), "limit": .int($0.limit),
                "reset": .int($0.reset),
            ]
        }
        return ["key": .string(limiter.keyedBy.rawValue), "rules": .object(rules), "counters": .array(counters)]
    }

    private func banJSON(_ ban: Jails.Ban) -> JSONValue {
        [
            "address": .string(ban.address.description), "jail": .string(ban.jail),
            "since": .string(Timestamp.iso8601(Int(ban.since))), "until": .string(Timestamp.iso8601(Int(ban.until))),
        ]
    }

    private func bansJSON(now: Double) -> JSONValue { .array(server.policies.jails.bans(now: now).map(banJSON)) }
}
