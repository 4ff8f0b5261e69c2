<?php

declare(strict_types=1);

namespace FakePbx;

/**
 * The control API refused a request: its HTTP status and the server's own message (which says what
 * to change), with the route that refused it.
 */
final class ControlApiException extends FakePbxException
{
    /**
     * @param array<string, mixed>|null $body the answer's JSON, when it was JSON
     */
    public function __construct(
        public readonly string $route,
        public readonly int $status,
        public readonly string $serverMessage,
        public readonly ?array $body = null,
    ) {
        parent::__construct('control-api', "{$route} answered {$status}: {$serverMessage}");
    }
}
