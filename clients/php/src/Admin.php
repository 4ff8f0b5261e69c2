<?php

declare(strict_types=1);

namespace FakePbx;

/**
 * The control API (`/__fakepbx/`), typed: one method per operation of docs/control.md. A refusal
 * is a {@see ControlApiException} carrying the server's message; a server that cannot be reached is
 * a {@see FakePbxException} with code `transport`.
 */
final class Admin
{
    private readonly ControlClient $client;

    /**
     * @param string $url the server's HTTP root, `http://127.0.0.1:8080`
     * @param string|null $token the `--admin-token`, when the server has one
     */
    public function __construct(
        private readonly string $url,
        private readonly ?string $token = null,
        float $timeout = 30.0,
    ) {
        $this->client = new ControlClient($url, $token, $timeout);
    }

    // The server.

    /** @return array<string, mixed> `{"status": "ok", "pbx_version", "answers_as"}` */
    public function health(): array
    {
        return $this->get('health');
    }

    /**
     * Back to the state the server started in: faults, scenario steps, rate limits and counters,
     * jails, bans, whitelist, TLS mode, clock and journal; tenant data is kept unless
     * `$initialDataset`.
     *
     * @return list<string> what was reset
     */
    public function reset(bool $keepJournal = false, bool $initialDataset = false): array
    {
        $query = ['keep' => $keepJournal ? 'journal' : null, 'dataset' => $initialDataset ? 'initial' : null];
        return array_values((array) ($this->send('POST', 'reset', query: $query)['reset'] ?? []));
    }

    /** The dashboard's address, to print beside a failing test; with a token, it carries it. */
    public function dashboardUrl(): string
    {
        return $this->client->root() . ($this->token !== null ? '?token=' . rawurlencode($this->token) : '');
    }

    // The tenant dataset.

    /** @return array<string, mixed> the dataset, in the `data export` format */
    public function state(): array
    {
        return $this->get('state');
    }

    /**
     * Replaces the tenant dataset.
     *
     * @param array<string, mixed>|string $dataset a dataset as `state()` returns it, or its JSON text
     * @return array<string, mixed>
     */
    public function replaceState(array|string $dataset): array
    {
        return $this->send('PUT', 'state', body: $dataset);
    }

    // Access: whitelist, jails and bans, rate limits.

    /** @return list<string> the whitelist's entries */
    public function whitelist(): array
    {
        return array_values((array) ($this->get('whitelist')['entries'] ?? []));
    }

    /**
     * Replaces the whitelist.
     *
     * @param list<string> $entries addresses and CIDR blocks
     * @return list<string>
     */
    public function setWhitelist(array $entries): array
    {
        return array_values((array) ($this->send('PUT', 'whitelist', body: ['entries' => array_values($entries)])['entries'] ?? []));
    }

    /** Adds one address or CIDR block to the whitelist. @return list<string> */
    public function allow(string $entry): array
    {
        return array_values((array) ($this->send('POST', 'whitelist', body: ['entry' => $entry])['entries'] ?? []));
    }

    /** @return array<string, mixed> each jail with its rule and failures, and the bans */
    public function jails(): array
    {
        return $this->get('jails');
    }

    /**
     * Changes jail rules, as `--jail` writes them.
     *
     * @param array<string, string> $rules `['fusionpbx' => '3/600/3600', 'nginx-dos' => 'off']`
     * @return array<string, mixed>
     */
    public function setJails(array $rules): array
    {
        return $this->send('POST', 'jails', body: $rules);
    }

    /** @return list<array<string, mixed>> the bans in force, with their time left */
    public function bans(): array
    {
        return array_values((array) ($this->get('bans')['bans'] ?? []));
    }

    /**
     * Bans `$address` in `$jail` (one that is on) for `$seconds` of the fake's clock, as fail2ban
     * would: its connections are then refused.
     *
     * @return array<string, mixed> the ban, with `since` and `until`
     */
    public function ban(string $address, string $jail = 'fusionpbx', int $seconds = 3600): array
    {
        $body = ['address' => $address, 'jail' => $jail, 'seconds' => $seconds];
        return (array) ($this->send('POST', 'bans', body: $body)['ban'] ?? []);
    }

    /** Lifts the ban on `$address`, or every ban. @return array<string, mixed> */
    public function unban(?string $address = null): array
    {
        return $address === null
            ? $this->send('DELETE', 'bans')
            : $this->send('DELETE', 'bans/ADDRESS', 'bans/' . rawurlencode($address));
    }

    /** @return array<string, mixed> the rate-limit rules and open counters */
    public function rateLimits(): array
    {
        return $this->get('ratelimits');
    }

