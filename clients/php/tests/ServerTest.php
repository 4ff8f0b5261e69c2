<?php

declare(strict_types=1);

namespace FakePbx\Tests;

use FakePbx\FakePbxException;
use FakePbx\Server;
use FakePbx\Tests\Support\Http;
use PHPUnit\Framework\TestCase;

/** Starting, attaching to and stopping servers, and the errors that say why one did not start. */
final class ServerTest extends TestCase
{
    public function testAStartedServerAnswersOverHttpsWithItsCaAndStopsWhenAsked(): void
    {
        $server = Server::start();
        $this->assertMatchesRegularExpression('#^https://127\.0\.0\.1:\d+$#', $server->apiUrl());
        $this->assertFileExists((string) $server->caFile);
        $this->assertSame(200, Http::status($server)['status']);
        $this->assertStringContainsString('listening on', $server->output());
        $pid = $server->pid;
        $server->stop();
        $server->stop();
        $this->assertFileDoesNotExist((string) $server->caFile, 'its files are removed');
        $this->assertFileDoesNotExist("/proc/{$pid}", 'the process has ended and was reaped');
    }

    public function testHttpOnlyWhenAsked(): void
    {
        $server = Server::start(https: false, arguments: ['--pbx-version', '5.3.9']);
        $this->assertNull($server->httpsUrl);
        $this->assertNull($server->caFile);
        $this->assertSame($server->url, $server->apiUrl());
        $this->assertSame('5.3.9', $server->admin()->health()['pbx_version']);
    }

    public function testTheControlApiStaysReachableWhenTheModulesAddressIsBanned(): void
    {
        $server = Server::start();
        $server->admin()->ban(Http::clientAddress($server), 'fusionpbx', 600);
        $this->assertNotSame(0, Http::status($server)['errno'], 'the API port refuses the banned address');
        $this->assertContains('bans', $server->admin()->reset());
        $this->assertSame(200, Http::status($server)['status']);
    }

    public function testAnAdminTokenIsSentOnEveryControlCall(): void
    {
        $server = Server::start(adminToken: 'php-client-token');
        $this->assertSame([], $server->admin()->faults());
        $this->assertStringEndsWith('?token=php-client-token', $server->admin()->dashboardUrl());
    }

    public function testAttachingFindsTheCaAndStoppingLeavesTheServerRunning(): void
    {
        $started = Server::start();
        $attached = Server::attach($started->url, $started->httpsUrl, adminUrl: $started->adminUrl);
        $this->assertNotSame($started->caFile, $attached->caFile);
        $this->assertSame(file_get_contents((string) $started->caFile), file_get_contents((string) $attached->caFile));
        $this->assertSame(200, Http::status($attached)['status']);
        $attached->stop();
        $this->assertSame(200, Http::status($started)['status'], 'an attached server is not stopped');
    }

    public function testTheTestProcesssFakepbxVariablesDoNotConfigureAServerItStarts(): void
    {
        putenv('FAKEPBX_ADMIN_TOKEN=from-the-environment');
        try {
            $server = Server::start(environment: ['FAKEPBX_PBX_VERSION' => '5.3.9']);
        } finally {
            putenv('FAKEPBX_ADMIN_TOKEN');
        }
        $this->assertSame('5.3.9', $server->admin()->health()['pbx_version']);
        $this->assertSame([], $server->admin()->faults(), 'no token was asked for');
    }

    public function testAnAttachedServerCannotTakeAClasssServeOptions(): void
    {
        $started = Server::start(https: false);
        putenv("FAKEPBX_URL={$started->url}");
        try {
            Server::fromEnvironment(['--pbx-version', '5.5.7']);
            $this->fail('expected an error');
        } catch (FakePbxException $error) {
            $this->assertSame('usage', $error->errorCode);
            $this->assertStringContainsString('--pbx-version 5.5.7', $error->getMessage());
            $this->assertStringContainsString('unset FAKEPBX_URL', $error->getMessage());
        } finally {
            putenv('FAKEPBX_URL');
        }
        putenv("FAKEPBX_URL={$started->url}");
        try {
            $this->assertSame($started->url, Server::fromEnvironment()->url);
        } finally {
            putenv('FAKEPBX_URL');
        }
    }

    public function testAMissingBinaryIsNamedWithTheWaysToGiveIt(): void
    {
        try {
            Server::start(binary: '/nonexistent/fakepbx');
            $this->fail('expected an error');
        } catch (FakePbxException $error) {
            $this->assertSame('server-start', $error->errorCode);
            $this->assertStringContainsString('/nonexistent/fakepbx is not an executable file', $error->getMessage());
            $this->assertStringContainsString('FAKEPBX_BINARY', $error->getMessage());
        }
    }

    public function testAServerThatExitsAtStartSaysWhatItPrinted(): void
    {
        try {
            Server::start(arguments: ['--rate-limit', 'cdr=often']);
            $this->fail('expected an error');
        } catch (FakePbxException $error) {
            $this->assertStringContainsString('fakepbx serve exited with status', $error->getMessage());
            $this->assertStringContainsString('often', $error->getMessage(), "the server's own message");
        }
    }

    public function testAServerThatIsNotThereIsATransportError(): void
    {
        // Port 1 (tcpmux) is served by nothing here: a port a stopped server freed could be taken
        // by another test's server at once.
        $url = 'http://127.0.0.1:1';
        try {
            Server::attach($url);
            $this->fail('expected an error');
        } catch (FakePbxException $error) {
            $this->assertSame('transport', $error->errorCode);
            $this->assertStringContainsString("is fakepbx running at {$url}?", $error->getMessage());
        }
    }

    /**
     * @group image
     */
    #[\PHPUnit\Framework\Attributes\Group('image')]
    public function testTheImageStartsWithDockerOrPodman(): void
    {
        $image = getenv('FAKEPBX_IMAGE');
        $this->assertNotFalse($image, 'set FAKEPBX_IMAGE to the loaded image (fakepbx:0.1.0) to run the image group');
        $server = Server::container($image, environment: ['FAKEPBX_PBX_VERSION' => '5.5.7']);
        $this->assertSame('5.5.7', $server->admin()->health()['pbx_version']);
        $this->assertSame(200, Http::status($server)['status']);
        $server->admin()->ban('10.1.2.3');
        $this->assertCount(1, $server->admin()->bans());
        $server->stop();
    }
}
