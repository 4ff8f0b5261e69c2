<?php

declare(strict_types=1);

// Used by scripts/bench/php-client: start-up to the first answer, and the reset between tests.

require __DIR__ . '/../../clients/php/autoload.php';

use FakePbx\Server;

[, $binary, $runs, $resets] = $argv;
$median = static function (array $values): float {
    sort($values);
    $middle = intdiv(count($values), 2);
    return count($values) % 2 ? $values[$middle] : ($values[$middle - 1] + $values[$middle]) / 2;
};
$status = static function (Server $server): int {
    $curl = curl_init($server->apiUrl() . '/app/status/index.php');
    curl_setopt_array($curl, [
        CURLOPT_POSTFIELDS => 'username=admin&password=your-password',
        CURLOPT_RETURNTRANSFER => true,
        CURLOPT_CAINFO => $server->caFile,
    ]);
    curl_exec($curl);
    return (int) curl_getinfo($curl, CURLINFO_RESPONSE_CODE);
};

$starts = [];
for ($run = 0; $run < (int) $runs; $run++) {
    $began = hrtime(true);
    $server = Server::start(binary: $binary, arguments: ['--log-level', 'error']);
    $answered = $status($server);
    $starts[] = (hrtime(true) - $began) / 1e6;
    $server->stop();
    if ($answered !== 200) {
        fwrite(STDERR, "the first status call answered {$answered}\n");
        exit(1);
    }
}

$server = Server::start(binary: $binary, arguments: ['--log-level', 'error']);
$admin = $server->admin();
$times = [];
for ($run = 0; $run < (int) $resets; $run++) {
    $status($server); // something in the journal and a rate-limit counter to clear
    $began = hrtime(true);
    $admin->reset();
    $times[] = (hrtime(true) - $began) / 1e6;
}
$server->stop();

$uname = php_uname('m');
$cores = (int) shell_exec('nproc');
echo "machine: {$uname}, {$cores} cores, PHP " . PHP_VERSION . ", curl " . curl_version()['version'] . ", {$binary}\n";
sort($starts);
sort($times);
$start = $median($starts);
$reset = $median($times);
printf("Server::start() to the first status answer over HTTPS, %d runs: median %.1f ms, min %.1f, max %.1f -> limit 1000 ms %s\n",
    count($starts), $start, $starts[0], end($starts), $start < 1000 ? 'met' : 'NOT met');
printf("Admin::reset() on the kept connection, %d resets: median %.2f ms, p90 %.2f, max %.2f -> limit 10 ms %s\n",
    count($times), $reset, $times[(int) (count($times) * 0.9) - 1], end($times), $reset < 10 ? 'met' : 'NOT met');