    /**
     * Changes rate-limit rules, as `--rate-limit` writes them.
     *
     * @param array<string, string> $rules `['cdr' => '5/60', 'standard' => 'off']`
     * @return array<string, mixed>
     */
    public function setRateLimits(array $rules): array
    {
        return $this->send('POST', 'ratelimits', body: $rules);
    }

    /** Empties the rate-limit counters, keeping the rules. @return array<string, mixed> */
    public function resetRateLimitCounters(): array
    {
        return $this->send('DELETE', 'ratelimits');
    }

    // Faults.

    /** @return list<array<string, mixed>> the faults in force, with how often each matched and fired */
    public function faults(): array
    {
        return array_values((array) ($this->get('faults')['faults'] ?? []));
    }

    /**
     * Adds faults; they act from now on.
     *
     * @return list<string> their ids, in order
     */
    public function addFault(Fault ...$faults): array
    {
        if ($faults === []) {
            throw new FakePbxException('usage', 'addFault() needs at least one Fault, such as Fault::status(503)');
        }
        $before = array_column($this->faults(), 'id');
        $body = count($faults) === 1 ? $faults[0]->toArray() : array_map(static fn (Fault $fault) => $fault->toArray(), $faults);
        $now = array_column((array) ($this->send('POST', 'faults', body: $body)['faults'] ?? []), 'id');
        return array_values(array_diff($now, $before));
    }

    /** Removes one fault by id. */
    public function removeFault(string $id): void
    {
        $this->send('DELETE', 'faults/ID', 'faults/' . rawurlencode($id));
    }

    /** Removes every fault. */
    public function clearFaults(): void
    {
        $this->send('DELETE', 'faults');
    }

    // Scenarios.

    /** @return list<array<string, mixed>> the timeline's steps and whether each has fired */
    public function scenarioSteps(): array
    {
        return array_values((array) ($this->get('scenario')['steps'] ?? []));
    }

    /** Loads a YAML scenario at run time (`scenario lint`'s rules; errors name line and column). @return array<string, mixed> */
    public function loadScenario(string $yaml): array
    {
        return $this->send('POST', 'scenario', body: $yaml, contentType: 'application/yaml');
    }

    /** Loads a YAML scenario file. @return array<string, mixed> */
    public function loadScenarioFile(string $file): array
    {
        $yaml = @file_get_contents($file);
        if ($yaml === false) {
            throw new FakePbxException('usage', "cannot read the scenario {$file}: check the path (relative paths start at " . getcwd() . ')');
        }
        return $this->loadScenario($yaml);
    }

    // The clock.

    public function clock(): Clock
    {
        return Clock::fromArray($this->get('clock'));
    }

    /** Stops the clock: time moves only when advanced or set. */
    public function freezeClock(): Clock
    {
        return Clock::fromArray($this->send('POST', 'clock/freeze'));
    }

    /** Lets the clock run again from where it stands. */
    public function resumeClock(): Clock
    {
        return Clock::fromArray($this->send('POST', 'clock/resume'));
    }

    /** Moves the clock forward: a 24-hour ban expires in a call. */
    public function advanceClock(float $seconds): Clock
    {
        return Clock::fromArray($this->send('POST', 'clock/advance', body: ['seconds' => $seconds]));
    }

    /** Sets the clock to an instant (a date, an ISO 8601 text, or Unix seconds). */
    public function setClock(\DateTimeInterface|string|int|float $time): Clock
    {
        $body = match (true) {
            $time instanceof \DateTimeInterface => ['time' => \DateTimeImmutable::createFromInterface($time)->setTimezone(new \DateTimeZone('UTC'))->format('Y-m-d\TH:i:s\Z')],
            is_string($time) => ['time' => $time],
            default => ['epoch' => $time],
        };
        return Clock::fromArray($this->send('POST', 'clock/set', body: $body));
    }

    /** Back to real time. */
    public function resetClock(): Clock
    {
        return Clock::fromArray($this->send('POST', 'clock/reset'));
    }

    // The journal, verify and the live events.

    /**
     * The journal's entries, oldest first (the last 500 at most), filtered as the control API
     * filters: an operation or script name or path, an action, a method, a status, a client CIDR,
     * a sequence number or ISO 8601 time to start from, a fault id, an event name.
     *
     * @return list<JournalEntry>
     */
    public function journal(
        ?string $endpoint = null,
        ?string $action = null,
        ?string $method = null,
        ?int $status = null,
        ?string $client = null,
        int|string|null $since = null,
        ?string $fault = null,
        ?string $event = null,
        ?int $limit = null,
    ): array {
        $query = compact('endpoint', 'action', 'method', 'status', 'client', 'since', 'fault', 'event', 'limit');
        $answer = $this->send('GET', 'journal', query: $query);
        return array_map([JournalEntry::class, 'fromArray'], array_values((array) ($answer['requests'] ?? [])));
    }

