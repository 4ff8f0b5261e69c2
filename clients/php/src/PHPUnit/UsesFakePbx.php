<?php

declare(strict_types=1);

namespace FakePbx\PHPUnit;

use FakePbx\Admin;
use FakePbx\FakePbxException;
use FakePbx\JournalEntry;
use FakePbx\Server;
use PHPUnit\Framework\Assert;

/**
 * For a PHPUnit test case (9.6, and 10 and later through the attributes): one fakepbx per test
 * class, reset before each test, with assertions on the journal.
 *
 * The server is the one the environment names ({@see Server::fromEnvironment()}: `FAKEPBX_URL`
 * to attach to a running one, `FAKEPBX_IMAGE`, else the binary from `FAKEPBX_BINARY` or the
 * PATH); override {@see fakePbxArguments()} for `serve` options. When a test fails, the
 * message ends with the journal's last entries.
 */
trait UsesFakePbx
{
    private static ?Server $fakePbxServer = null;

    /** `serve` options for the server this class starts: `['--scenario', __DIR__ . '/night.yaml']`. */
    protected static function fakePbxArguments(): array
    {
        return [];
    }

    /**
     * @beforeClass
     */
    #[\PHPUnit\Framework\Attributes\BeforeClass]
    public static function fakePbxStart(): void
    {
        self::$fakePbxServer?->stop();
        self::$fakePbxServer = Server::fromEnvironment(static::fakePbxArguments());
    }

    /**
     * @afterClass
     */
    #[\PHPUnit\Framework\Attributes\AfterClass]
    public static function fakePbxStop(): void
    {
        self::$fakePbxServer?->stop();
        self::$fakePbxServer = null;
    }

    /**
     * Each test starts from the state the server started in (its start-up scenarios armed again).
     *
     * @before
     */
    #[\PHPUnit\Framework\Attributes\Before]
    public function fakePbxReset(): void
    {
        self::fakePbx()->admin()->reset();
    }

    /** The server of this test class. */
    protected static function fakePbx(): Server
    {
        return self::$fakePbxServer ?? throw new FakePbxException(
            'usage',
            'no fakepbx server: fakePbxStart() runs before the class (PHPUnit calls it through @beforeClass or #[BeforeClass]); '
            . 'a class that overrides setUpBeforeClass() still gets it',
        );
    }

    /** The control API of this test class's server. */
    protected static function fakePbxAdmin(): Admin
    {
        return self::fakePbx()->admin();
    }

    /**
     * Asserts that requests matching the journal filter came: `$times` exactly, or between `$min`
     * and `$max`, or at least one. `$endpoint` is an operation (`export_cdr`,
     * `manage_extension.create`), a script name or a path. A failure names what was found and the
     * nearest journal entries.
     */
    public function assertCalled(
        string $endpoint,
        ?int $times = null,
        ?int $min = null,
        ?int $max = null,
        ?int $status = null,
        ?string $method = null,
        ?string $client = null,
        ?string $action = null,
        string $message = '',
    ): void {
        $expectation = array_filter(
            ['endpoint' => $endpoint, 'status' => $status, 'method' => $method, 'client' => $client, 'action' => $action]
            + ['count' => $times, 'min' => $min, 'max' => $max],
            static fn ($value) => $value !== null,
        );
        $this->fakePbxVerify($expectation, $message);
    }

    /** Asserts that no request matching the filter came since the journal was cleared (each test's reset clears it). */
    public function assertNeverCalled(
        string $endpoint,
        ?int $status = null,
        ?string $method = null,
        ?string $client = null,
        ?string $action = null,
        string $message = '',
    ): void {
        $this->assertCalled($endpoint, times: 0, status: $status, method: $method, client: $client, action: $action, message: $message);
    }

    /** @param array<string, mixed> $expectation */
    private function fakePbxVerify(array $expectation, string $message): void
    {
        $verification = self::fakePbxAdmin()->verify($expectation);
        if (!$verification->verified) {
            Assert::fail(($message !== '' ? "{$message}\n" : '') . $verification->failureReport());
        }
        $this->addToAssertionCount(1);
    }

    /**
     * Adds the journal's last entries to a failing test's message: what the module really sent and
     * what it got, next to what the test expected. PHPUnit 9 calls this before it reports a failure
     * or an error. It returns `never`, which PHPUnit 9's `void` and 10's `never` both accept.
     */
    protected function onNotSuccessfulTest(\Throwable $t): never
    {
        self::fakePbxAddJournal($t);
        throw $t;
    }

    /**
     * PHPUnit 10 and later report a failure before `onNotSuccessfulTest()`; they pass an error (an
     * exception that is not a failed assertion) through here first, so it gets the journal too.
     */
    protected function transformException(\Throwable $t): \Throwable
    {
        self::fakePbxAddJournal($t);
        return $t;
    }

    private static function fakePbxAddJournal(\Throwable $t): void
    {
        $journal = self::fakePbxJournalTail($t);
        if ($journal !== '') {
            $property = new \ReflectionProperty($t instanceof \Exception ? \Exception::class : \Error::class, 'message');
            $property->setValue($t, $t->getMessage() . "\n\n" . $journal);
        }
    }

    private static function fakePbxJournalTail(\Throwable $t): string
    {
        $message = $t->getMessage();
        if (self::$fakePbxServer === null || str_contains($message, 'nearest journal entries:') || str_contains($message, 'fakepbx journal')) {
            return '';
        }
        try {
            $entries = self::$fakePbxServer->admin()->journal(limit: 10);
        } catch (FakePbxException) {
            return '';
        }
        if ($entries === []) {
            return 'fakepbx journal: no request came';
        }
        return 'fakepbx journal, the last ' . count($entries) . " entries:\n"
            . implode("\n", array_map(static fn (JournalEntry $entry) => '  ' . $entry->summary(), $entries));
    }
}
