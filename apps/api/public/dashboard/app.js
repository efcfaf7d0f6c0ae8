/* The dashboard: every figure comes from the GraphQL API, with the token the user gives or the staff
   session signing in through the agency's identity provider opened (/ui/sign-in.js). */
(function () {
  'use strict';
  const STATUS_COLOURS = { COMPLETE: '#46c98b', ON_TRACK: '#4fb3ff', AT_RISK: '#ffb84d', OVERDUE: '#ff6b6b', NOT_REPORTING: '#a58cff' };
  const STATUSES = Object.keys(STATUS_COLOURS);
  const $ = (id) => document.getElementById(id);
  const fmt = (n) => (n === null || n === undefined ? 'n/a' : Number(n).toLocaleString('en-US'));
  const pct = (x) => (x === null || x === undefined ? 'n/a' : `${(x * 100).toFixed(1)}%`);
  const esc = (s) => String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
  const charts = {};
  let token = '';
  // a staff session's CSRF token: the session itself is an HttpOnly cookie this page never sees
  let csrf = '';

  // Persisted queries: the page's documents are queries.graphql, which the API knows; the page sends an
  // operation's hash (from /dashboard/queries.json) and its variables, never the document.
  let hashes = null;
  async function loadHashes() {
    hashes = await (await fetch('/dashboard/queries.json', { cache: 'no-cache' })).json();
  }

  async function gql(operation, variables, retried) {
    if (!hashes) await loadHashes();
    const response = await fetch('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : csrf ? { 'x-csrf-token': csrf } : {}) },
      credentials: 'same-origin',
      body: JSON.stringify({ persisted: true, query: hashes[operation], variables }),
    });
    const body = await response.json();
    // the API was updated while this page stayed open: take its hashes again, once
    if (!retried && body.errors && body.errors.some((e) => e.extensions && e.extensions.code === 'PERSISTED_QUERY_NOT_FOUND')) {
      await loadHashes();
      return gql(operation, variables, true);
    }
    return body;
  }

  function show(message) {
    $('message').textContent = message;
    $('message').hidden = !message;
  }

  function chart(id, config) {
    if (charts[id]) charts[id].destroy();
    charts[id] = new Chart($(id), config);
  }

  Chart.defaults.color = '#c9d5e1';
  Chart.defaults.borderColor = '#243244';

  function countdown(cutoff, now) {
    const ms = new Date(cutoff) - new Date(now);
    const days = Math.floor(Math.abs(ms) / 86400000);
    const hours = Math.floor((Math.abs(ms) % 86400000) / 3600000);
    $('countdown-value').textContent = `${days}d ${hours}h`;
    $('countdown-label').textContent = ms >= 0 ? 'to the cutoff' : 'past the cutoff';
  }

  async function load() {
    show('');
    const base = await gql('DashboardFigures');
    if (base.errors) {
      if (csrf && !token && base.errors[0]?.extensions?.code === 'UNAUTHENTICATED') {
        csrf = '';
        staffSignedIn(null, true);
        show('Your session has ended: sign in again.');
        $('content').hidden = true;
        return;
      }
      show(`Could not load: ${base.errors.map((e) => e.message).join('; ')}`);
      $('content').hidden = true;
      return;
    }
    const d = base.data;
    $('content').hidden = false;
    $('programme-name').textContent = d.programme.name;
    $('programme-regulation').textContent =
      `${d.programme.regulation} · cutoff ${new Date(d.programme.updatesCutoff).toUTCString()}${d.serverTime.simulated ? ' · simulated time ' + d.serverTime.now : ''}`;
    countdown(d.programme.updatesCutoff, d.serverTime.now);

    const s = d.programmeSummary;
    document.querySelector('[data-testid="organisations"]').textContent = fmt(s.organisations);
    document.querySelector('[data-testid="endpoints-remaining"]').textContent = fmt(s.endpointsRemaining);
    document.querySelector('[data-testid="endpoints-total"]').textContent = fmt(s.endpointsTotal);
    document.querySelector('[data-testid="share-removed"]').textContent = pct(s.shareRemoved);
    document.querySelector('[data-testid="share-verified"]').textContent = pct(s.shareVerified);
    document.querySelector('[data-testid="milestones-overdue"]').textContent = fmt(s.milestonesOverdue);
    document.querySelector('[data-testid="extensions"]').textContent = `${fmt(s.extensionsOpen)} / ${fmt(s.extensionsGranted)}`;

    chart('status-chart', {
      type: 'doughnut',
      data: {
        labels: s.byStatus.map((b) => b.status.replace('_', ' ')),
        datasets: [{ data: s.byStatus.map((b) => b.organisations ?? 0), backgroundColor: s.byStatus.map((b) => STATUS_COLOURS[b.status]) }],
      },
      options: { maintainAspectRatio: false, plugins: { legend: { position: 'right' } }, animation: false },
    });

    const b = d.burndown;
    $('projection').textContent = b.projectedFinish
      ? `at ${fmt(Math.round(b.pacePerDay))} endpoints/day, done by ${b.projectedFinish}`
      : 'no finish in sight at the current pace';
    chart('burndown-chart', {
      type: 'line',
      data: {
        labels: b.points.map((p) => p.day),
        datasets: [
          {
            label: 'Endpoints remaining',
            data: b.points.map((p) => p.endpointsRemaining),
            borderColor: '#ff6b6b',
            backgroundColor: 'rgba(255,107,107,.15)',
            fill: true,
            yAxisID: 'y',
            pointRadius: 0,
          },
          { label: 'Organisations not done', data: b.points.map((p) => p.organisationsNotDone), borderColor: '#4fb3ff', yAxisID: 'y1', pointRadius: 0 },
        ],
      },
      options: {
        maintainAspectRatio: false,
        animation: false,
        interaction: { mode: 'index', intersect: false },
        scales: { y: { beginAtZero: true }, y1: { beginAtZero: true, position: 'right', grid: { drawOnChartArea: false } } },
      },
    });

    const max = Math.max(1, ...d.sectors.flatMap((r) => r.byStatus.map((x) => x.organisations ?? 0)));
    $('heatmap').innerHTML =
      `<tr><th>Sector</th>${STATUSES.map((st) => `<th>${st.replace('_', ' ')}</th>`).join('')}<th>removed</th></tr>` +
      d.sectors
        .map(
          (r) =>
            `<tr data-sector="${esc(r.key)}"><td>${esc(r.label)}</td>${STATUSES.map((st) => {
              const n = r.byStatus.find((x) => x.status === st)?.organisations;
              const alpha = n === null || n === undefined ? 0 : 0.15 + 0.85 * (n / max);
              const colour = STATUS_COLOURS[st];
              return `<td data-status="${st}" style="background:${n === null ? '#2a3440' : colour}${
                n === null
                  ? ''
                  : Math.round(alpha * 255)
                      .toString(16)
                      .padStart(2, '0')
              }">${n === null ? '&lt;5' : fmt(n)}</td>`;
            }).join('')}<td>${pct(r.shareRemoved)}</td></tr>`,
        )
        .join('');

    chart('region-chart', {
      type: 'bar',
      data: {
        labels: d.regions.map((r) => `R${r.key}`),
        datasets: [{ label: 'Share removed', data: d.regions.map((r) => (r.shareRemoved ?? 0) * 100), backgroundColor: '#46c98b' }],
      },
      options: {
        maintainAspectRatio: false,
        animation: false,
        indexAxis: 'y',
        scales: { x: { min: 0, max: 100, ticks: { callback: (v) => `${v}%` } } },
        plugins: { legend: { display: false } },
      },
    });
    $('regions').innerHTML =
      '<tr><th>Region</th><th>Orgs</th><th>Remaining</th></tr>' +
      d.regions
        .map((r) => `<tr data-region="${esc(r.key)}"><td>${esc(r.label)}</td><td>${fmt(r.organisations)}</td><td>${fmt(r.endpointsRemaining)}</td></tr>`)
        .join('');

    // reported and verified side by side; a viewer sees no verified figures (n/a) and small rows as <5
    $('products').innerHTML =
      '<tr><th>Product</th><th>Orgs</th><th>Endpoints</th><th>Remaining (reported)</th><th>Remaining (verified)</th><th>of endpoints verified</th><th>Stale reports</th><th>Stale verifications</th></tr>' +
      d.products
        .map(
          (r) =>
            `<tr data-product="${esc(r.key)}"><td>${esc(r.label)}</td>${
              r.suppressed
                ? '<td colspan="7">&lt;5</td>'
                : `<td>${fmt(r.organisations)}</td><td>${fmt(r.endpointsTotal)}</td>
        <td data-testid="reported">${fmt(r.endpointsRemaining)}</td><td data-testid="verified">${fmt(r.endpointsRemainingVerified)}</td><td>${fmt(r.endpointsVerified)}</td>
        <td>${fmt(r.reportsStale)}</td><td>${fmt(r.verificationsStale)}</td>`
            }</tr>`,
        )
        .join('');

    await loadAtRisk();
  }

  async function loadAtRisk() {
    const r = await gql('DashboardAtRisk');
    if (r.errors) {
      $('atrisk-total').textContent = '';
      $('atrisk').innerHTML =
        `<tr><td class="hint">${esc(r.errors[0].message)} — the at-risk list names organisations and needs a liaison or admin token.</td></tr>`;
      return;
    }
    $('atrisk-total').textContent = `${fmt(r.data.atRisk.totalCount)} organisations not complete, highest risk first`;
    $('atrisk').innerHTML =
      '<tr><th>Organisation</th><th>Sector</th><th>State</th><th>Status</th><th>Risk</th><th>Why</th></tr>' +
      r.data.atRisk.edges
        .map(
          ({
            node: e,
          }) => `<tr data-org="${e.organisation.id}"><td>${esc(e.organisation.name)}</td><td>${esc(e.organisation.primarySector.name)}</td><td>${esc(e.organisation.state.code)}</td>
        <td>${esc(e.status.replace('_', ' '))}</td><td class="score">${e.riskScore}</td><td>${e.reasons
          .slice(0, 2)
          .map((x) => `<span class="pill">${esc(x.message)}</span>`)
          .join('')}</td></tr>`,
        )
        .join('');
    for (const row of document.querySelectorAll('#atrisk tr[data-org]')) row.addEventListener('click', () => drill(row.dataset.org));
  }

  async function drill(id) {
    const r = await gql('DashboardOrganisation', { id });
    const panel = $('drilldown');
    if (r.errors) {
      panel.innerHTML = `<figcaption>Organisation</figcaption><p class="hint">${esc(r.errors[0].message)}</p>`;
      return;
    }
    const o = r.data.organisation;
    panel.innerHTML = `<figcaption>${esc(o.name)} <small>${esc(o.externalKey)}</small></figcaption>
      <p><b>${esc(o.status.status.replace('_', ' '))}</b> · last report ${o.lastReportedAt ? new Date(o.lastReportedAt).toISOString().slice(0, 10) : 'never'}${o.reportedAndVerified.reportStale ? ' (stale)' : ''}</p>
      <p data-testid="drill-reported-verified">remaining: ${fmt(o.reportedAndVerified.endpointsRemainingReported)} reported · ${fmt(o.reportedAndVerified.endpointsRemainingVerified)} verified
        on ${fmt(o.reportedAndVerified.endpointsVerified)} endpoints${o.reportedAndVerified.latestVerificationAt ? `, last verified ${new Date(o.reportedAndVerified.latestVerificationAt).toISOString().slice(0, 10)}` : ', never verified'}${o.reportedAndVerified.verificationStale ? ' (verification stale)' : ''}</p>
      <table data-testid="drill-milestones"><tr><th>Milestone</th><th>Target</th><th>State</th></tr>${o.milestones
        .map(
          (m) => `<tr><td>${esc(m.track)} ${esc(m.name)}</td>
        <td>${m.targetAt.slice(0, 10)}</td><td class="state-${m.state}">${esc(m.state.replace('_', ' '))}${m.verified ? ' ✓' : ''}</td></tr>`,
        )
        .join('')}</table>
      <h4>History</h4><table>${o.history.map((h) => `<tr><td>${h.occurredAt.slice(0, 10)}</td><td>${esc(h.actorRole)}</td><td>${esc(h.action)} ${esc(h.entityType)}</td></tr>`).join('')}</table>`;
  }

  // The token lives in this tab's sessionStorage only: never in the address (a link or a bookmark would keep
  // it in the browser's history and in every proxy log), never in localStorage (it would outlive the tab).
  const STORE = 'tracker-token';
  let refresh = null;
  function signedIn(value) {
    token = value;
    $('sign-out').hidden = !token && !csrf;
    if (refresh) clearInterval(refresh);
    refresh = token || csrf ? setInterval(() => void load(), 5 * 60 * 1000) : null;
  }

  /** A staff session (signed in through the identity provider): who, or the sign-in link when one is offered. */
  function staffSignedIn(session, offered) {
    csrf = session ? session.csrfToken : '';
    $('who').textContent = session ? `${session.label} (${session.role})` : '';
    $('who').hidden = !session;
    $('sign-in').hidden = !!session || !offered;
    signedIn(token);
  }

  $('token-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const value = $('token').value.trim();
    $('token').value = '';
    if (!value) return;
    sessionStorage.setItem(STORE, value);
    signedIn(value);
    void load();
  });

  $('sign-out').addEventListener('click', async () => {
    sessionStorage.removeItem(STORE);
    if (csrf) {
      await (await import('/ui/sign-in.js')).signOut();
      staffSignedIn(null, true);
    }
    signedIn('');
    for (const id of Object.keys(charts)) {
      charts[id].destroy();
      delete charts[id];
    }
    $('content').hidden = true;
    for (const el of document.querySelectorAll('[data-testid]')) if (el.tagName === 'B' || el.tagName === 'EM') el.textContent = '–';
    for (const id of ['heatmap', 'regions', 'atrisk']) $(id).innerHTML = '';
    $('drilldown').innerHTML = '<figcaption>Organisation</figcaption><p class="hint">Choose an organisation in the at-risk list.</p>';
    show('Signed out: this tab holds no token. Enter one to see the figures again.');
  });

  // a token in the address is never used: it is taken out of the address, and the page says why
  localStorage.removeItem(STORE); // where earlier versions kept it
  const linked = /(^|[#&?])token=/.test(location.hash + location.search);
  if (linked) history.replaceState(null, '', location.pathname);
  signedIn(sessionStorage.getItem(STORE) || '');
  if (token) void load();
  else
    void (async () => {
      // without a token typed in this tab: a staff session, if the tracker signs staff in through a provider
      const { staffSession } = await import('/ui/sign-in.js');
      const staff = await staffSession();
      staffSignedIn(staff?.session ?? null, !!staff?.signIn);
      if (csrf) return load();
      show(
        linked
          ? 'A token in a link is not used (it would stay in the browser history): paste it into the field above.'
          : staff?.signIn
            ? 'Sign in with your agency account, or enter an API token (a viewer token shows the figures; a liaison or admin token adds the at-risk list).'
            : 'Enter an API token (a viewer token shows the figures; a liaison or admin token adds the at-risk list).',
      );
    })();
})();
