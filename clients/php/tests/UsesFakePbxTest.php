<?php

declare(strict_types=1);

namespace FakePbx\Tests;

use FakePbx\Fault;
use FakePbx\PHPUnit\UsesFakePbx;
use FakePbx\Tests\Support\Http;
use PHPUnit\Framework\AssertionFailedError;
use PHPUnit\Framework\TestCase;

/** The PHPUnit integration: a server per class, reset before each test, and its assertions. */
final class UsesFakePbxTest extends TestCase
{
    use UsesFakePbx;

    protected static function fakePbxArguments(): array
    {
        return ['--pbx-version', '5.5.7'];
    }

    public function testTheClassesServerHasItsArguments(): void
    {
        $this->assertSame('5.5.7', self::fakePbxAdmin()->health()['pbx_version']);
    }

    public function testAFaultAddedInOneTest(): void
    {
        self::fakePbxAdmin()->addFault(Fault::status(503));
        self::fakePbxAdmin()->freezeClock();
        $this->assertSame(503, Http::status(self::fakePbx())['status']);
    }

    /**
     * @depends testAFaultAddedInOneTest
     */
    #[\PHPUnit\Framework\Attributes\Depends('testAFaultAddedInOneTest')]
    public function testIsGoneInTheNext(): void
    {
        $this->assertSame([], self::fakePbxAdmin()->faults());
        $this->assertFalse(self::fakePbxAdmin()->clock()->frozen);
        $this->assertSame([], self::fakePbxAdmin()->journal(), 'the journal starts empty');
        $this->assertSame(200, Http::status(self::fakePbx())['status']);
    }

    public function testAssertCalledCountsRequests(): void
    {
        Http::status(self::fakePbx());
        Http::status(self::fakePbx());
        $this->assertCalled('status', times: 2);
        $client = self::fakePbxAdmin()->journal()[0]->client;
        $this->assertCalled('status', min: 1, max: 2, status: 200, method: 'POST', client: $client);
        $this->assertCalled('/app/status/index.php');
        $this->assertNeverCalled('export_cdr');
        $this->assertNeverCalled('status', status: 429);
    }

    public function testAFailedAssertCalledNamesWhatCameAndTheNearestEntries(): void
    {
        self::fakePbxAdmin()->setRateLimits(['standard' => '1/60']);
        Http::status(self::fakePbx());
        Http::status(self::fakePbx());
        try {
            $this->assertCalled('status', times: 1, message: 'the module retried');
        } catch (AssertionFailedError $failure) {
            $message = $failure->getMessage();
            $this->assertStringContainsString('the module retried', $message);
            $this->assertStringContainsString('expected exactly 1 matching requests, found 2', $message);
            $this->assertStringContainsString('nearest journal entries:', $message);
            $this->assertMatchesRegularExpression('#POST /app/status/index.php \(status\) -> 429 \[rate-limit:standard\]#', $message);
            return;
        }
        $this->fail('assertCalled passed for a count that differs');
    }

    public function testAssertNeverCalledFailsWithTheEntriesThatCame(): void
    {
        Http::status(self::fakePbx());
        try {
            $this->assertNeverCalled('status');
        } catch (AssertionFailedError $failure) {
            $this->assertStringContainsString('expected exactly 0 matching requests, found 1', $failure->getMessage());
            $this->assertStringContainsString('-> 200', $failure->getMessage());
            return;
        }
        $this->fail('assertNeverCalled passed after a call');
    }

    public function testAFailingTestsMessageEndsWithTheJournal(): void
    {
        Http::post(self::fakePbx()->apiUrl() . '/app/status/index.php', ['username' => 'admin', 'password' => 'wrong'], self::fakePbx()->caFile);
        $failure = new AssertionFailedError('the module reported success');
        try {
            $this->onNotSuccessfulTest($failure);
        } catch (AssertionFailedError $thrown) {
            $this->assertSame($failure, $thrown, 'the same failure, its class and trace kept');
            $this->assertStringStartsWith("the module reported success\n\nfakepbx journal, the last 1 entries:", $thrown->getMessage());
            $this->assertStringContainsString('-> 401 [auth-failed]', $thrown->getMessage());
        }
        $error = new \TypeError('a module error');
        try {
            $this->onNotSuccessfulTest($error);
        } catch (\TypeError $thrown) {
            $this->assertStringContainsString('-> 401 [auth-failed]', $thrown->getMessage());
        }
    }

    public function testPHPUnit10AndLaterGetTheJournalOnAnErrorBeforeTheyReportIt(): void
    {
        Http::status(self::fakePbx());
        $error = new \RuntimeException('the module gave up');
        $this->assertSame($error, $this->transformException($error));
        $this->assertStringContainsString("the module gave up\n\nfakepbx journal, the last 1 entries:", $error->getMessage());
        $this->onNotSuccessfulTestOnce($error);
        $this->assertSame(1, substr_count($error->getMessage(), 'fakepbx journal'), 'added once, though both hooks run');
    }

    private function onNotSuccessfulTestOnce(\Throwable $error): void
    {
        try {
            $this->onNotSuccessfulTest($error);
        } catch (\Throwable) {
        }
    }
}
