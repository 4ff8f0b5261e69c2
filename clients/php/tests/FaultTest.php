<?php

declare(strict_types=1);

namespace FakePbx\Tests;

use FakePbx\ControlApiException;
use FakePbx\Fault;
use FakePbx\PHPUnit\UsesFakePbx;
use FakePbx\Tests\Support\Http;
use PHPUnit\Framework\TestCase;

/** Every fault kind with its own parameters, as the server takes and lists it. */
final class FaultTest extends TestCase
{
    use UsesFakePbx;

    /** @return array<string, array{Fault, array<string, mixed>}> */
    public static function kinds(): array
    {
        return [
            'latency' => [Fault::latency(20, jitter: 5), ['type' => 'latency', 'ms' => 20, 'jitter' => 5]],
            'status' => [Fault::status(502, body: 'Bad Gateway'), ['type' => 'status', 'status' => 502, 'body' => 'Bad Gateway']],
            'malformed-json' => [Fault::malformedJson(), ['type' => 'malformed-json']],
            'truncate' => [Fault::truncate(10), ['type' => 'truncate', 'bytes' => 10]],
            'empty-reply' => [Fault::emptyReply(), ['type' => 'empty-reply']],
            'reset' => [Fault::reset(), ['type' => 'reset']],
            'hang' => [Fault::hang(2.5), ['type' => 'hang', 'seconds' => 2.5]],
            'slow-drip' => [Fault::slowDrip(1000), ['type' => 'slow-drip', 'rate' => 1000]],
            'login-page' => [Fault::loginPage(), ['type' => 'login-page']],
            'login-redirect' => [Fault::loginRedirect(), ['type' => 'login-redirect']],
            'content-type' => [Fault::contentType('text/html'), ['type' => 'content-type', 'content_type' => 'text/html']],
            'version' => [Fault::version('5.5.7'), ['type' => 'version', 'version' => '5.5.7']],
            'tls-reset' => [Fault::tlsReset(), ['type' => 'tls-reset']],
            'tls-close' => [Fault::tlsClose(), ['type' => 'tls-close']],
            'tls-hang' => [Fault::tlsHang(3), ['type' => 'tls-hang', 'seconds' => 3]],
            'tls-garbage' => [Fault::tlsGarbage(), ['type' => 'tls-garbage']],
        ];
    }

    /**
     * @dataProvider kinds
     * @param array<string, mixed> $listed
     */
    #[\PHPUnit\Framework\Attributes\DataProvider('kinds')]
    public function testTheServerTakesAndListsEachKind(Fault $fault, array $listed): void
    {
        $admin = self::fakePbxAdmin();
        [$id] = $admin->addFault($fault->matching(client: '10.200.0.0/16'));
        $faults = array_column($admin->faults(), null, 'id');
        foreach ($listed as $key => $value) {
            $this->assertEquals($value, $faults[$id][$key], "{$key} of {$listed['type']}");
        }
    }

    public function testMatchWhenAndCommitAreSentAsWritten(): void
    {
        $fault = Fault::status(503)->withId('every-third')->matching(endpoint: ['export_cdr', 'status'], method: 'POST')
            ->when(every: 3, for: 600)->committed();
        $this->assertSame(
            ['type' => 'status', 'status' => 503, 'id' => 'every-third', 'match' => ['endpoint' => ['export_cdr', 'status'], 'method' => 'POST'],
                'when' => ['every' => 3, 'for' => 600.0], 'commit' => true],
            $fault->toArray(),
        );
        self::fakePbxAdmin()->addFault($fault);
        $statuses = array_map(static fn () => Http::status(self::fakePbx())['status'], range(1, 3));
        $this->assertSame([200, 200, 503], $statuses);
        $this->assertCalled('status', times: 1, status: 503);
    }

    public function testAFaultTheServerRefusesCarriesItsReason(): void
    {
        $this->expectException(ControlApiException::class);
        $this->expectExceptionMessage('status');
        self::fakePbxAdmin()->addFault(Fault::status(100));
    }

    public function testATruncatedAnswerReachesTheClientCut(): void
    {
        self::fakePbxAdmin()->addFault(Fault::truncate(10)->matching(endpoint: 'status'));
        $cut = Http::status(self::fakePbx());
        $this->assertSame(18, $cut['errno'], 'CURLE_PARTIAL_FILE: ' . $cut['error']);
    }
}
