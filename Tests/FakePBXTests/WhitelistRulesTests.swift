import FakePBX
import Foundation
import TestSupport
import Testing

/// The whitelist's matching rules (README, "Access"), checked against an independent reference:
/// Python's `ipaddress` module, over thousands of random addresses and blocks.
@Suite("Whitelist matching rules")
struct WhitelistRulesTests {
    /// A small seeded generator, so a failure reproduces.
    struct Generator {
        var state: UInt64
        mutating func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
    }

    static let reference = #"""
        import ipaddress, json, sys
        def block(text):
            address, slash, prefix = text.partition("/")
            if slash and not (prefix.isdigit() and prefix.isascii()):
                return None
            try:
                ip = ipaddress.ip_address(address)
            except ValueError:
                return None
            if ip.version == 6 and ip.ipv4_mapped is not None:
                length = int(prefix) if slash else 128
                if not 96 <= length <= 128:
                    return None
                return ipaddress.ip_network(f"{ip.ipv4_mapped}/{length - 96}", strict=False)
            try:
                return ipaddress.ip_network(text, strict=False)
            except ValueError:
                return None
        def client(text):
            ip = ipaddress.ip_address(text)
            return (ip.ipv4_mapped if ip.version == 6 else None) or ip
        for line in sys.stdin:
            entry, peer = json.loads(line)
            network, address = block(entry), client(peer)
            print("invalid" if network is None else str(network.version == address.version and address in network).lower())
        """#

    func python() throws -> String {
        let candidates =
            ["/usr/bin/python3", "/usr/local/bin/python3"]
            + (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map { "\($0)/python3" }
        guard let python = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw RawHTTPClient.Failure("this test checks the whitelist against Python's ipaddress module, and no python3 is installed")
        }
        return python
    }

    func cases(count: Int) -> [(String, String)] {
        var random = Generator(state: 2026)
        func v4() -> [Int] { (0..<4).map { _ in [0, 10, 127, 192, 255, random.next(256)][random.next(6)] } }
        func v6() -> [Int] { (0..<8).map { _ in [0, 0xffff, 0x2001, 0xdb8, random.next(65536)][random.next(5)] } }
        func text4(_ parts: [Int]) -> String { parts.map(String.init).joined(separator: ".") }
        func text6(_ parts: [Int]) -> String { parts.map { String($0, radix: 16) }.joined(separator: ":") }
        var cases: [(String, String)] = []
        for _ in 0..<count {
            let ipv4 = v4()
            let ipv6 = v6()
            // A client near the block: some low bits changed, or another family's form.
            var near4 = ipv4
            near4[3 - random.next(2)] = random.next(256)
            var near6 = ipv6
            near6[7 - random.next(3)] = random.next(65536)
            let entry: String
            switch random.next(6) {
            case 0: entry = text4(ipv4) + "/\(random.next(33))"
            case 1: entry = text6(ipv6) + "/\(random.next(129))"
            case 2: entry = "::ffff:" + text4(ipv4) + "/\(96 + random.next(33))"
            case 3: entry = "::ffff:" + text4(ipv4) + "/\(random.next(96))"  // invalid: mapped form under 96
            case 4: entry = ["::/0", "0.0.0.0/0", "::ffff:0:0/96", text4(ipv4), "::ffff:" + text4(ipv4)][random.next(5)]
            default: entry = text4(ipv4) + ["/+8", "/33", "/", "/08"][random.next(4)]
            }
            let client =
                switch random.next(4) {
                case 0: text4(near4)
                case 1: "::ffff:" + text4(near4)
                case 2: text6(near6)
                default: text4(ipv4)
                }
            cases.append((entry, client))
        }
        return cases
    }

    @Test("the cases that used to surprise: a signed prefix, mapped entries, ::/0")
    func pinnedCases() throws {
        #expect(CIDRBlock("10.0.0.0/+8") == nil)
        #expect(CIDRBlock("10.0.0.0/8 ") == nil)
        let mapped = try #require(CIDRBlock("::ffff:10.1.2.3/128"))
        #expect(mapped.contains(IPAddress("10.1.2.3")!) && mapped.contains(IPAddress("::ffff:10.1.2.3")!))
        #expect(mapped.description == "10.1.2.3")
        let mappedNet = try #require(CIDRBlock("::ffff:10.0.0.0/104"))
        #expect(mappedNet.description == "10.0.0.0/8" && mappedNet.contains(IPAddress("10.200.1.1")!))
        #expect(CIDRBlock("::ffff:10.0.0.0/64") == nil, "a mapped entry's prefix is 96-128")
        let allV6 = try #require(CIDRBlock("::/0"))
        #expect(
            allV6.contains(IPAddress("2001:db8::1")!) && !allV6.contains(IPAddress("10.0.0.1")!) && !allV6.contains(IPAddress("::ffff:10.0.0.1")!))
        #expect(!CIDRBlock("0.0.0.0/0")!.contains(IPAddress("2001:db8::1")!))
    }

    @Test("3000 random entries and clients: fakepbx decides as the reference does, invalid entries included")
    func againstReference() async throws {
        let cases = cases(count: 3000)
        let reference = try await withTemporaryDirectory { folder in
            let script = folder.appendingPathComponent("reference.py")
            let input = folder.appendingPathComponent("cases.jsonl")
            try Self.reference.write(to: script, atomically: true, encoding: .utf8)
            let lines = try cases.map { String(decoding: try JSONSerialization.data(withJSONObject: [$0.0, $0.1]), as: UTF8.self) }
            try (lines.joined(separator: "\n") + "\n").write(to: input, atomically: true, encoding: .utf8)
            let result = try await runProcess("/bin/sh", ["-c", "\"$0\" \"$1\" < \"$2\"", try python(), script.path, input.path])
            #expect(result.status == 0, "\(result.stderr)")
            return result.stdout.split(separator: "\n").map(String.init)
        }
        try #require(reference.count == cases.count)
        var disagreements: [String] = []
        for (index, (entry, client)) in cases.enumerated() {
            let ours = CIDRBlock(entry).map { String($0.contains(IPAddress(client)!)) } ?? "invalid"
            if ours != reference[index] { disagreements.append("\(entry) vs \(client): fakepbx \(ours), reference \(reference[index])") }
        }
        #expect(disagreements.isEmpty, "\(disagreements.count) disagreements, first: \(disagreements.prefix(5))")
        #expect(Set(reference) == ["true", "false", "invalid"], "the cases cover matches, misses and invalid entries")
    }
}
