<?php

declare(strict_types=1);

namespace FakePbx;

/**
 * One fault, as `POST /__fakepbx/faults` takes it: a kind with its own parameters (one named
 * constructor per kind), which requests it matches and when it fires. Immutable:
 *
 *     Fault::status(503)->matching(endpoint: 'export_cdr')->when(every: 3)
 */
final class Fault
{
    /** @var array<string, mixed> */
    private array $spec;

    /** @param array<string, mixed> $parameters */
    private function __construct(string $type, array $parameters = [])
    {
        $this->spec = ['type' => $type] + array_filter($parameters, static fn ($value) => $value !== null);
    }

    /** The answer is delayed by `$ms` milliseconds, plus up to `$jitter` more. */
    public static function latency(int $ms, int $jitter = 0): self
    {
        return new self('latency', ['ms' => $ms, 'jitter' => $jitter]);
    }

    /** Any final status (200-599) with the error envelope, or `$body` as it is. */
    public static function status(int $status, ?string $body = null): self
    {
        return new self('status', ['status' => $status, 'body' => $body]);
    }

    /** The JSON body cut in half and garbled. */
    public static function malformedJson(): self
    {
        return new self('malformed-json');
    }

    /** The whole `Content-Length`, then only `$bytes` bytes of the body, then the connection closes. */
    public static function truncate(int $bytes): self
    {
        return new self('truncate', ['bytes' => $bytes]);
    }

    /** The connection closes before any byte of the answer. */
    public static function emptyReply(): self
    {
        return new self('empty-reply');
    }

    /** The connection is reset (RST). */
    public static function reset(): self
    {
        return new self('reset');
    }

    /** No answer for `$seconds` (at most 60, the default), then the connection closes. */
    public static function hang(?float $seconds = null): self
    {
        return new self('hang', ['seconds' => $seconds]);
    }

    /** The answer sent `$bytesPerSecond` at a time. */
    public static function slowDrip(int $bytesPerSecond): self
    {
        return new self('slow-drip', ['rate' => $bytesPerSecond]);
    }

    /** FusionPBX's HTML login page instead of JSON. */
    public static function loginPage(): self
    {
        return new self('login-page');
    }

    /** A 302 to the login page instead of JSON. */
    public static function loginRedirect(): self
    {
        return new self('login-redirect');
    }

    /** The body as usual under another Content-Type. */
    public static function contentType(string $contentType): self
    {
        return new self('content-type', ['content_type' => $contentType]);
    }

    /** The status and versions answers report another FusionPBX version. */
    public static function version(string $version): self
    {
        return new self('version', ['version' => $version]);
    }

    /** HTTPS only: the handshake is reset instead of a ServerHello. */
    public static function tlsReset(): self
    {
        return new self('tls-reset');
    }

    /** HTTPS only: the connection is closed instead of a ServerHello. */
    public static function tlsClose(): self
    {
        return new self('tls-close');
    }

    /** HTTPS only: no ServerHello for `$seconds` (at most 60), then the connection closes. */
    public static function tlsHang(?float $seconds = null): self
    {
        return new self('tls-hang', ['seconds' => $seconds]);
    }

    /** HTTPS only: bytes that are not TLS, then the connection closes. */
    public static function tlsGarbage(): self
    {
        return new self('tls-garbage');
    }

    /** The fault's id, for {@see Admin::removeFault()} (the server names it otherwise). */
    public function withId(string $id): self
    {
        return $this->with('id', $id);
    }

    /**
     * The requests it acts on; each may be a list. `$endpoint` is an operation as `fakepbx
     * contract list` names it (`status`, `export_cdr`, `manage_extension.create`) or a script name.
     *
     * @param string|list<string>|null $endpoint
     * @param string|list<string>|null $path a path, `*` at the end matching any rest
     * @param string|list<string>|null $method
     * @param string|list<string>|null $client an address or CIDR block
     */
    public function matching(
        string|array|null $endpoint = null,
        string|array|null $path = null,
        string|array|null $method = null,
        string|array|null $client = null,
    ): self {
        $match = array_filter(
            ['endpoint' => $endpoint, 'path' => $path, 'method' => $method, 'client' => $client],
            static fn ($value) => $value !== null,
        );
        return $this->with('match', $match);
    }

    /**
     * When it fires among the requests it matches, counted from when it is added: the `$nth` only,
     * the `$first` N, `$every` Nth, with `$probability` (and a `$seed`), `$after`/`$for` seconds, or
     * between the instants `$from` and `$until` (ISO 8601).
     */
    public function when(
        ?int $nth = null,
        ?int $first = null,
        ?int $every = null,
        ?float $probability = null,
        ?string $seed = null,
        ?float $after = null,
        ?float $for = null,
        ?string $from = null,
        ?string $until = null,
    ): self {
        $when = array_filter(
            compact('nth', 'first', 'every', 'probability', 'seed', 'after', 'for', 'from', 'until'),
            static fn ($value) => $value !== null,
        );
        return $this->with('when', $when);
    }

    /** The write happens, and the client still sees the fault ("written, but the answer was lost"). */
    public function committed(): self
    {
        return $this->with('commit', true);
    }

    /** @return array<string, mixed> the fault as the control API and scenarios write it */
    public function toArray(): array
    {
        return $this->spec;
    }

    private function with(string $key, mixed $value): self
    {
        $copy = clone $this;
        $copy->spec[$key] = $value;
        return $copy;
    }
}
