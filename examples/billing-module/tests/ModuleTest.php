<?php

declare(strict_types=1);

namespace IctvoipDemo\Tests;

use FakePbx\Fault;
use FakePbx\PHPUnit\UsesFakePbx;
use FakePbx\TlsMode;
use IctvoipDemo\CdrImporter;
use IctvoipDemo\CdrStore;
use IctvoipDemo\PbxClient;
use IctvoipDemo\PbxException;
use PHPUnit\Framework\TestCase;

/**
 * The module against fakepbx, over HTTPS with the fake's CA: what it does on a good night, and on
 * the nights a real PBX has (a 429, a ban, an expired certificate, an export cut short, midnight).
 */
final class ModuleTest extends TestCase
{
    use UsesFakePbx;

    /** The seconds the module asked to wait, in order. */
    private array $waits = [];

    /** WHMCS's $params for a service on the fake (the ictVoIP documentation's credentials). */
    private function params(string $extension = '2001'): array
    {
        $server = self::fakePbx();
        return [
            'serverhostname' => parse_url($server->apiUrl(), PHP_URL_HOST) . ':' . parse_url($server->apiUrl(), PHP_URL_PORT),
            'serversecure' => 'on',
            'serverusername' => 'admin',
            'serverpassword' => 'your-password',
            'ca_file' => $server->caFile,
            'password' => 'S3cure-Extension-Pass',
            'clientsdetails' => ['fullname' => 'Ada Lovelace'],
            'customfields' => ['Extension' => $extension, 'Domain' => 'yourdomain.com'],
            // Retry-After is waited out on the fake's clock, not in real time.
            'sleep' => $this->sleeper(),
        ];
    }

    private function sleeper(): \Closure
    {
        return function (int $seconds): void {
            $this->waits[] = $seconds;
            self::fakePbxAdmin()->advanceClock($seconds);
        };
    }

    private function importer(CdrStore $store): CdrImporter
    {
        $params = $this->params();
        return new CdrImporter(PbxClient::fromParams($params, $params['sleep']), $store, static fn () => self::fakePbxAdmin()->clock()->now);
    }

    public function testProvisionSuspendAndImportOnAGoodNight(): void
    {
        $this->assertTrue(ictvoipdemo_TestConnection($this->params())['success']);
        $this->assertSame('success', ictvoipdemo_CreateAccount($this->params()));
        $this->assertSame('success', ictvoipdemo_SuspendAccount($this->params()));
        $this->assertCalled('manage_extension.create', times: 1, status: 200);
        $this->assertCalled('manage_extension.disable', times: 1, status: 200);
        $extension = self::fakePbxAdmin()->journal(endpoint: 'manage_extension.create')[0];
        $this->assertSame('[redacted]', $extension->fields['extension_password'], 'the journal never shows the password');

        self::fakePbxAdmin()->setClock('2026-12-03T06:00:00Z');
        $store = new CdrStore();
        $imported = $this->importer($store)->importYesterday();
        $this->assertGreaterThan(0, $imported);
        $this->assertCount($imported, $store->day('2026-12-02'));
        $this->assertSame(0, $this->importer($store)->importYesterday(), 'a day is imported once');
        $this->assertCalled('export_cdr', times: 1);
    }

    public function testA429IsRetriedAfterItsRetryAfter(): void
    {
        $admin = self::fakePbxAdmin();
        $admin->setRateLimits(['cdr' => '1/60']);
        $admin->setClock('2026-12-03T06:00:00Z');
        $admin->freezeClock();
        $this->importer(new CdrStore())->importYesterday();

        $imported = $this->importer(new CdrStore())->importYesterday();

        $this->assertGreaterThan(0, $imported);
        $this->assertCalled('export_cdr', times: 1, status: 429, message: 'one 429, then a wait for Retry-After');
        $this->assertCalled('export_cdr', times: 2, status: 200);
        $limited = $admin->journal(endpoint: 'export_cdr', status: 429)[0];
        $headers = array_change_key_case($admin->journalEntry($limited->sequence)->raw['answer']['headers']);
        $retryAfter = (int) $headers['retry-after'];
        $this->assertSame([$retryAfter], $this->waits, 'waited exactly what Retry-After said');
    }

