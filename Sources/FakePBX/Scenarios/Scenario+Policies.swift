import Foundation
import JSONSchema

extension Scenario {
    /// The `policies:` section: rate limits, fail2ban's jails and bans; each problem goes to `check`.
    mutating func readPolicies(_ policies: SpecReader, check: (() throws(SpecError) -> Void) -> Void) {
        check { () throws(SpecError) in
            try policies.rejectUnknown(["rate_limits", "rate_limit_key", "fail2ban_profile", "jails", "ban_action", "ignoreip"])
        }
        check { () throws(SpecError) in
            guard let value = try policies.member("rate_limits") else { return }
            if case .string("off") = value.value {
                for rateClass in RateLimitClass.allCases { rateLimits[rateClass] = .some(nil) }
                return
            }
            for key in try value.object().keys {
                let item = try value.required(key)
                guard let rateClass = RateLimitClass(rawValue: key) else {
                    throw item.error("unknown rate-limit class '\(key)'; expected standard, cdr or gateway")
                }
                rateLimits[rateClass] = try Scenario.rateRule(item)
            }
        }
        check { () throws(SpecError) in
            rateLimitKey = try policies.member("rate_limit_key")?.choice(RateLimitKey.self)
        }
        check { () throws(SpecError) in
            fail2banProfile = try policies.member("fail2ban_profile")?.choice(Fail2banProfile.self)
        }
        check { () throws(SpecError) in
            guard let value = try policies.member("jails") else { return }
            for key in try value.object().keys {
                let item = try value.required(key)
                guard JailName.all.contains(key) else {
                    throw item.error("unknown jail '\(key)'; expected \(JailName.all.joined(separator: " or "))")
                }
                let text = try item.string()
                if text == "off" {
                    jails[key] = .some(nil)
                    continue
                }
                guard let rule = JailRule(text) else {
                    throw item.error("'\(text)' is not valid; expected MAXRETRY/FINDTIME/BANTIME such as 20/60/3600 (FINDTIME at most 86400), or off")
                }
                jails[key] = rule
            }
        }
        check { () throws(SpecError) in
            banAction = try policies.member("ban_action")?.choice(BanAction.self)
        }
        check { () throws(SpecError) in
            guard let value = try policies.member("ignoreip") else { return }
            ignoreIP = try value.list().map { item throws(SpecError) in try Scenario.block(item) }
        }
    }

    /// The dataset file a scenario names, resolved for where the scenario comes from: beside a
    /// scenario file; inside `--scenario-dir` for one posted at run time; never for a bundle's.
    static func datasetFile(_ value: SpecReader, origin: Origin, scenarioFile file: String) throws(SpecError) -> String {
        let path = try value.string()
        switch origin {
        case .file:
            let resolved = path.hasPrefix("/") ? path : URL(fileURLWithPath: file).deletingLastPathComponent().appendingPathComponent(path).path
            guard FileManager.default.fileExists(atPath: resolved) else {
                throw value.error("no dataset file at \(resolved); give a path relative to the scenario file, or an absolute one")
            }
            return resolved
        case .posted(let folder):
            let root = URL(fileURLWithPath: folder).standardizedFileURL.path
            let resolved = URL(fileURLWithPath: path, relativeTo: URL(fileURLWithPath: root + "/")).standardizedFileURL.path
            guard resolved.hasPrefix(root == "/" ? "/" : root + "/") else {
                throw value.error("a scenario posted at run time reads files only inside the scenario folder \(root) (--scenario-dir)")
            }
            return resolved
        case .bundle:
            throw value.error(
                "a bundle's scenario cannot name a dataset file: a bundle never loads files outside itself; put the tenants in the bundle's state")
        }
    }
}
