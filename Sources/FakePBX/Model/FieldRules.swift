import Foundation

/// Field checks shared by dataset loading and the API, so a value the API refuses is refused in a file too.
/// Each returns `nil` when the value is fine, or what is expected.
enum FieldRules {
    static func domainName(_ value: String) -> String? {
        if IPAddress(value) != nil { return nil }
        let labels = value.split(separator: ".", omittingEmptySubsequences: false)
        let ok =
            labels.count >= 2 && value.count <= 253
            && labels.allSatisfy { label in
                !label.isEmpty && label.count <= 63 && label.first != "-" && label.last != "-"
                    && label.allSatisfy { ($0.isASCII && ($0.isLowercase || $0.isNumber)) || $0 == "-" }
            }
        return ok ? nil : "a lower-case domain name such as tenant1.pbx.example.com (or the server's IP address)"
    }

    static func extensionNumber(_ value: String) -> String? {
        (2...10).contains(value.count) && value.allSatisfy { $0.isASCII && $0.isNumber }
            ? nil : "2 to 10 digits, such as 1001"
    }

    static func phoneNumber(_ value: String) -> String? {
        let digits = value.hasPrefix("+") ? value.dropFirst() : Substring(value)
        return (3...20).contains(digits.count) && digits.allSatisfy { $0.isASCII && $0.isNumber }
            ? nil : "3 to 20 digits with an optional leading +, such as 12085551234"
    }

    /// A UUID as PostgreSQL prints one (8-4-4-4-12 hex digits), as the contracts' `uuid`.
    static func uuid(_ value: String) -> String? {
        let groups = value.split(separator: "-", omittingEmptySubsequences: false)
        let ok = groups.map(\.utf8.count) == [8, 4, 4, 4, 12] && groups.allSatisfy { $0.unicodeScalars.allSatisfy(\.properties.isASCIIHexDigit) }
        return ok ? nil : "a UUID such as 550e8400-e29b-41d4-a716-446655440000"
    }

    /// The tz database's names and UTC, as the contracts' `timeZone` lists them (Foundation also takes
    /// abbreviations and offsets such as GMT+5, which FusionPBX does not store).
    static let timeZones: Set<String> = Set(TimeZone.knownTimeZoneIdentifiers).union(["UTC", "GMT"])

    static func timeZone(_ value: String) -> String? {
        timeZones.contains(value) ? nil : "an IANA time zone such as America/Toronto or Australia/Sydney"
    }

    static func regex(_ value: String) -> String? {
        do {
            _ = try Regex(value)
            return nil
        } catch {
            return "a valid regular expression such as ^(\\d{10})$ (\(error))"
        }
    }

    static func ipAddress(_ value: String) -> String? {
        IPAddress(value) != nil ? nil : "an IPv4 or IPv6 address"
    }

    static func cidr(_ value: String) -> String? {
        CIDRBlock(value) != nil ? nil : "an IP address or CIDR block such as 192.168.1.0/24"
    }

    static func port(_ value: Int) -> String? {
        (1...65535).contains(value) ? nil : "a port from 1 to 65535"
    }

    static func gatewayName(_ value: String) -> String? {
        !value.isEmpty && value.count <= 64 && value.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "_.-".contains($0)) }
            ? nil : "1 to 64 letters, digits, '_', '.' or '-', such as primary_gateway"
    }

    /// As the contracts' `hostPort`: letters, digits, '.', '-', ':' and the brackets of an IPv6 literal.
    static func host(_ value: String) -> String? {
        !value.isEmpty && value.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || ".-:[]".contains($0)) })
            ? nil : "a SIP server address such as sip.provider.com or sip.provider.com:5060"
    }

    /// The ranges and choices the API enforces on numbers and enumerations, one place for both.
    static let callTimeout = 1...3600
    static let limitMax = 0...1000
    static let gatewaySeconds = 1...86_400
    /// A registration's interval (SIP `Expires`): up to a day, so expiry arithmetic stays in range.
    static let registrationSeconds = 1...86_400
    static let registerTransports: Set<String> = ["udp", "tcp", "tls"]

    static func range(_ value: Int, _ range: ClosedRange<Int>) -> String? {
        range.contains(value) ? nil : "a whole number from \(range.lowerBound) to \(range.upperBound)"
    }

    static func oneOf(_ value: String, _ allowed: Set<String>) -> String? {
        allowed.contains(value) ? nil : "one of: \(allowed.sorted().joined(separator: ", "))"
    }
}
