/// A fail2ban jail's numbers: `maxRetry` matches within `findTime` seconds ban the address for
/// `banTime` seconds.
public struct JailRule: Sendable, Hashable, CustomStringConvertible {
    public var maxRetry: Int
    public var findTime: Int
    public var banTime: Int

    public init(maxRetry: Int, findTime: Int, banTime: Int) {
        self.maxRetry = maxRetry
        self.findTime = findTime
        self.banTime = banTime
    }

    /// The longest find time: a jail keeps one counter per second of it for each address it counts.
    public static let maxFindTime = 86_400

    /// Parses `MAXRETRY/FINDTIME/BANTIME` (`20/60/3600`); FINDTIME at most a day (``maxFindTime``).
    public init?(_ text: String) {
        let parts = text.split(separator: "/").map { Int($0) }
        guard parts.count == 3, let maxRetry = parts[0], let findTime = parts[1], let banTime = parts[2],
            maxRetry > 0, (1...JailRule.maxFindTime).contains(findTime), banTime > 0
        else { return nil }
        self.init(maxRetry: maxRetry, findTime: findTime, banTime: banTime)
    }

    public var description: String { "\(maxRetry)/\(findTime)/\(banTime)" }
}

/// The jails fakepbx emulates, as FusionPBX's installer sets them up (fusionpbx-install.sh: `debian/resources/fail2ban.sh` and
/// `debian/resources/fail2ban/jail.local`; the same files under `ubuntu/`).
public enum JailName {
    /// Failed logins (FusionPBX's `fusionpbx` filter on auth.log).
    public static let fusionpbx = "fusionpbx"
    /// Every GET and POST (the `nginx-dos` filter on nginx's access log).
    public static let nginxDOS = "nginx-dos"
    /// GETs and POSTs answered 404 (the `nginx-404` filter on nginx's access log).
    public static let nginx404 = "nginx-404"
    public static let all = [fusionpbx, nginxDOS, nginx404]
}

/// FusionPBX's installed fail2ban settings, by distribution.
public enum Fail2banProfile: String, Sendable, Hashable, CaseIterable {
    /// debian/resources/fail2ban/jail.local: fusionpbx 20/60/3600, nginx-dos 800/60/86400,
    /// nginx-404 300/60/3600.
    case debian
    /// ubuntu/resources/fail2ban/jail.local: fusionpbx 10/600/3600, nginx-dos 300/60/86400,
    /// nginx-404 120/60/3600.
    case ubuntu
    /// The legacy `jail.package` (in FusionPBX's own source tree, master c7a00dc): fusionpbx 5/600/600 on ports 80 and 443; its
    /// other jail, freeswitch-dos 50/30/6000, watches SIP, which fakepbx does not speak.
    case package
    /// No jails.
    case off

    public var rules: [String: JailRule] {
        switch self {
        case .debian:
            [
                JailName.fusionpbx: .init(maxRetry: 20, findTime: 60, banTime: 3600),
                JailName.nginxDOS: .init(maxRetry: 800, findTime: 60, banTime: 86_400),
                JailName.nginx404: .init(maxRetry: 300, findTime: 60, banTime: 3600),
            ]
        case .ubuntu:
            [
                JailName.fusionpbx: .init(maxRetry: 10, findTime: 600, banTime: 3600),
                JailName.nginxDOS: .init(maxRetry: 300, findTime: 60, banTime: 86_400),
                JailName.nginx404: .init(maxRetry: 120, findTime: 60, banTime: 3600),
            ]
        case .package:
            [JailName.fusionpbx: .init(maxRetry: 5, findTime: 600, banTime: 600)]
        case .off:
            [:]
        }
    }
}

/// What a banned address sees.
public enum BanAction: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// The connection is reset as soon as it is accepted, as an iptables REJECT looks to an HTTP client.
    case reset
    /// Nothing is ever answered; the client times out (an iptables DROP).
    case drop
    /// HTTP 403 with the denial envelope (a softer emulation).
    case forbidden = "403"

    public var description: String { rawValue }
}
