<?php

declare(strict_types=1);

namespace FakePbx;

/**
 * A fakepbx server for a test: started from the binary (on a free port, found through its port
 * file), started from the container image (docker or podman), or attached to by URL. It knows its
 * addresses and the CA file for `CURLOPT_CAINFO`, gives the control API ({@see admin()}), and stops
 * what it started when stopped or destroyed.
 *
 * A server it starts has the control API on a port of its own (`--admin-port`), where bans do not
 * apply: a test that bans 127.0.0.1, the address its module calls from, can still reset.
 */
final class Server
{
    private ?Admin $admin = null;

    /** The server's process id, when this object started it from the binary. */
    public ?int $pid = null;

    /**
     * @param \Closure(): void|null $stopper stops what was started; null when attached
     */
    private function __construct(
        public readonly string $url,
        public readonly string $adminUrl,
        public readonly ?string $httpsUrl,
        public readonly ?string $caFile,
        public readonly ?string $adminToken,
        private ?\Closure $stopper,
        private readonly ?string $logFile = null,
    ) {
    }

    public function __destruct()
    {
        $this->stop();
    }

    /**
     * Starts `fakepbx serve` on free loopback ports (HTTP, and HTTPS with a CA file unless
     * `$https` is false) and returns once it listens.
     *
     * @param string|null $binary the executable; default `FAKEPBX_BINARY`, else `fakepbx` on the PATH
     * @param list<string> $arguments more `serve` options: `['--scenario', 'night-run.yaml']`
     * @param array<string, string> $environment variables for the server (`FAKEPBX_*`); the
     *                                          test process's own `FAKEPBX_*` are not passed on
     */
    public static function start(
        ?string $binary = null,
        array $arguments = [],
        bool $https = true,
        ?string $adminToken = null,
        array $environment = [],
        float $timeout = 15.0,
    ): self {
        $binary = self::executable($binary);
        $folder = self::temporaryFolder();
        // The server's standard input is a pipe this process holds: when the process ends, however
        // it ends, the pipe closes and the server stops with it (--stop-when-stdin-closes).
        $command = [
            $binary, 'serve', '--stop-when-stdin-closes',
            '--port', '0', '--port-file', "{$folder}/port", '--admin-port', '0', '--admin-port-file', "{$folder}/admin-port",
        ];
        if ($https) {
            array_push($command, '--https-port', '0', '--https-port-file', "{$folder}/https-port", '--tls-ca-out', "{$folder}/ca.pem");
        }
        if ($adminToken !== null) {
            array_push($command, '--admin-token', $adminToken);
        }
        $command = array_merge($command, $arguments);
        $log = "{$folder}/serve.log";
        // Only what is given here configures the server: the test process's FAKEPBX_* variables
        // (FAKEPBX_ADMIN_TOKEN, FAKEPBX_PORT…) are not passed on.
        $inherited = array_filter(getenv(), static fn (string $name) => !str_starts_with($name, 'FAKEPBX_'), ARRAY_FILTER_USE_KEY);
        $variables = array_merge($inherited, $environment);
        $process = proc_open($command, [0 => ['pipe', 'r'], 1 => ['file', $log, 'a'], 2 => ['file', $log, 'a']], $pipes, null, $variables);
        if ($process === false) {
            self::removeFolder($folder);
            throw new FakePbxException('server-start', "cannot run {$binary}: check that it is an executable file");
        }
        $input = $pipes[0]; // held by the closure below; proc_close() closes it
        $stop = static function () use ($process, $folder, $input): void {
            self::terminate($process);
            self::removeFolder($folder);
        };
        $wanted = $https ? ['port', 'admin-port', 'https-port'] : ['port', 'admin-port'];
        $deadline = microtime(true) + $timeout;
        // The port file exists exactly while the server listens (written atomically once it does).
        while (($ports = self::readPorts($folder, $wanted)) === null) {
            $status = proc_get_status($process);
            if (!$status['running'] || microtime(true) > $deadline) {
                $why = $status['running'] ? "did not listen within {$timeout} s" : "exited with status {$status['exitcode']}";
                $output = trim((string) @file_get_contents($log));
                $stop();
                throw new FakePbxException('server-start', "fakepbx serve {$why}: " . implode(' ', array_map('escapeshellarg', $command)) . "\n{$output}");
            }
            usleep(2000);
        }
        $https = isset($ports['https-port']) ? "https://127.0.0.1:{$ports['https-port']}" : null;
        $server = new self("http://127.0.0.1:{$ports['port']}", "http://127.0.0.1:{$ports['admin-port']}", $https, $https !== null ? "{$folder}/ca.pem" : null, $adminToken, \Closure::fromCallable($stop), $log);
        $server->pid = proc_get_status($process)['pid'];
        return $server;
    }

