import ContractKit
import Testing

@testable import FakePBX

@Suite("Whitelist, CIDR and credentials")
struct AccessUnitTests {
    @Test func whitelistParsesCommentsBlankLinesAndCIDRs() throws {
        let text = """
            # chkcon_whitelist.conf
            #
            192.168.1.100
              10.10.50.0/24   # office

            2001:db8::/32
            """
        let whitelist = try Whitelist(parsing: text, source: "wl.conf")
        #expect(whitelist.entries.map(\.description) == ["192.168.1.100", "10.10.50.0/24", "2001:db8::/32"])
        #expect(whitelist.allows(IPAddress("10.10.50.77")!))
        #expect(!whitelist.allows(IPAddress("10.10.51.1")!))
        #expect(whitelist.allows(IPAddress("2001:db8:1::5")!))
        #expect(!whitelist.allows(IPAddress("192.168.1.101")!))
    }

    @Test(arguments: ["300.1.1.1", "10.0.0.0/33", "::1/129", "example.com", "10.0.0.1/", "10.0.0.1/a"])
    func badWhitelistLineNamesFileAndLine(_ line: String) {
        #expect {
            try Whitelist(parsing: "127.0.0.1\n# ok\n\(line)\n", source: "/etc/wl.conf")
        } throws: { error in
            (error as? FakePBXError)?.description
                == "/etc/wl.conf:3: '\(line)' is not an IP address or CIDR (write one address such as 192.168.1.100, or a block such as 192.168.1.0/24, per line; # starts a comment)"
        }
    }

    @Test func ipv4MappedIPv6PeersMatchIPv4Entries() throws {
        let whitelist = try Whitelist(parsing: "192.0.2.0/24", source: "x")
        #expect(whitelist.allows(IPAddress("::ffff:192.0.2.9")!))
        #expect(IPAddress("::ffff:192.0.2.9") == IPAddress("192.0.2.9"))
        #expect(!whitelist.allows(IPAddress("2001:db8::1")!))
    }

    @Test func cidrEdges() {
        #expect(CIDRBlock("0.0.0.0/0")!.contains(IPAddress("203.0.113.5")!))
        #expect(CIDRBlock("10.0.0.0/31")!.contains(IPAddress("10.0.0.1")!))
        #expect(!CIDRBlock("10.0.0.0/31")!.contains(IPAddress("10.0.0.2")!))
        #expect(CIDRBlock("fe80::/10")!.contains(IPAddress("febf::1")!))
        #expect(!CIDRBlock("fe80::/10")!.contains(IPAddress("fec0::1")!))
        // An IPv4 /0 must not swallow IPv6 addresses.
        #expect(!CIDRBlock("0.0.0.0/0")!.contains(IPAddress("2001:db8::1")!))
    }

    @Test func constantTimeComparison() {
        #expect(constantTimeEquals("your-password", "your-password"))
        #expect(!constantTimeEquals("your-passwore", "your-password"))
        #expect(!constantTimeEquals("your-password-and-more", "your-password"))
        #expect(!constantTimeEquals("", "x"))
        #expect(!constantTimeEquals("x", ""))
        #expect(constantTimeEquals("", ""))
    }

    @Test func credentialProfiles() {
        let credentials = Credentials(username: "api", password: "secret", apiKey: "key123")
        #expect(credentials.check(.init(), profile: .whitelistOnly) == .accepted)
        #expect(credentials.check(.init(username: "api", password: "secret"), profile: .password) == .accepted)
        #expect(credentials.check(.init(username: "api", password: "nope"), profile: .password) == .rejected)
        #expect(credentials.check(.init(apiKey: "key123"), profile: .password) == .missing)
        #expect(credentials.check(.init(apiKey: "key123"), profile: .multi) == .accepted)
        #expect(credentials.check(.init(username: "api", apiKey: "key123"), profile: .multi) == .accepted)
        #expect(credentials.check(.init(username: "other", apiKey: "key123"), profile: .multi) == .rejected)
        #expect(credentials.check(.init(apiKey: "wrong"), profile: .multi) == .rejected)
        #expect(credentials.check(.init(username: "api"), profile: .multi) == .missing)
        #expect(credentials.check(.init(username: "api", password: "secret"), profile: .multi) == .accepted)
        let keyless = Credentials(username: "api", password: "secret", apiKey: nil)
        #expect(keyless.check(.init(apiKey: "anything"), profile: .multi) == .rejected)
    }

    @Test func forwardedForIsTrustedOnlyFromConfiguredProxies() {
        let peer = IPAddress("127.0.0.1")!
        let none = ClientAddressResolver(trustedProxies: [])
        #expect(none.clientAddress(peer: peer, forwardedFor: ["203.0.113.9"]) == peer)

        let trusting = ClientAddressResolver(trustedProxies: [CIDRBlock("127.0.0.0/8")!, CIDRBlock("10.0.0.0/8")!])
        #expect(trusting.clientAddress(peer: peer, forwardedFor: ["203.0.113.9"]) == IPAddress("203.0.113.9"))
        // A client cannot forge its address by prepending entries: the rightmost untrusted hop wins.
        #expect(
            trusting.clientAddress(peer: peer, forwardedFor: ["127.0.0.1, 198.51.100.7, 10.1.1.1"]) == IPAddress("198.51.100.7")
        )
        #expect(trusting.clientAddress(peer: IPAddress("192.0.2.1")!, forwardedFor: ["127.0.0.1"]) == IPAddress("192.0.2.1"))
    }
}
