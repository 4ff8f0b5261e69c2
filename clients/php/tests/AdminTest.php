<?php

declare(strict_types=1);

namespace FakePbx\Tests;

use FakePbx\ControlApiException;
use FakePbx\Fault;
use FakePbx\PHPUnit\UsesFakePbx;
use FakePbx\Tests\Support\Http;
use FakePbx\TlsMode;
use PHPUnit\Framework\TestCase;

/** Every control-API operation through Admin, against a real server, each checked by its effect. */
final class AdminTest extends TestCase
{
    use UsesFakePbx;

    public function testHealthNamesTheVersion(): void
    {
        $health = self::fakePbxAdmin()->health();
        $this->assertSame('ok', $health['status']);
        $this->assertSame('5.4.9', $health['pbx_version']);
    }

    public function testResetListsWhatItResetAndCanKeepTheJournal(): void
    {
        $admin = self::fakePbxAdmin();
        Http::status(self::fakePbx());
        $this->assertContains('faults', $admin->reset(keepJournal: true));
        $this->assertSame(1, $admin->journalCount(endpoint: 'status'));
        $this->assertContains('journal', $admin->reset(initialDataset: true));
        $this->assertSame(0, $admin->journalCount(endpoint: 'status'));
    }

    public function testTheDashboardOpensAtItsAddress(): void
    {
        $curl = curl_init(self::fakePbxAdmin()->dashboardUrl());
        curl_setopt($curl, CURLOPT_RETURNTRANSFER, true);
        $page = (string) curl_exec($curl);
        $this->assertSame(200, curl_getinfo($curl, CURLINFO_RESPONSE_CODE));
        $this->assertStringContainsString('<html', $page);
    }

    public function testStateRoundTripsAndReplacesTheTenants(): void
    {
        $admin = self::fakePbxAdmin();
        $state = $admin->state();
        $this->assertNotEmpty($state['domains']);
        $state['domains'][0]['domain_description'] = 'replaced through the control API';
        $admin->replaceState($state);
        $this->assertSame('replaced through the control API', $admin->state()['domains'][0]['domain_description']);
        $admin->replaceState(json_encode($state));
        $admin->reset(initialDataset: true);
        $this->assertNotSame('replaced through the control API', $admin->state()['domains'][0]['domain_description']);
    }

    public function testWhitelistIsReadReplacedAndExtended(): void
    {
        $admin = self::fakePbxAdmin();
        $client = Http::clientAddress(self::fakePbx());
        $this->assertNotEmpty($admin->whitelist());
        $this->assertSame(['192.0.2.0/24'], $admin->setWhitelist(['192.0.2.0/24']));
        $this->assertSame(403, Http::status(self::fakePbx())['status'], 'not whitelisted any more');
        $this->assertContains($client, $admin->allow($client));
        $this->assertSame(200, Http::status(self::fakePbx())['status']);
    }

    public function testJailsBansAndUnbans(): void
    {
        $admin = self::fakePbxAdmin();
        $admin->setJails(['fusionpbx' => '3/600/3600']);
        $jails = array_column($admin->jails()['jails'], null, 'name');
        $this->assertSame(3, $jails['fusionpbx']['maxretry']);
        $client = Http::clientAddress(self::fakePbx());
        $ban = $admin->ban($client, 'fusionpbx', 600);
        $this->assertSame($client, $ban['address']);
        $this->assertCount(1, $admin->bans());
        $refused = Http::status(self::fakePbx());
        $this->assertNotSame(0, $refused['errno'], 'a banned address is refused at the connection');
        $admin->unban($client);
        $this->assertSame([], $admin->bans());
        $admin->ban('10.1.2.3');
        $admin->unban();
        $this->assertSame([], $admin->bans());
    }

    public function testABanInAJailThatIsOffIsRefusedWithTheServersReason(): void
    {
        $admin = self::fakePbxAdmin();
        $admin->setJails(['nginx-dos' => 'off']);
        try {
            $admin->ban('10.1.2.3', 'nginx-dos');
            $this->fail('expected a refusal');
        } catch (ControlApiException $refusal) {
            $this->assertSame(400, $refusal->status);
            $this->assertStringContainsString('nginx-dos', $refusal->serverMessage);
            $this->assertStringContainsString('POST /__fakepbx/bans', $refusal->getMessage());
        }
    }

    public function testRateLimitsAreSetAndTheirCountersEmptied(): void
    {
        $admin = self::fakePbxAdmin();
        $admin->setRateLimits(['standard' => '1/60']);
        $this->assertSame(200, Http::status(self::fakePbx())['status']);
        $limited = Http::status(self::fakePbx());
        $this->assertSame(429, $limited['status']);
        $this->assertNotEmpty($admin->rateLimits()['counters']);
        $admin->resetRateLimitCounters();
        $this->assertSame([], $admin->rateLimits()['counters']);
        $this->assertSame(200, Http::status(self::fakePbx())['status']);
    }

    public function testFaultsAreAddedListedAndRemoved(): void
    {
        $admin = self::fakePbxAdmin();
        $ids = $admin->addFault(Fault::status(503)->withId('down')->matching(endpoint: 'status')->when(first: 1), Fault::latency(1));
        $this->assertCount(2, $ids);
        $this->assertSame('down', $ids[0]);
        $this->assertSame(503, Http::status(self::fakePbx())['status']);
        $this->assertSame(200, Http::status(self::fakePbx())['status']);
        $faults = array_column($admin->faults(), null, 'id');
        $this->assertSame(1, $faults['down']['fired']);
        $admin->removeFault('down');
        $this->assertSame([$ids[1]], array_column($admin->faults(), 'id'));
        $admin->clearFaults();
        $this->assertSame([], $admin->faults());
    }