    /**
     * Starts the container image with its ports published on loopback and returns once its health
     * route answers.
     *
     * @param string $image the image as loaded or pulled: `fakepbx:0.1.0`
     * @param string|null $engine `docker` or `podman`; default `FAKEPBX_CONTAINER_ENGINE`, else
     *                            podman when on the PATH, else docker
     * @param array<string, string> $environment the image's `FAKEPBX_*` variables
     * @param list<string> $arguments `serve` options (files they name must be in the container)
     */
    public static function container(
        string $image,
        ?string $engine = null,
        array $environment = [],
        array $arguments = [],
        float $timeout = 60.0,
    ): self {
        $engine ??= (getenv('FAKEPBX_CONTAINER_ENGINE') ?: null) ?? (self::onPath('podman') !== null ? 'podman' : 'docker');
        $environment += ['FAKEPBX_ADMIN_PORT' => '8081'];
        // Labelled, so that containers a killed test run left behind can be found:
        // podman rm --force $(podman ps --quiet --filter label=fakepbx-php)
        $command = [$engine, 'run', '--detach', '--rm', '--label', 'fakepbx-php', '--publish', '127.0.0.1::8080', '--publish', '127.0.0.1::8443', '--publish', "127.0.0.1::{$environment['FAKEPBX_ADMIN_PORT']}"];
        foreach ($environment as $name => $value) {
            array_push($command, '--env', "{$name}={$value}");
        }
        $id = trim(self::run([...$command, $image, ...($arguments === [] ? [] : ['serve', ...$arguments])]));
        $stop = static function () use ($engine, $id): void {
            self::run([$engine, 'rm', '--force', $id], check: false);
        };
        try {
            $port = static fn (int $port): string => (string) preg_replace('/^.*:/', '', trim(explode("\n", self::run([$engine, 'port', $id, "{$port}/tcp"]))[0]));
            $url = 'http://127.0.0.1:' . $port(8080);
            $httpsUrl = ($environment['FAKEPBX_HTTPS_PORT'] ?? '8443') === '' ? null : 'https://127.0.0.1:' . $port(8443);
            $adminUrl = 'http://127.0.0.1:' . $port((int) $environment['FAKEPBX_ADMIN_PORT']);
            $admin = new Admin($adminUrl, $environment['FAKEPBX_ADMIN_TOKEN'] ?? null, 5.0);
            $deadline = microtime(true) + $timeout;
            while (!self::answers($admin)) {
                if (microtime(true) > $deadline) {
                    throw new FakePbxException('server-start', "{$image} did not answer {$url}/__fakepbx/health within {$timeout} s:\n" . self::run([$engine, 'logs', $id], check: false));
                }
                usleep(20000);
            }
            $caFile = $httpsUrl !== null ? self::writeCa($admin) : null;
        } catch (\Throwable $error) {
            $stop();
            throw $error;
        }
        $stopAndClean = static function () use ($stop, $caFile): void {
            $stop();
            if ($caFile !== null) {
                self::removeFolder(dirname($caFile));
            }
        };
        return new self($url, $adminUrl, $httpsUrl, $caFile, $environment['FAKEPBX_ADMIN_TOKEN'] ?? null, \Closure::fromCallable($stopAndClean));
    }

    /**
     * A server someone else started (a CI service, a laptop's `fakepbx serve`); stopping it does
     * nothing. Without `$caFile`, the CA is fetched from the server when it has HTTPS;
     * `$adminUrl` is its `--admin-port` listener, when it has one.
     */
    public static function attach(
        string $url,
        ?string $httpsUrl = null,
        ?string $caFile = null,
        ?string $adminToken = null,
        ?string $adminUrl = null,
    ): self {
        $adminUrl = rtrim($adminUrl ?? $url, '/');
        $admin = new Admin($adminUrl, $adminToken);
        $admin->health();
        $cleanup = null;
        if ($httpsUrl !== null && $caFile === null) {
            $caFile = self::writeCa($admin);
            $cleanup = static fn () => self::removeFolder(dirname($caFile));
        }
        return new self(rtrim($url, '/'), $adminUrl, $httpsUrl !== null ? rtrim($httpsUrl, '/') : null, $caFile, $adminToken, $cleanup);
    }

