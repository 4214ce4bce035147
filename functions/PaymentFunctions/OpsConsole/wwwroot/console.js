// The operations console. Every value from the API is shown with textContent, never as HTML: member ids,
// descriptions and poison bodies are attacker-controlled. Every call sends X-Console-Request (the API refuses any
// call without it, so another site's page cannot make one) and, when signed in locally, the key from sessionStorage.
"use strict";

(() => {
  const api = "api/";
  const keyName = "paymentfunctions.console.key";
  const refreshMs = 5000;
  let refreshTimer = null;
  let chart = null;
  let plannedReplay = null;
  const sections = ["dashboard", "poison", "payments", "batches", "audit"];

  const $ = (id) => document.getElementById(id);
  const el = (tag, text, className) => {
    const node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (className) node.className = className;
    return node;
  };
  const show = (id, visible) => { $(id).hidden = !visible; };

  class ApiError extends Error {
    constructor(status, problem) {
      super((problem && (problem.detail || problem.title)) || `HTTP ${status}`);
      this.status = status;
      this.problem = problem;
    }
  }

  async function call(path, options = {}) {
    const headers = { "X-Console-Request": "1", "Accept": "application/json" };
    const key = sessionStorage.getItem(keyName);
    if (key) headers["x-functions-key"] = key;
    if (options.body !== undefined) headers["Content-Type"] = "application/json";
    const response = await fetch(api + path, {
      method: options.method || "GET",
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      credentials: "same-origin",
      cache: "no-store",
    });
    const text = await response.text();
    let json = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      // Not JSON: the platform's own answer (App Service Authentication's 401 page, a proxy's error).
      if (response.ok) throw new ApiError(response.status, { title: "The answer was not JSON." });
    }
    if (!response.ok) throw new ApiError(response.status, json);
    return json;
  }

  function definitions(id, pairs) {
    const list = $(id);
    list.replaceChildren();
    for (const [term, value] of pairs) {
      if (value === undefined || value === null || value === "") continue;
      list.append(el("dt", term), el("dd", value));
    }
  }

  const when = (iso) => (iso ? new Date(iso).toISOString().replace(".000Z", "Z") : "");
  const money = (p) => {
    const exponent = ({ jpy: 0, krw: 0, kwd: 3, bhd: 3, jod: 3, omr: 3, tnd: 3 })[p.currency] ?? 2;
    return `${(p.amount / 10 ** exponent).toFixed(exponent)} ${p.currency.toUpperCase()}`;
  };

  // ---- sections and sign-in ----

  function open(section) {
    for (const name of sections) show(name, name === section);
    for (const button of document.querySelectorAll("#sections [data-section]")) {
      if (button.dataset.section === section) button.setAttribute("aria-current", "page");
      else button.removeAttribute("aria-current");
    }
    if (section === "poison") loadPoison();
    if (section === "batches") loadBatches();
    if (section === "audit") loadAudit();
  }

  function signedOut(message) {
    clearInterval(refreshTimer);
    refreshTimer = null;
    show("sections", false);
    for (const name of sections) show(name, false);
    show("sign-in", true);
    $("sign-in-error").textContent = message || "";
    $("ops-key").focus();
  }

  async function start() {
    try {
      await refreshDashboard();
    } catch (error) {
      if (error instanceof ApiError && (error.status === 401 || error.status === 403)) {
        signedOut(sessionStorage.getItem(keyName) ? error.message : "");
        return;
      }
      throw error;
    }
    show("sign-in", false);
    show("sections", true);
    open("dashboard");
    refreshTimer = setInterval(() => refreshDashboard().catch(showRefreshError), refreshMs);
  }

  function showRefreshError(error) {
    if (error instanceof ApiError && (error.status === 401 || error.status === 403)) signedOut(error.message);
    else $("refreshed").textContent = `Refresh failed: ${error.message}`;
  }

  // ---- dashboard ----

  async function refreshDashboard() {
    const status = await call("ops/status");
    const vendor = status.vendor;
    const state = $("vendor-state");
    state.textContent = vendor.state;
    state.dataset.state = vendor.state;
    const since = vendor.state === "misconfigured" ? vendor.misconfiguredSince : vendor.downSince;
    $("vendor-since").textContent = since ? `since ${when(since)}` : "";
    definitions("vendor-details", [
      ["circuit", vendor.circuit],
      ["consecutive failures", vendor.consecutiveFailures],
      ["open until", when(vendor.openUntil)],
      ["last success", when(vendor.lastSuccessAt)],
      ["key refused for", vendor.keyRefusedFor],
    ]);
    const inFlight = status.inFlight;
    $("in-flight-total").textContent = inFlight.total;
    definitions("in-flight-details", [
      ...Object.entries(inFlight.byStatus).map(([s, n]) => [s, n]),
      ["oldest not posted", inFlight.oldestNotPostedAgeSeconds == null ? "none" : `${inFlight.oldestNotPostedAgeSeconds} s (accepted ${when(inFlight.oldestNotPostedAcceptedAt)})`],
      ["not split by status", inFlight.unread || ""],
    ]);
    definitions("trouble-details", [
      ["poisoned messages", status.poisonedMessages],
      ["failed batches", status.queues.batchesPoison],
      ["payments queue", status.queues.payments],
    ]);
    definitions("last-24-hours", Object.entries(status.last24Hours.byStatus).map(([s, n]) => [s, n]));
    drawHourly(status.last24Hours.hourly);
    const { deadlines } = await call("ops/deadlines");
    const rows = $("deadline-table").tBodies[0];
    rows.replaceChildren(...deadlines.map((d) => {
      const row = el("tr");
      row.dataset.deadline = d.name;
      const t = d.total;
      row.append(el("td", d.name), el("td", d.payBy), el("td", d.coverageStart), el("td", t.met), el("td", t.posted), el("td", t.inFlight), el("td", t.declined), el("td", t.failed), el("td", t.allPosted ? "yes" : "no"));
      return row;
    }));
    show("deadlines", deadlines.length > 0);
    $("refreshed").textContent = `Updated ${when(status.generatedAt)}; refreshes every ${refreshMs / 1000} s.`;
  }

  function drawHourly(hours) {
    if (typeof Chart === "undefined") return;
    const statuses = ["posted", "declined", "action_required", "failed"];
    const colors = { posted: "#2e7d32", declined: "#b26a00", action_required: "#1565c0", failed: "#c62828" };
    const labels = hours.map((h) => h.hour.slice(11) + ":00");
    const datasets = statuses.map((s) => ({ label: s, data: hours.map((h) => h.byStatus[s] || 0), backgroundColor: colors[s] }));
    if (!chart) {
      chart = new Chart($("hourly"), {
        type: "bar",
        data: { labels, datasets },
        options: { animation: false, responsive: true, maintainAspectRatio: false, scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true } } },
      });
    } else {
      chart.data.labels = labels;
      chart.data.datasets.forEach((d, i) => { d.data = datasets[i].data; });
      chart.update();
    }
  }

  // ---- poison ----

  async function loadPoison() {
    const listing = await call("ops/poison?pageSize=100");
    $("poison-total").textContent = `${listing.total} poisoned message(s)`;
    const body = $("poison-groups").tBodies[0];
    body.replaceChildren();
    for (const group of listing.groups) {
      const row = el("tr");
      row.dataset.fingerprint = group.fingerprint;
      const example = el("td");
      const exampleButton = el("button", group.exampleMessage);
      exampleButton.type = "button";
      exampleButton.setAttribute("aria-label", `Show message ${group.exampleMessage}`);
      exampleButton.addEventListener("click", () => showMessage(group.exampleMessage));
      example.append(exampleButton);
      const actions = el("td");
      const dry = el("button", "Dry run");
      dry.type = "button";
      dry.setAttribute("aria-label", `Dry run: replay the ${group.count} message(s) of ${group.fingerprint}`);
      dry.addEventListener("click", () => planReplay({ fingerprint: group.fingerprint }, `the ${group.count} message(s) of ${group.fingerprint}`));
      actions.append(dry);
      row.append(el("td", group.fingerprint), el("td", group.exceptionType), el("td", group.origin), el("td", group.count), el("td", when(group.newestAt)), example, actions);
      body.append(row);
    }
  }

  async function showMessage(id) {
    const message = await call(`ops/poison/${encodeURIComponent(id)}`);
    $("poison-message-id").textContent = id;
    $("poison-message-body").textContent = JSON.stringify(message, null, 2);
    show("poison-message", true);
  }

  async function planReplay(selection, what) {
    const plan = await call("ops/poison/replay", { method: "POST", body: { ...selection, dryRun: true } });
    plannedReplay = { selection, what, count: plan.replayed.length };
    $("replay-plan-summary").textContent = `A replay of ${what} would put back ${plan.replayed.length} message(s) and skip ${plan.skipped.length}.`;
    const skips = $("replay-plan-skips");
    skips.replaceChildren(...plan.skipped.map((s) => el("li", `${s.id}: ${s.reason}`)));
    $("replay-confirm-open").disabled = plan.replayed.length === 0;
    show("replay-plan", true);
  }

  async function replay() {
    $("replay-dialog").close();
    const { selection } = plannedReplay;
    const result = await call("ops/poison/replay", { method: "POST", body: { ...selection, dryRun: false } });
    const skipped = result.skipped.map((s) => `${s.id} (${s.reason})`).join(", ");
    $("replay-result").textContent = `Replayed ${result.replayed.length}; skipped ${result.skipped.length}${skipped ? ": " + skipped : ""}.`;
    show("replay-plan", false);
    plannedReplay = null;
    await loadPoison();
  }

  // ---- payments ----

  async function lookup(text) {
    $("lookup-error").textContent = "";
    $("member-payments").replaceChildren();
    show("payment", false);
    try {
      if (/^pay_[0-9a-f]{32}$/.test(text)) {
        await showPayment(text);
        return;
      }
      const listing = await call(`payments?memberId=${encodeURIComponent(text)}`);
      if (listing.payments.length === 0) {
        $("lookup-error").textContent = `No payments of member ${text}.`;
        return;
      }
      for (const p of listing.payments) {
        const item = el("li");
        const button = el("button", `${p.paymentId} · ${p.status} · ${money(p)} · accepted ${when(p.acceptedAt)}`);
        button.type = "button";
        button.addEventListener("click", () => showPayment(p.paymentId));
        item.append(button);
        $("member-payments").append(item);
      }
    } catch (error) {
      $("lookup-error").textContent = error.message;
    }
  }

  async function showPayment(id) {
    const [payment, history] = await Promise.all([call(`payments/${id}`), call(`payments/${id}/history`)]);
    $("payment-id").textContent = payment.paymentId;
    definitions("payment-details", [
      ["status", payment.status],
      ["member", payment.memberId],
      ["amount", money(payment)],
      ["kind", payment.kind],
      ["description", payment.description],
      ["accepted at", when(payment.acceptedAt)],
      ["posted at", when(payment.postedAt)],
      ["attempts", payment.attempts],
      ["vendor reference", payment.vendorReference],
      ["last error", payment.lastError],
      ["decline code", payment.declineCode],
      ["next attempt at", when(payment.nextAttemptAt)],
      ["batch", payment.batchId ? `${payment.batchId} line ${payment.batchLine}` : ""],
    ]);
    const timeline = $("timeline");
    timeline.replaceChildren();
    for (const move of history.moves) {
      const item = el("li");
      item.dataset.cause = move.cause;
      item.append(
        el("time", when(move.at)),
        el("span", `${move.from ?? "—"} → ${move.to}`, "move"),
        el("span", move.cause, "cause"),
        el("span", `by ${move.actor}`, "actor"),
        el("span", `attempt ${move.attempt}`, "attempt"));
      if (move.vendorReference) item.append(el("span", move.vendorReference, "reference"));
      if (move.code) item.append(el("span", `code ${move.code}`, "code"));
      if (move.detail) item.append(el("span", move.detail, "detail"));
      timeline.append(item);
    }
    show("payment", true);
  }

  // ---- batches ----

  const cells = (row, values) => row.append(...values.map((v) => el("td", v)));

  async function loadBatches() {
    const { batches } = await call("ops/batches?limit=50");
    const body = $("batch-list").tBodies[0];
    body.replaceChildren(...batches.map((b) => {
      const row = el("tr");
      row.dataset.batch = b.batchId;
      const open = el("button", b.batchId);
      open.type = "button";
      open.addEventListener("click", () => showBatch(b.batchId));
      const first = el("td");
      first.append(open);
      row.append(first);
      cells(row, [when(b.receivedAt), b.status, b.lines, b.linesProcessed, b.status === "complete" ? b.acceptedCount : "", b.status === "complete" ? b.rejectedCount : ""]);
      return row;
    }));
  }

  async function showBatch(id) {
    const report = await call(`batches/${encodeURIComponent(id)}`);
    $("batch-id").textContent = report.batchId;
    definitions("batch-details", [
      ["status", report.status], ["received", when(report.receivedAt)], ["lines", report.lines],
      ["accepted", report.acceptedCount], ["rejected", report.rejectedCount], ["bytes", report.bytes], ["content hash", report.contentHash],
    ]);
    const body = $("batch-rejected").tBodies[0];
    body.replaceChildren(...(report.rejected || []).map((r) => {
      const row = el("tr");
      cells(row, [r.line, r.reasons.join("; ")]);
      return row;
    }));
    show("batch", true);
  }

  // ---- audit ----

  async function loadAudit() {
    if (!$("audit-day").value) $("audit-day").value = new Date().toISOString().slice(0, 10);
    const { entries } = await call(`ops/audit?day=${encodeURIComponent($("audit-day").value)}`);
    const body = $("audit-entries").tBodies[0];
    body.replaceChildren(...entries.map((e) => {
      const row = el("tr");
      cells(row, [when(e.at), e.who, e.action, e.count, e.details]);
      return row;
    }));
  }

  // ---- wiring ----

  $("key-form").addEventListener("submit", (event) => {
    event.preventDefault();
    sessionStorage.setItem(keyName, $("ops-key").value);
    $("ops-key").value = "";
    start().catch((error) => signedOut(error.message));
  });
  $("sign-out").addEventListener("click", () => {
    sessionStorage.removeItem(keyName);
    signedOut("Signed out.");
  });
  for (const button of document.querySelectorAll("#sections [data-section]")) {
    button.addEventListener("click", () => open(button.dataset.section));
  }
  $("poison-refresh").addEventListener("click", () => loadPoison());
  $("batches-refresh").addEventListener("click", () => loadBatches());
  $("audit-form").addEventListener("submit", (event) => {
    event.preventDefault();
    loadAudit();
  });
  $("dry-run-all").addEventListener("click", () => planReplay({ all: true }, "all poisoned messages"));
  $("replay-confirm-open").addEventListener("click", () => {
    $("replay-dialog-text").textContent = `Replay ${plannedReplay.what}: ${plannedReplay.count} message(s) go back to the payments queue.`;
    $("replay-dialog").showModal();
  });
  $("replay-confirm").addEventListener("click", () => replay().catch((error) => { $("replay-result").textContent = `Replay failed: ${error.message}`; }));
  $("replay-cancel").addEventListener("click", () => $("replay-dialog").close());
  $("lookup-form").addEventListener("submit", (event) => {
    event.preventDefault();
    lookup($("lookup").value.trim());
  });

  start().catch((error) => signedOut(error.message));
})();
