<?php

declare(strict_types=1);

// The package README's example: README.md holds everything below the namespace as written here.

namespace FakePbx\Tests;

use FakePbx\Fault;
use FakePbx\PHPUnit\UsesFakePbx;
use PHPUnit\Framework\TestCase;

final class ReadmeExampleTest extends TestCase
{
    use UsesFakePbx;

    public function testAStatusCallSurvivesOne503(): void
    {
        self::fakePbxAdmin()->addFault(Fault::status(503)->matching(endpoint: 'status')->when(first: 1));
        $server = self::fakePbx();

        foreach ([1, 2] as $attempt) {
            $curl = curl_init($server->apiUrl() . '/app/status/index.php');
            curl_setopt_array($curl, [
                CURLOPT_POSTFIELDS => 'username=admin&password=your-password',
                CURLOPT_RETURNTRANSFER => true,
                CURLOPT_CAINFO => $server->caFile,
            ]);
            curl_exec($curl);
        }

        $this->assertSame(200, curl_getinfo($curl, CURLINFO_RESPONSE_CODE));
        $this->assertCalled('status', times: 1, status: 503);
        $this->assertCalled('status', times: 2);
    }
}