    public function testABannedServerIsReportedAndTheBanEndsOnTheFakesClock(): void
    {
        $this->assertTrue(ictvoipdemo_TestConnection($this->params())['success']);
        // The address the fake sees this WHMCS call from (127.0.0.1, or a private one into a container).
        $whmcs = self::fakePbxAdmin()->journal(endpoint: 'status')[0]->client;
        self::fakePbxAdmin()->ban($whmcs, 'fusionpbx', 3600);

        $result = ictvoipdemo_TestConnection($this->params());

        $this->assertFalse($result['success']);
        $this->assertStringContainsString('banned by fail2ban', $result['error']);
        // Refused at the connection, never answered. (Not counted exactly: the TLS close of the
        // connection the first call used may reach the fake after the ban, and is refused too.)
        $this->assertGreaterThanOrEqual(1, self::fakePbxAdmin()->journalCount(event: 'connection-refused'));
        $this->assertCalled('status', times: 1, message: 'only the call before the ban was answered');
        self::fakePbxAdmin()->advanceClock(3601);
        $this->assertTrue(ictvoipdemo_TestConnection($this->params())['success']);
    }

    public function testAnExpiredCertificateStopsProvisioningBeforeAnythingIsSent(): void
    {
        self::fakePbxAdmin()->setTlsMode(TlsMode::Expired);

        $result = ictvoipdemo_CreateAccount($this->params());

        $this->assertStringStartsWith('The PBX certificate is not valid', $result);
        $this->assertStringContainsString('certificate has expired', $result);
        $this->assertNeverCalled('manage_extension');
        $this->assertSame('tls-handshake-failed', self::fakePbxAdmin()->awaitEvent(['event' => 'tls-handshake-failed'], after: 0)->event);
    }

    public function testAnExportCutShortIsAskedForAgainAndNeverStoredHalf(): void
    {
        $admin = self::fakePbxAdmin();
        $admin->setClock('2026-12-03T06:00:00Z');
        $admin->addFault(Fault::truncate(200)->matching(endpoint: 'export_cdr')->when(first: 1));
        $store = new CdrStore();

        $imported = $this->importer($store)->importYesterday();

        $this->assertGreaterThan(0, $imported);
        $this->assertCalled('export_cdr', times: 2);

        $admin->addFault(Fault::truncate(200)->matching(endpoint: 'export_cdr'));
        $admin->advanceClock(86400);
        try {
            $this->importer($store)->importYesterday();
            $this->fail('an export cut short twice was taken');
        } catch (PbxException $cut) {
            $this->assertTrue($cut->isCutShort(), $cut->getMessage());
        }
        $this->assertFalse($store->hasDay('2026-12-03'), 'nothing of a broken export is stored');
    }

    public function testPastMidnightTheNextDayIsImported(): void
    {
        $admin = self::fakePbxAdmin();
        $admin->setClock('2026-12-02T23:59:30Z');
        $admin->freezeClock();
        $store = new CdrStore();
        $importer = $this->importer($store);
        $this->assertSame('2026-12-01', $importer->yesterday());
        $importer->importYesterday();

        $admin->advanceClock(60);

        $this->assertSame('2026-12-02', $importer->yesterday());
        $this->assertGreaterThan(0, $importer->importYesterday());
        $days = array_map(static fn ($entry) => $entry->fields['date_start'], $admin->journal(endpoint: 'export_cdr'));
        $this->assertSame(['2026-12-01', '2026-12-02'], $days);
        foreach ($store->day('2026-12-02') as $record) {
            $this->assertLessThanOrEqual($admin->clock()->epoch, (float) $record['end_epoch'], 'only calls ended by the fake\'s clock');
        }
    }
}
