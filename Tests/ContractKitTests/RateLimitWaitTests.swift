import Foundation
import Testing

@testable import ContractKit

/// What `contract run` reads from a rate-limited answer. A server's headers are input: a hostile or
/// broken value is ignored (the 429 is reported as it is), never a crash.
@Suite("Rate-limit waits")
struct RateLimitWaitTests {
    let now = Date(timeIntervalSince1970: 1_795_435_200)

    @Test func wellFormedHeadersGiveTheWait() throws {
        #expect(RateLimitWait(headers: ["retry-after": "12"], now: now)?.duration == .seconds(12))
        #expect(RateLimitWait(headers: ["retry-after": "Mon, 23 Nov 2026 12:00:30 GMT"], now: now)?.duration == .seconds(30))
        #expect(RateLimitWait(headers: ["x-ratelimit-reset": "1795435245"], now: now)?.duration == .seconds(45))
        #expect(RateLimitWait(headers: ["x-ratelimit-reset": "7"], now: now)?.duration == .seconds(7))
        #expect(RateLimitWait(headers: ["retry-after": "3"], now: now)?.reason == "Retry-After: 3")
    }

    @Test(arguments: [
        ["retry-after": "9223372036854775807"], ["retry-after": "99999999999999999999"], ["retry-after": "-5"],
        ["x-ratelimit-reset": "1e300"], ["x-ratelimit-reset": "nan"], ["x-ratelimit-reset": "inf"],
        ["x-ratelimit-reset": "-1"], ["retry-after": "soon"], ["retry-after": "86401"],
    ])
    func hostileHeadersAreIgnored(_ headers: [String: String]) {
        #expect(RateLimitWait(headers: headers, now: now) == nil, "\(headers)")
    }
}
