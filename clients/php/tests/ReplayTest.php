<?php

declare(strict_types=1);

namespace FakePbx\Tests;

use FakePbx\Server;
use FakePbx\Tests\Support\Http;
use PHPUnit\Framework\TestCase;

/** A server replaying a recording (`--replay`): what it served, and a rewind. */
final class ReplayTest extends TestCase
{
    public function testReplayIsReportedAndRewound(): void
    {
        $server = Server::start(https: false, arguments: ['--replay', __DIR__ . '/../../../Recordings/ictvoip-docs.json']);
        $admin = $server->admin();
        $this->assertTrue($admin->replay()['enabled']);
        $chkcon = Http::post($server->apiUrl() . '/app/xml_cdr/chkcon.php', ['username' => 'admin', 'password' => 'your-password']);
        $this->assertSame('API Access Granted: Whitelisted IP', $chkcon['json']['message'] ?? null, $chkcon['body']);
        $this->assertSame(1, $admin->replay()['served']);
        $admin->rewindReplay();
        $this->assertSame('/app/xml_cdr/chkcon.php', $admin->replay()['recent'][0]['path']);
        $server->stop();
    }
}
