import Foundation
import JSONSchema

/// The dashboard at `GET /__fakepbx/`: one self-contained page (no CDN, no build step) that follows
/// `GET /__fakepbx/events` and drives the control API. With `--admin-token`, open it as
/// `/__fakepbx/?token=TOKEN`: the page sends the token on every call.
enum DashboardPage {
    /// The page, with the fault kinds and their parameters (``Fault/Kind/Name/formTable``) filled in,
    /// and whether the server has an HTTPS listener (the page asks for its certificates only then).
    static func html(faultKinds: JSONValue, https: Bool) -> String {
        let options = (faultKinds.objectValue?.map(\.key) ?? []).map { "<option>\($0)</option>" }.joined()
        // Inside <script>: a "</" in the JSON could end it; JSON allows "<\/".
        let table = faultKinds.serialized().replacingOccurrences(of: "</", with: "<\\/")
        return template.replacingOccurrences(of: "<!--FAULT-TYPES-->", with: options)
            .replacingOccurrences(of: "/*FAULT-KINDS*/", with: table)
            .replacingOccurrences(of: "data-https=\"\"", with: "data-https=\"\(https)\"")
    }

    private static let template = #"""
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <link rel="icon" href="data:,">
        <title>fakepbx</title>
        <style>
          :root { font-family: system-ui, sans-serif; font-size: 14px; color: #1b1f24; background: #f6f7f9; }
          body { margin: 0; }
          header { display: flex; gap: 1.5em; align-items: baseline; padding: .6em 1em; background: #1b1f24; color: #fff; flex-wrap: wrap; }
          header h1 { font-size: 1.2em; margin: 0; }
          main { display: grid; grid-template-columns: minmax(0, 2fr) minmax(18em, 1fr); gap: 1em; padding: 1em; }
          section { background: #fff; border: 1px solid #d6d9de; border-radius: 6px; padding: .6em .8em; margin-bottom: 1em; }
          h2 { font-size: 1em; margin: .2em 0 .5em; }
          table { border-collapse: collapse; width: 100%; }
          th, td { text-align: left; padding: .2em .4em; border-bottom: 1px solid #eceef1; vertical-align: top; font-variant-numeric: tabular-nums; }
          tbody tr.entry { cursor: pointer; }
          tbody tr.entry:focus, tbody tr.entry:hover { background: #eef4ff; outline: none; }
          .s2 { color: #1a7f37; } .s3 { color: #6e7781; } .s4 { color: #bc4c00; } .s5, .s0 { color: #cf222e; font-weight: 600; }
          .event td { color: #8250df; }
          .muted { color: #6e7781; }
          pre { white-space: pre-wrap; word-break: break-all; margin: .3em 0; font-size: .9em; }
          tr.detail h3 { font-size: .85em; margin: .4em 0 0; }
          button, select, input { font: inherit; }
          form { display: flex; gap: .4em; flex-wrap: wrap; align-items: center; }
          .filters { display: flex; gap: .5em; margin-bottom: .5em; flex-wrap: wrap; }
          #timeline-box { max-height: 70vh; overflow: auto; }
          @media (max-width: 900px) { main { grid-template-columns: 1fr; } }
        </style>
        </head>
        <body data-https="">
        <header>
          <h1>fakepbx</h1>
          <span id="version" class="muted"></span>
          <span>clock <strong id="clock-now">…</strong> <span id="clock-state" class="muted"></span></span>
          <span id="connection" class="muted">connecting…</span>
        </header>
        <main>
        <div>
          <section aria-labelledby="timeline-title">
            <h2 id="timeline-title">Requests and events</h2>
            <div class="filters">
              <label>endpoint <input id="filter-path" size="18" placeholder="path or operation"></label>
              <label>status <input id="filter-status" size="4"></label>
              <label>client <input id="filter-client" size="14"></label>
            </div>
            <div id="timeline-box">
              <table>
                <thead><tr><th>#</th><th>time</th><th>client</th><th>request</th><th>status</th><th>ms</th><th>applied</th></tr></thead>
                <tbody id="timeline"></tbody>
              </table>
            </div>
          </section>
        </div>
        <div>
          <section aria-labelledby="clock-title">
            <h2 id="clock-title">Virtual clock</h2>
            <button id="clock-freeze">Freeze</button> <button id="clock-resume">Resume</button>
            <button data-advance="60">+1 min</button> <button data-advance="3600">+1 h</button> <button data-advance="86400">+1 day</button>
          </section>
          <section aria-labelledby="bans-title">
            <h2 id="bans-title">Bans</h2>
            <table><tbody id="bans"><tr><td class="muted">loading…</td></tr></tbody></table>
            <h2>Jails</h2>
            <table><tbody id="jails"><tr><td class="muted">loading…</td></tr></tbody></table>
            <form id="jail-form">
              <select id="jail-name" aria-label="jail"><option>fusionpbx</option><option>nginx-dos</option><option>nginx-404</option></select>
              <input id="jail-rule" size="14" placeholder="20/60/3600 or off" aria-label="jail rule: maxretry/findtime/bantime">
              <button type="submit">Set</button>
            </form>
            <h2>Rate limits</h2>
            <table><tbody id="ratelimit-rules"><tr><td class="muted">loading…</td></tr></tbody></table>
            <form id="ratelimit-form">
              <select id="ratelimit-class" aria-label="rate-limit class"><option>standard</option><option>cdr</option><option>gateway</option></select>
              <input id="ratelimit-rule" size="10" placeholder="10/60 or off" aria-label="rate limit: count/seconds">
              <button type="submit">Set</button>
            </form>
            <div id="policy-error" class="s4" role="alert"></div>
            <h2>Rate-limit windows</h2>
            <table><tbody id="ratelimits"><tr><td class="muted">loading…</td></tr></tbody></table>
          </section>
          <section aria-labelledby="faults-title">
            <h2 id="faults-title">Faults</h2>
            <form id="fault-form">
              <select id="fault-type" aria-label="fault type"><!--FAULT-TYPES--></select>
              <span id="fault-parameters"></span>
              <input id="fault-path" size="22" placeholder="endpoint (optional)" aria-label="endpoint to match">
              <button type="submit">Add</button>
            </form>
            <table><tbody id="faults"><tr><td class="muted">loading…</td></tr></tbody></table>
            <div id="fault-error" class="s4" role="alert"></div>
          </section>
          <section aria-labelledby="tls-title">
            <h2 id="tls-title">TLS</h2>
            <div id="tls" class="muted">loading…</div>
          </section>
          <section aria-labelledby="tenants-title">
            <h2 id="tenants-title">Tenants</h2>
            <div id="tenants" class="muted">…</div>
            <h2>Contract violations</h2>
            <div id="violations" class="muted">…</div>
          </section>
        </div>
        </main>
        <script>
        "use strict";
        const token = new URLSearchParams(location.search).get("token");
        const base = "/__fakepbx/";
        const withToken = (path) => token ? path + (path.includes("?") ? "&" : "?") + "token=" + encodeURIComponent(token) : path;
        async function api(path, options = {}) {
          const headers = Object.assign({ "Content-Type": "application/json" }, options.headers || {});
          if (token) headers["Authorization"] = "Bearer " + token;
          const response = await fetch(base + path, Object.assign({}, options, { headers }));
          const body = await response.json();
          if (!response.ok) throw new Error(body.error || response.status);
          return body;
        }
        const $ = (id) => document.getElementById(id);
        const text = (tag, value, className) => { const e = document.createElement(tag); e.textContent = value; if (className) e.className = className; return e; };
        let clockEpoch = 0, clockFrozen = false, clockRead = Date.now();
        const now = () => clockFrozen ? clockEpoch : clockEpoch + (Date.now() - clockRead) / 1000;
        const seen = new Set();

        function matches(entry) {
          const path = $("filter-path").value.trim(), status = $("filter-status").value.trim(), client = $("filter-client").value.trim();
          if (path && !(entry.path || "").includes(path) && !(entry.operation || "").includes(path) && !(entry.event || "").includes(path)) return false;
          if (status && String(entry.status) !== status) return false;
          if (client && !(entry.client || "").startsWith(client)) return false;
          return true;
        }
        function addEntry(entry) {
          if (seen.has(entry.sequence)) return;
          seen.add(entry.sequence);
          const row = document.createElement("tr");
          row.className = entry.event ? "event entry" : "entry";
          row.tabIndex = 0;
          row.dataset.entry = JSON.stringify(entry);
          row.append(text("td", entry.sequence), text("td", (entry.time || "").replace("T", " ").replace("Z", "")), text("td", entry.client));
          row.append(text("td", entry.event ? entry.event + (entry.detail ? ": " + entry.detail : "") :
            entry.method + " " + entry.path + (entry.operation ? " (" + entry.operation + ")" : "")));
          row.append(text("td", entry.event ? "" : entry.status, "s" + String(entry.status || 0)[0]));
          row.append(text("td", entry.duration_ms ?? ""), text("td", (entry.applied || []).join(", ")));
          row.hidden = !matches(entry);
          const toggle = () => {
            const next = row.nextElementSibling;
            if (next && next.classList.contains("detail")) { next.remove(); return; }
            const detail = document.createElement("tr");
            detail.className = "detail";
            const cell = document.createElement("td");
            cell.colSpan = 7;
            cell.append(text("h3", entry.event ? "Event" : "Request"), text("pre", JSON.stringify(entry, null, 2)));
            if (!entry.event) {
              const answer = text("pre", "loading the answer…", "answer");
              cell.append(text("h3", "Answer"), answer);
              showAnswer(entry.sequence, answer);
            }
            detail.append(cell);
            row.after(detail);
          };
          row.addEventListener("click", toggle);
          row.addEventListener("keydown", (event) => { if (event.key === "Enter" || event.key === " ") { event.preventDefault(); toggle(); } });
          $("timeline").prepend(row);
          // The journal keeps the last 500 entries; so does the page, however fast requests come.
          while ($("timeline").querySelectorAll("tr.entry").length > 500) {
            const last = $("timeline").lastElementChild;
            if (last.classList.contains("entry")) seen.delete(JSON.parse(last.dataset.entry).sequence);
            last.remove();
          }
          if (entry.event === "clock") refreshClock();
          if (entry.event && entry.event.startsWith("ban")) refreshPolicies();
        }
        // The answer as sent (secrets redacted), from the journal: status, headers, then the body.
        async function showAnswer(sequence, into) {
          try {
            const answer = (await api("journal/" + sequence)).answer;
            if (!answer) { into.textContent = "no answer was sent (the connection was cut)"; return; }
            const headers = Object.entries(answer.headers).map(([name, value]) => name + ": " + value).join("\n");
            const body = answer.body === null ? "" : answer.body_is_json ? JSON.stringify(answer.body, null, 2) : answer.body;
            into.textContent = answer.status + "\n" + headers + "\n\n" + body + (answer.whole ? "" : "\n… (the first 16 KiB of the body)");
          } catch (error) {
            into.textContent = "the journal no longer holds this answer (" + error.message + ")";
          }
        }
        function refilter() {
          for (const row of $("timeline").querySelectorAll("tr.entry")) row.hidden = !matches(JSON.parse(row.dataset.entry));
          for (const row of $("timeline").querySelectorAll("tr.detail")) row.remove();
        }
        ["filter-path", "filter-status", "filter-client"].forEach((id) => $(id).addEventListener("input", refilter));

        function follow() {
          const source = new EventSource(withToken(base + "events"));
          const handler = (message) => addEntry(JSON.parse(message.data));
          source.addEventListener("request", handler);
          for (const kind of ["connection-refused", "ban-started", "ban-lifted", "ban-ended", "scenario-step", "clock", "tls-mode",
            "tls-handshake-failed", "tls-closed-before-request", "tls-handshake-fault"]) source.addEventListener(kind, handler);
          source.onopen = () => { $("connection").textContent = "live"; };
          source.onerror = () => { $("connection").textContent = "reconnecting…"; };
        }

        async function refreshClock() {
          const clock = await api("clock");
          clockEpoch = clock.epoch; clockFrozen = clock.frozen; clockRead = Date.now();
          $("clock-state").textContent = clock.frozen ? "(frozen)" : "";
          renderClock();
        }
        function renderClock() { $("clock-now").textContent = new Date(Math.floor(now()) * 1000).toISOString().slice(0, 19).replace("T", " ") + "Z"; }
        async function changeClock(action, body) {
          await api("clock/" + action, { method: "POST", body: JSON.stringify(body || {}) });
          await refreshClock();
          await refreshPolicies();
        }
        $("clock-freeze").addEventListener("click", () => changeClock("freeze"));
        $("clock-resume").addEventListener("click", () => changeClock("resume"));
        for (const button of document.querySelectorAll("[data-advance]")) {
          button.addEventListener("click", () => changeClock("advance", { seconds: Number(button.dataset.advance) }));
        }

        function fill(body, rows, empty) {
          body.replaceChildren();
          if (rows.length === 0) { const row = document.createElement("tr"); row.append(text("td", empty, "muted")); body.append(row); return; }
          for (const cells of rows) { const row = document.createElement("tr"); for (const cell of cells) row.append(typeof cell === "string" ? text("td", cell) : cell); body.append(row); }
        }
        function left(until) {
          const seconds = Math.max(0, Math.round(Date.parse(until) / 1000 - now()));
          return seconds >= 3600 ? Math.floor(seconds / 3600) + " h " + Math.floor(seconds % 3600 / 60) + " min left" : seconds >= 60 ? Math.floor(seconds / 60) + " min " + seconds % 60 + " s left" : seconds + " s left";
        }
        let bans = [];
        function renderBans() {
          const live = bans.filter((ban) => Date.parse(ban.until) / 1000 > now());
          fill($("bans"), live.map((ban) => [ban.address, ban.jail, left(ban.until)]), "none");
        }
        async function refreshPolicies() {
          const [banList, jails, limits] = await Promise.all([api("bans"), api("jails"), api("ratelimits")]);
          bans = banList.bans;
          renderBans();
          const counted = [];
          for (const jail of jails.jails) {
            const failures = jail.failures || [];
            counted.push([jail.name, jail.maxretry + "/" + jail.findtime + "/" + jail.bantime,
              failures.length ? failures.map((f) => f.address + ": " + f.failures + "/" + jail.maxretry).join(", ") : "0/" + jail.maxretry]);
          }
          fill($("jails"), counted, "no jails");
          fill($("ratelimit-rules"), Object.entries(limits.rules || {}).map(([name, rule]) =>
            [name, rule && rule.limit > 0 ? rule.limit + "/" + rule.window + " s" : "off"]), "none");
          fill($("ratelimits"), (limits.counters || []).map((c) => [c.class, c.key, c.count + "/" + c.limit,
            "resets in " + Math.max(0, Math.round(c.reset - now())) + " s"]), "none open");
        }

        // Jails and rate limits, set as --jail and --rate-limit write them.
        for (const [form, route, name, rule] of [["jail-form", "jails", "jail-name", "jail-rule"], ["ratelimit-form", "ratelimits", "ratelimit-class", "ratelimit-rule"]]) {
          $(form).addEventListener("submit", async (event) => {
            event.preventDefault();
            try { await api(route, { method: "POST", body: JSON.stringify({ [$(name).value]: $(rule).value.trim() }) }); $("policy-error").textContent = ""; }
            catch (error) { $("policy-error").textContent = error.message; }
            refreshPolicies();
          });
        }

        async function refreshFaults() {
          const list = await api("faults");
          fill($("faults"), list.faults.map((fault) => {
            const remove = document.createElement("button");
            remove.textContent = "Remove";
            remove.setAttribute("aria-label", "remove fault " + fault.id);
            remove.addEventListener("click", async () => { await api("faults/" + encodeURIComponent(fault.id), { method: "DELETE" }); refreshFaults(); });
            const cell = document.createElement("td"); cell.append(remove);
            return [fault.id, fault.type + (fault.status ? " " + fault.status : ""), "matched " + fault.matched + ", fired " + fault.fired, cell];
          }), "none");
        }
        // Each kind's own parameters, from the server's table of fault kinds.
        const faultKinds = /*FAULT-KINDS*/;
        function showFaultParameters() {
          $("fault-parameters").replaceChildren(...faultKinds[$("fault-type").value].map((parameter) => {
            const input = document.createElement("input");
            input.name = parameter.key; input.size = parameter.number ? 6 : 14;
            input.placeholder = parameter.hint + (parameter.required ? "" : " (optional)");
            input.setAttribute("aria-label", parameter.key);
            if (parameter.number) input.inputMode = "decimal";
            return input;
          }));
        }
        $("fault-type").addEventListener("change", showFaultParameters);
        showFaultParameters();
        $("fault-form").addEventListener("submit", async (event) => {
          event.preventDefault();
          const kind = $("fault-type").value, fault = { type: kind };
          for (const parameter of faultKinds[kind]) {
            const value = $("fault-parameters").querySelector("[name='" + parameter.key + "']").value.trim();
            if (value) fault[parameter.key] = parameter.number && !isNaN(Number(value)) ? Number(value) : value;
          }
          const path = $("fault-path").value.trim();
          if (path) fault.match = { endpoint: path };
          try { await api("faults", { method: "POST", body: JSON.stringify(fault) }); $("fault-error").textContent = ""; }
          catch (error) { $("fault-error").textContent = error.message; }
          refreshFaults();
        });

        async function refreshTLS() {
          if (document.body.dataset.https !== "true") { $("tls").textContent = "HTTPS is off (serve --https-port)"; return; }
          const tls = await api("tls");
          const select = document.createElement("select");
          select.setAttribute("aria-label", "certificate mode");
          for (const mode of tls.modes || [tls.mode]) { const option = text("option", mode); option.selected = mode === tls.mode; select.append(option); }
          select.addEventListener("change", async () => { await api("tls", { method: "POST", body: JSON.stringify({ mode: select.value }) }); refreshTLS(); });
          const link = text("a", "download the CA");
          link.href = withToken(base + "tls/ca.pem");
          $("tls").replaceChildren(text("span", "certificate mode "), select, text("span", " · "), link);
        }
        async function refreshSummary() {
          const [state, violations] = await Promise.all([api("state"), api("violations")]);
          const count = (name) => (state[name] || []).length;
          $("tenants").textContent = count("domains") + " domains, " + count("extensions") + " extensions, " + count("gateways") + " gateways, " +
            count("destinations") + " destinations, " + count("registrations") + " registrations";
          $("violations").textContent = violations.enabled ? violations.count + " found by --verify-client" : "--verify-client is off";
        }

        async function start() {
          follow();
          const health = await api("health");
          $("version").textContent = "FusionPBX " + health.pbx_version + (health.answers_as !== health.pbx_version ? " (answered as " + health.answers_as + ")" : "");
          const journal = await api("journal?limit=200");
          for (const entry of journal.requests) addEntry(entry);
          await Promise.all([refreshClock(), refreshPolicies(), refreshFaults(), refreshTLS(), refreshSummary()]);
          setInterval(() => { renderClock(); renderBans(); }, 250);
          setInterval(() => { refreshPolicies(); refreshFaults(); }, 2000);
          setInterval(refreshSummary, 10000);
        }
        start().catch((error) => { $("connection").textContent = "error: " + error.message; });
        </script>
        </body>
        </html>
        """#
}
