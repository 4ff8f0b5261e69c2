import FakePBX
import Foundation
import TestSupport
import Testing

/// What a TLS scanner (sslyze, from PyPI) finds on the HTTPS listener: the protocols and cipher suites
/// of stock FusionPBX's nginx as docs/https.md lists them.
@Suite struct TLSScanTests {
    static let tls13 = ["TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256"]

    static func scan(_ server: TestServer) async throws -> [String: [String]] {
        let port = try #require(server.httpsPort)
        let result = try await runProcess(try python3(), [repositoryFile("scripts/tls/scan.py").path, "127.0.0.1:\(port)"])
        #expect(result.status == 0, "\(result.stderr)")
        return try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: [String]], "\(result.stdout)")
    }

    @Test func anRSACertificateOffersWhatAFusionPBXInstallOffers() async throws {
        try await withHTTPSFakePBX { server, _ in
            let accepted = try await Self.scan(server)
            #expect(
                accepted == [
                    "SSLv2": [], "SSLv3": [], "TLSv1.0": [], "TLSv1.1": [],
                    "TLSv1.2": ["AES256-SHA", "ECDHE-RSA-AES128-GCM-SHA256", "ECDHE-RSA-AES256-GCM-SHA384", "ECDHE-RSA-CHACHA20-POLY1305"],
                    "TLSv1.3": Self.tls13,
                ])
        }
    }

    @Test func anECDSACertificateOffersTheListsECDSASuites() async throws {
        try await withHTTPSFakePBX({ $0.tls.keyType = .ecdsa }) { server, _ in
            let accepted = try await Self.scan(server)
            #expect(accepted["TLSv1.2"] == ["ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-ECDSA-AES256-GCM-SHA384", "ECDHE-ECDSA-CHACHA20-POLY1305"])
            #expect(accepted["TLSv1.3"] == Self.tls13)
            #expect(accepted["TLSv1.0"] == [] && accepted["TLSv1.1"] == [])
        }
    }
}