    /**
     * How many requests and events match, counted since the journal was last cleared (not only the
     * 500 it shows).
     */
    public function journalCount(
        ?string $endpoint = null,
        ?string $action = null,
        ?string $method = null,
        ?int $status = null,
        ?string $client = null,
        int|string|null $since = null,
        ?string $fault = null,
        ?string $event = null,
    ): int {
        $query = compact('endpoint', 'action', 'method', 'status', 'client', 'since', 'fault', 'event');
        return (int) ($this->send('GET', 'journal/count', query: $query)['count'] ?? 0);
    }

    /**
     * One entry with the answer it was sent (`$entry->raw['answer']`: status, headers, body).
     */
    public function journalEntry(int $sequence): JournalEntry
    {
        return JournalEntry::fromArray($this->send('GET', 'journal/ID', 'journal/' . $sequence));
    }

    /** The journal as a HAR 1.2 document, for a browser's network panel or a CI artifact. @return array<string, mixed> */
    public function journalHar(?string $endpoint = null, ?int $status = null, ?string $client = null): array
    {
        $query = compact('endpoint', 'status', 'client') + ['format' => 'har'];
        return $this->send('GET', 'journal', query: $query);
    }

    /** Empties the journal (sequence numbers keep counting). */
    public function clearJournal(): void
    {
        $this->send('DELETE', 'journal');
    }

    /**
     * Checks expectations against every request since the journal was last cleared, as WireMock's
     * verify does; each is a journal filter with `count`, `min`, `max` or `never`.
     *
     * @param array<string, mixed> ...$expectations `['endpoint' => 'export_cdr', 'count' => 2]`
     */
    public function verify(array ...$expectations): Verification
    {
        if ($expectations === []) {
            throw new FakePbxException('usage', "verify() needs at least one expectation, such as ['endpoint' => 'export_cdr', 'count' => 2]");
        }
        $body = count($expectations) === 1 ? $expectations[0] : $expectations;
        return Verification::fromArray($this->send('POST', 'verify', body: $body, accept: [409]));
    }

    /**
     * Waits for the first journal entry that matches the filters, from the live event stream
     * (`GET /__fakepbx/events`): no polling, no sleeping. With `$after` (a sequence number), entries
     * that came after it and before the call are found too.
     *
     * @param array<string, scalar> $filters the journal's filters: `['event' => 'ban-started']`
     */
    public function awaitEvent(array $filters = [], ?int $after = null, float $timeout = 10.0): JournalEntry
    {
        return (new EventStream($this->url, $this->token))->first($filters, $after, $timeout);
    }

    // Contract violations and replay.

    /** @return array<string, mixed> what `--verify-client` found in the client's requests */
    public function violations(): array
    {
        return $this->get('violations');
    }

    public function clearViolations(): void
    {
        $this->send('DELETE', 'violations');
    }

    /** @return array<string, mixed> the recordings being replayed, and what they served */
    public function replay(): array
    {
        return $this->get('replay');
    }

    /** Replays the recordings from their start again. @return array<string, mixed> */
    public function rewindReplay(): array
    {
        return $this->send('POST', 'replay/rewind');
    }

    // TLS.

    /** @return array<string, mixed> the certificate in force: mode, subject, names, validity, fingerprint */
    public function tls(): array
    {
        return $this->get('tls');
    }

    /** Switches the certificate new HTTPS connections get. @return array<string, mixed> */
    public function setTlsMode(TlsMode $mode): array
    {
        return $this->send('POST', 'tls', body: ['mode' => $mode->value]);
    }

    /** The CA certificate (PEM) the `valid` certificate is issued from. */
    public function caCertificate(): string
    {
        return $this->client->send('GET', 'tls/ca.pem')['body'];
    }

    /** @return array<string, mixed> */
    private function get(string $route): array
    {
        return $this->send('GET', $route);
    }

    /**
     * @param array<string, scalar|null> $query
     * @param array<mixed>|string|null $body
     * @param list<int> $accept
     * @return array<string, mixed>
     */
    private function send(
        string $method,
        string $route,
        ?string $path = null,
        array $query = [],
        array|string|null $body = null,
        string $contentType = 'application/json',
        array $accept = [],
    ): array {
        return $this->client->send($method, $route, $path, $query, $body, $contentType, $accept)['json'] ?? [];
    }
}