    public function testScenariosLoadFromTextAndFile(): void
    {
        $admin = self::fakePbxAdmin();
        $admin->loadScenario("name: soon-banned\ntimeline:\n  - at: 60\n    ban: {address: 10.1.2.3, jail: fusionpbx, seconds: 60}\n");
        $this->assertCount(1, $admin->scenarioSteps());
        $admin->loadScenarioFile(__DIR__ . '/../../../scenarios/gateway-down.yaml');
        $this->assertGreaterThan(1, count($admin->scenarioSteps()));
        try {
            $admin->loadScenario("name: broken\ntimeline:\n  - at: soon\n");
            $this->fail('expected a refusal');
        } catch (ControlApiException $refusal) {
            $this->assertMatchesRegularExpression('/3:\d+/', $refusal->serverMessage, 'the line and column of the mistake');
        }
    }

    public function testTheClockFreezesMovesAndComesBack(): void
    {
        $admin = self::fakePbxAdmin();
        $this->assertFalse($admin->clock()->frozen);
        $frozen = $admin->freezeClock();
        $this->assertTrue($frozen->frozen);
        $this->assertEqualsWithDelta($frozen->epoch + 86400, $admin->advanceClock(86400)->epoch, 0.001);
        $set = $admin->setClock(new \DateTimeImmutable('2026-12-02T23:59:00Z'));
        $this->assertSame('2026-12-02 23:59:00', $set->now->format('Y-m-d H:i:s'));
        $this->assertSame(1796256000.0, $admin->setClock(1796256000)->epoch);
        $this->assertSame('2026-12-03T00:00:00+00:00', $admin->setClock('2026-12-03T00:00:00Z')->now->format('c'));
        $this->assertSame(1796256000.0, $admin->setClock('2026-12-03T01:00:00+01:00')->epoch, 'an RFC 3339 offset');
        $this->assertSame(1796256000.0, $admin->setClock(new \DateTimeImmutable('2026-12-03T01:00:00+01:00'))->epoch);
        $this->assertFalse($admin->resumeClock()->frozen);
        $this->assertEqualsWithDelta(time(), $admin->resetClock()->epoch, 60);
    }

    public function testTheJournalListsCountsAndShowsAnswers(): void
    {
        $admin = self::fakePbxAdmin();
        Http::status(self::fakePbx());
        Http::post(self::fakePbx()->apiUrl() . '/app/status/index.php', ['username' => 'admin', 'password' => 'wrong'], self::fakePbx()->caFile);
        $entries = $admin->journal(endpoint: 'status');
        $this->assertSame([200, 401], array_map(static fn ($entry) => $entry->status, $entries));
        $this->assertSame(1, $admin->journalCount(endpoint: 'status', status: 401));
        $this->assertCount(1, $admin->journal(status: 401, limit: 5));
        $entry = $admin->journalEntry($entries[1]->sequence);
        $this->assertSame(401, $entry->raw['answer']['status']);
        $this->assertStringContainsString('Authentication Failed', json_encode($entry->raw['answer']['body']));
        $har = $admin->journalHar(endpoint: 'status');
        $this->assertCount(2, $har['log']['entries']);
        $admin->clearJournal();
        $this->assertSame([], $admin->journal());
    }

    public function testVerifyReportsWhatHeldAndTheNearestEntries(): void
    {
        $admin = self::fakePbxAdmin();
        Http::status(self::fakePbx());
        $this->assertTrue($admin->verify(['endpoint' => 'status', 'count' => 1])->verified);
        $failed = $admin->verify(['endpoint' => 'status', 'count' => 2], ['endpoint' => 'export_cdr', 'never' => true]);
        $this->assertFalse($failed->verified);
        $this->assertFalse($failed->expectations[0]['holds']);
        $this->assertTrue($failed->expectations[1]['holds']);
        $this->assertStringContainsString('expected exactly 2 matching requests, found 1', $failed->failureReport());
        $this->assertStringContainsString('/app/status/index.php (status) -> 200', $failed->failureReport());
    }

    public function testAwaitEventWaitsForTheEntryWithoutMissingOneThatCameFirst(): void
    {
        $admin = self::fakePbxAdmin();
        $admin->ban('10.1.2.3', 'fusionpbx', 60);
        $ban = $admin->awaitEvent(['event' => 'ban-started'], after: 0, timeout: 10);
        $this->assertSame('ban-started', $ban->event);
        $this->assertSame('10.1.2.3', $ban->client);
        $admin->freezeClock();
        $admin->advanceClock(120);
        $this->assertSame('clock', $admin->awaitEvent(['event' => 'clock'], after: $ban->sequence)->event);
    }

    public function testViolationsAreListedAndCleared(): void
    {
        $admin = self::fakePbxAdmin();
        $this->assertFalse($admin->violations()['enabled']);
        $admin->clearViolations();
        $this->assertSame(0, $admin->violations()['count']);
    }

    public function testTheTlsModeSwitchesAndTheCaIsServed(): void
    {
        $admin = self::fakePbxAdmin();
        $this->assertSame('valid', $admin->tls()['mode']);
        $this->assertStringStartsWith('-----BEGIN CERTIFICATE-----', $admin->caCertificate());
        $this->assertSame(0, Http::status(self::fakePbx())['errno']);
        $admin->setTlsMode(TlsMode::Expired);
        $this->assertSame('expired', $admin->tls()['mode']);
        $expired = Http::status(self::fakePbx());
        $this->assertSame(60, $expired['errno'], $expired['error']); // CURLE_PEER_FAILED_VERIFICATION
        $this->assertStringContainsString('expired', $expired['error']);
    }
}