    /**
     * The server the environment names: `FAKEPBX_URL` (with `FAKEPBX_HTTPS_URL`, `FAKEPBX_CA_FILE`,
     * `FAKEPBX_ADMIN_TOKEN`, `FAKEPBX_ADMIN_URL`) to attach, else `FAKEPBX_IMAGE` to start the image, else the binary.
     *
     * @param list<string> $arguments `serve` options for the server it starts
     */
    public static function fromEnvironment(array $arguments = []): self
    {
        $variable = static fn (string $name): ?string => ($value = getenv($name)) === false || $value === '' ? null : $value;
        if (($url = $variable('FAKEPBX_URL')) !== null) {
            if ($arguments !== []) {
                throw new FakePbxException(
                    'usage',
                    'this test class starts its server with ' . implode(' ', $arguments) . ', which the server at FAKEPBX_URL '
                    . "({$url}) was not started with: unset FAKEPBX_URL so that the class starts its own, or make the change "
                    . 'through the control API (Admin) in the test',
                );
            }
            return self::attach(
                $url,
                $variable('FAKEPBX_HTTPS_URL'),
                $variable('FAKEPBX_CA_FILE'),
                $variable('FAKEPBX_ADMIN_TOKEN'),
                $variable('FAKEPBX_ADMIN_URL'),
            );
        }
        if (($image = $variable('FAKEPBX_IMAGE')) !== null) {
            return self::container($image, arguments: $arguments);
        }
        return self::start(arguments: $arguments);
    }

    /** Where a billing module sends its API calls: the HTTPS URL when there is one, as in production. */
    public function apiUrl(): string
    {
        return $this->httpsUrl ?? $this->url;
    }

    public function admin(): Admin
    {
        return $this->admin ??= new Admin($this->adminUrl, $this->adminToken);
    }

    /** What the server printed (started from the binary), for a failure message. */
    public function output(): string
    {
        return $this->logFile !== null ? (string) @file_get_contents($this->logFile) : '';
    }

    /** Stops what was started (nothing, when attached); safe to call twice. */
    public function stop(): void
    {
        $this->admin = null;
        $stopper = $this->stopper;
        $this->stopper = null;
        if ($stopper !== null) {
            $stopper();
        }
    }

    private static function executable(?string $binary): string
    {
        $binary ??= getenv('FAKEPBX_BINARY') ?: null;
        if ($binary !== null) {
            if (!is_file($binary) || !is_executable($binary)) {
                throw new FakePbxException('server-start', "{$binary} is not an executable file: check the path (FAKEPBX_BINARY or binary:)");
            }
            return $binary;
        }
        return self::onPath('fakepbx') ?? throw new FakePbxException(
            'server-start',
            'fakepbx is not on the PATH: put the release binary there, set FAKEPBX_BINARY to it, pass binary: to Server::start(), or set FAKEPBX_URL to a running server',
        );
    }

    private static function onPath(string $name): ?string
    {
        foreach (explode(PATH_SEPARATOR, (string) getenv('PATH')) as $folder) {
            if ($folder !== '' && is_file("{$folder}/{$name}") && is_executable("{$folder}/{$name}")) {
                return "{$folder}/{$name}";
            }
        }
        return null;
    }

    /**
     * @param list<string> $names
     * @return array<string, int>|null
     */
    private static function readPorts(string $folder, array $names): ?array
    {
        $ports = [];
        foreach ($names as $name) {
            $text = @file_get_contents("{$folder}/{$name}");
            if ($text === false || ($port = (int) trim($text)) <= 0) {
                return null;
            }
            $ports[$name] = $port;
        }
        return $ports;
    }

    /** @param resource $process */
    private static function terminate($process): void
    {
        proc_terminate($process, 15);
        $deadline = microtime(true) + 10.0;
        while (proc_get_status($process)['running']) {
            if (microtime(true) > $deadline) {
                proc_terminate($process, 9);
                break;
            }
            usleep(2000);
        }
        proc_close($process);
    }

    private static function answers(Admin $admin): bool
    {
        try {
            $admin->health();
            return true;
        } catch (FakePbxException) {
            return false;
        }
    }

    private static function writeCa(Admin $admin): string
    {
        $file = self::temporaryFolder() . '/ca.pem';
        file_put_contents($file, $admin->caCertificate());
        return $file;
    }

    /** @param list<string> $command */
    private static function run(array $command, bool $check = true): string
    {
        $process = proc_open($command, [0 => ['file', '/dev/null', 'r'], 1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes);
        if ($process === false) {
            throw new FakePbxException('server-start', "cannot run {$command[0]}: install it or choose another engine");
        }
        $output = (string) stream_get_contents($pipes[1]);
        $errors = (string) stream_get_contents($pipes[2]);
        fclose($pipes[1]);
        fclose($pipes[2]);
        $status = proc_close($process);
        if ($check && $status !== 0) {
            throw new FakePbxException('server-start', implode(' ', $command) . " failed ({$status}): " . trim($errors . $output));
        }
        return $output;
    }

    private static function temporaryFolder(): string
    {
        $folder = sys_get_temp_dir() . '/fakepbx-' . bin2hex(random_bytes(6));
        if (!mkdir($folder, 0700)) {
            throw new FakePbxException('server-start', "cannot create {$folder}: check TMPDIR");
        }
        return $folder;
    }

    private static function removeFolder(string $folder): void
    {
        foreach (glob("{$folder}/*") ?: [] as $file) {
            @unlink($file);
        }
        @rmdir($folder);
    }
}
