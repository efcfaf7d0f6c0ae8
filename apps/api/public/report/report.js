/* The self-report page a link in a message opens (issue 17): the organisation's footprint and milestones
   for the link's programme, prefilled; one report sends what changed; an acknowledgement; an extension
   request. Every call is the GraphQL API with the session's cookie and CSRF token, as a reporter of this
   one organisation. htm over Preact escapes every interpolated string. */
import { html, render, useEffect, useRef, useState } from '/ui/preact-htm.js';
import { client } from '/ui/graphql.js';

const STATES = [
  ['NOT_STARTED', 'Not started'],
  ['IN_PROGRESS', 'In progress'],
  ['BLOCKED', 'Blocked'],
  ['DONE', 'Done'],
];
const STATUS_WORDS = { COMPLETE: 'Complete', ON_TRACK: 'On track', AT_RISK: 'At risk', OVERDUE: 'Overdue', NOT_REPORTING: 'Not reporting' };

const ORGANISATION = `query Report($id: ID!, $programmeId: ID) {
  organisation(id: $id) {
    id name externalKey version lastReportedAt
    status(programmeId: $programmeId) { status reasons { code message } }
    footprint(programmeId: $programmeId) { id version environment endpointCount endpointsRemaining replacementProduct replacementChosenByOrganisation
      productName vendor product { name } }
    milestones(programmeId: $programmeId) { id version key name track targetAt state evidence blockedReason verified reportedBy reportedAt }
    extensions { id milestoneId state requestedTargetAt justification decisionNote }
  }
  reminderState(organisationId: $id, programmeId: $programmeId) { acknowledgedAt pausedUntil currentLevel }
}`;

const SUBMIT = `mutation Submit($input: SelfReportInput!) { submitSelfReport(input: $input) { organisation { id version } } }`;
const ACKNOWLEDGE = `mutation Ack($id: ID!, $programmeId: ID) { acknowledgeReminders(organisationId: $id, programmeId: $programmeId) { pausedUntil currentLevel } }`;
const EXTENSION = `mutation Ext($input: RequestExtensionInput!) { requestExtension(input: $input) { id state requestedTargetAt } }`;

const day = (iso) => (iso ? new Date(iso).toLocaleDateString('en-US', { year: 'numeric', month: 'long', day: 'numeric' }) : '');
const deploymentName = (f) => `${f.productName || f.product?.name || 'Product'}${f.vendor ? ` inside ${f.vendor}` : ''} (${f.environment})`;

/** What the person typed, per row, starting from what the tracker holds. */
function draftOf(org) {
  return {
    footprint: Object.fromEntries(
      org.footprint.map((f) => [
        f.id,
        {
          endpointsRemaining: String(f.endpointsRemaining),
          replacementProduct: f.replacementProduct ?? '',
          replacementChosenByOrganisation: !!f.replacementChosenByOrganisation,
        },
      ]),
    ),
    milestones: Object.fromEntries(org.milestones.map((m) => [m.id, { state: m.state, evidence: m.evidence ?? '', blockedReason: m.blockedReason ?? '' }])),
  };
}

/** The rows the person changed, as the self-report input wants them (at the versions last read). */
function changesOf(org, draft) {
  const footprint = [];
  for (const f of org.footprint) {
    const d = draft.footprint[f.id];
    const changed =
      d.endpointsRemaining !== String(f.endpointsRemaining) ||
      d.replacementProduct !== (f.replacementProduct ?? '') ||
      d.replacementChosenByOrganisation !== !!f.replacementChosenByOrganisation;
    if (!changed) continue;
    footprint.push({
      id: f.id,
      version: f.version,
      endpointsRemaining: Number(d.endpointsRemaining),
      ...(d.replacementProduct.trim()
        ? { replacementProduct: d.replacementProduct.trim(), replacementChosenByOrganisation: d.replacementChosenByOrganisation }
        : {}),
    });
  }
  const milestones = [];
  for (const m of org.milestones) {
    const d = draft.milestones[m.id];
    if (d.state === m.state && d.evidence === (m.evidence ?? '') && d.blockedReason === (m.blockedReason ?? '')) continue;
    milestones.push({
      id: m.id,
      version: m.version,
      state: d.state,
      ...(d.evidence.trim() ? { evidence: d.evidence.trim() } : {}),
      ...(d.state === 'BLOCKED' && d.blockedReason.trim() ? { blockedReason: d.blockedReason.trim() } : {}),
    });
  }
  return { footprint, milestones };
}

/** Problems the page can see before sending (the server checks again and has the last word). */
function problemsOf(org, draft) {
  const problems = {};
  for (const f of org.footprint) {
    const value = draft.footprint[f.id].endpointsRemaining;
    if (!/^\d+$/.test(value)) problems[`fp-${f.id}`] = 'Enter a whole number, 0 or more.';
  }
  for (const m of org.milestones) {
    const d = draft.milestones[m.id];
    if (d.state === 'BLOCKED' && !d.blockedReason.trim()) problems[`ms-${m.id}`] = 'Say what blocks it.';
  }
  return problems;
}

function Notice({ notice, focusRef }) {
  if (!notice) return html`<div role="status" aria-live="polite" class="visually-hidden"></div>`;
  return html`<div
    ref=${focusRef}
    tabindex="-1"
    role=${notice.kind === 'error' ? 'alert' : 'status'}
    aria-live="polite"
    class=${`notice ${notice.kind}`}
    data-testid="notice"
  >
    ${notice.text}
  </div>`;
}

function FootprintRow({ f, draft, set, problem, conflict }) {
  const d = draft.footprint[f.id];
  const id = `fp-${f.id}`;
  return html`<fieldset class="card" data-testid="footprint-row">
    <legend>${deploymentName(f)}</legend>
    ${conflict && html`<p class="conflict" data-testid="conflict">Changed by someone else while you typed: the tracker now holds ${conflict}. Your entry is kept below; check it and send again.</p>`}
    <label for=${id}>Endpoints still running it (of ${f.endpointCount})</label>
    <input
      id=${id}
      name=${id}
      type="number"
      inputmode="numeric"
      min="0"
      max=${f.endpointCount}
      value=${d.endpointsRemaining}
      aria-invalid=${problem ? 'true' : undefined}
      aria-describedby=${problem ? `${id}-problem` : undefined}
      onInput=${(e) => set('footprint', f.id, 'endpointsRemaining', e.currentTarget.value)}
    />
    ${problem && html`<small id=${`${id}-problem`} class="problem">${problem}</small>`}
    <label for=${`${id}-replacement`}>Replacement product</label>
    <input
      id=${`${id}-replacement`}
      type="text"
      maxlength="200"
      value=${d.replacementProduct}
      autocomplete="off"
      onInput=${(e) => set('footprint', f.id, 'replacementProduct', e.currentTarget.value)}
    />
    <label>
      <input
        type="checkbox"
        checked=${d.replacementChosenByOrganisation}
        onChange=${(e) => set('footprint', f.id, 'replacementChosenByOrganisation', e.currentTarget.checked)}
      />
      We chose this replacement ourselves (it was not pushed to us by a vendor)
    </label>
  </fieldset>`;
}

function MilestoneRow({ m, draft, set, problem, conflict }) {
  const d = draft.milestones[m.id];
  const id = `ms-${m.id}`;
  return html`<fieldset class="card" data-testid="milestone-row">
    <legend>${m.name} (${m.track}) — target ${day(m.targetAt)}${m.verified ? ' — verified by your liaison' : ''}</legend>
    ${conflict && html`<p class="conflict" data-testid="conflict">Changed by someone else while you typed: the tracker now holds ${conflict}. Your entry is kept below; check it and send again.</p>`}
    <label for=${id}>State</label>
    <select id=${id} name=${id} value=${d.state} onChange=${(e) => set('milestones', m.id, 'state', e.currentTarget.value)}>
      ${STATES.map(([value, label]) => html`<option value=${value} selected=${d.state === value}>${label}</option>`)}
    </select>
    ${
      d.state === 'BLOCKED' &&
      html` <label for=${`${id}-blocked`}>What blocks it</label>
        <textarea
          id=${`${id}-blocked`}
          rows="2"
          maxlength="2000"
          aria-invalid=${problem ? 'true' : undefined}
          aria-describedby=${problem ? `${id}-problem` : undefined}
          onInput=${(e) => set('milestones', m.id, 'blockedReason', e.currentTarget.value)}
        >
${d.blockedReason}</textarea>
        ${problem && html`<small id=${`${id}-problem`} class="problem">${problem}</small>`}`
    }
    <label for=${`${id}-evidence`}>Evidence (what shows it, e.g. a ticket or a report)</label>
    <textarea id=${`${id}-evidence`} rows="2" maxlength="10000" onInput=${(e) => set('milestones', m.id, 'evidence', e.currentTarget.value)}>
${d.evidence}</textarea>
  </fieldset>`;
}

function ExtensionForm({ org, gql, programmeId, onDone, say }) {
  const open = org.milestones.filter((m) => m.state !== 'DONE');
  const [milestoneId, setMilestone] = useState(open[0]?.id ?? '');
  const [date, setDate] = useState('');
  const [justification, setJustification] = useState('');
  const [busy, setBusy] = useState(false);
  if (open.length === 0) return html`<p>Every milestone is reported done: there is nothing to extend.</p>`;
  const requested = org.extensions.filter((e) => e.state === 'REQUESTED');
  async function submit(event) {
    event.preventDefault();
    if (!date) return say('error', 'Choose the date you are asking for.');
    if (justification.trim().length < 10)
      return say('error', 'Say why in at least 10 characters (the maintenance window you wait for, the vendor certification, …).');
    setBusy(true);
    try {
      await gql(EXTENSION, { input: { milestoneId, requestedTargetAt: new Date(`${date}T23:59:59Z`).toISOString(), justification: justification.trim() } });
      setJustification('');
      say('success', 'Your extension request was sent to your sector liaison, who will grant or deny it.');
      await onDone();
    } catch (error) {
      say('error', `The request was not sent: ${error.message}`);
    } finally {
      setBusy(false);
    }
    void programmeId;
  }
  return html`<form onSubmit=${submit} data-testid="extension-form">
    ${requested.length > 0 && html`<p>${requested.length} request(s) waiting for your liaison's decision.</p>`}
    <label for="ext-milestone">Milestone</label>
    <select id="ext-milestone" value=${milestoneId} onChange=${(e) => setMilestone(e.currentTarget.value)}>
      ${open.map((m) => html`<option value=${m.id} selected=${m.id === milestoneId}>${m.name} (${m.track}), target ${day(m.targetAt)}</option>`)}
    </select>
    <label for="ext-date">New target date</label>
    <input id="ext-date" type="date" value=${date} onInput=${(e) => setDate(e.currentTarget.value)} />
    <label for="ext-why">Why (for example the maintenance window you wait for)</label>
    <textarea id="ext-why" rows="3" maxlength="10000" onInput=${(e) => setJustification(e.currentTarget.value)}>${justification}</textarea>
    <button type="submit" class="secondary" aria-busy=${busy ? 'true' : undefined} disabled=${busy}>Request the extension</button>
  </form>`;
}

function ReportPage({ me, gql }) {
  const programmeId = me.programme.id;
  const [org, setOrg] = useState(null);
  const [reminders, setReminders] = useState(null);
  const [draft, setDraft] = useState(null);
  const [problems, setProblems] = useState({});
  const [conflicts, setConflicts] = useState({});
  const [notice, setNotice] = useState(null);
  const [busy, setBusy] = useState(false);
  const noticeRef = useRef(null);

  const say = (kind, text) => setNotice({ kind, text, at: Date.now() });
  useEffect(() => noticeRef.current?.focus(), [notice]);

  async function load() {
    const data = await gql(ORGANISATION, { id: me.organisation.id, programmeId });
    setOrg(data.organisation);
    setReminders(data.reminderState);
    return data.organisation;
  }

  useEffect(() => {
    load()
      .then((o) => setDraft(draftOf(o)))
      .catch((error) => say('error', `Your organisation could not be loaded: ${error.message}`));
  }, []);

  if (!org || !draft)
    return html`<p aria-busy="true">Loading your organisation…</p>
      <${Notice} notice=${notice} focusRef=${noticeRef} />`;

  const set = (part, id, field, value) => setDraft((d) => ({ ...d, [part]: { ...d[part], [id]: { ...d[part][id], [field]: value } } }));

  async function submit(event) {
    event.preventDefault();
    const found = problemsOf(org, draft);
    setProblems(found);
    if (Object.keys(found).length) return say('error', 'Some entries need a look: they are marked below.');
    const changes = changesOf(org, draft);
    if (!changes.footprint.length && !changes.milestones.length) return say('error', 'Nothing has changed yet: change a count or a milestone first.');
    setBusy(true);
    try {
      await gql(SUBMIT, { input: { organisationId: org.id, ...changes } });
      const fresh = await load();
      setDraft(draftOf(fresh));
      setConflicts({});
      say(
        'success',
        `Thank you: your report was saved (${changes.footprint.length} count(s), ${changes.milestones.length} milestone(s)). Your liaison will verify what you reported done.`,
      );
    } catch (error) {
      if (error.code === 'CONFLICT') {
        // someone else changed a row meanwhile: read it again, keep what was typed, show what changed
        const fresh = await load();
        const changed = {};
        for (const f of fresh.footprint) {
          const before = org.footprint.find((x) => x.id === f.id);
          if (before && before.version !== f.version)
            changed[f.id] = `${f.endpointsRemaining} remaining${f.replacementProduct ? `, replacement ${f.replacementProduct}` : ''}`;
        }
        for (const m of fresh.milestones) {
          const before = org.milestones.find((x) => x.id === m.id);
          if (before && before.version !== m.version)
            changed[m.id] = `${STATES.find(([v]) => v === m.state)?.[1] ?? m.state}${m.reportedBy ? ` (reported by ${m.reportedBy})` : ''}`;
        }
        setConflicts(changed);
        say(
          'error',
          'Someone else changed this report while you were typing. Your entries are kept; the rows marked below show what changed. Check them and send again.',
        );
      } else {
        say('error', `Your report was not saved: ${error.message}`);
      }
    } finally {
      setBusy(false);
    }
  }

  async function acknowledge() {
    try {
      const data = await gql(ACKNOWLEDGE, { id: org.id, programmeId });
      setReminders((r) => ({ ...r, ...data.acknowledgeReminders, acknowledgedAt: new Date().toISOString() }));
      say('success', `Acknowledged: escalation is held until ${day(data.acknowledgeReminders.pausedUntil)} while you work. It climbs again if nothing moves.`);
    } catch (error) {
      say('error', `Not acknowledged: ${error.message}`);
    }
  }

  const status = org.status;
  return html` <hgroup>
      <h1>${org.name}</h1>
      <p>${me.programme.name}: updates end ${day(me.programme.updatesCutoff)}</p>
    </hgroup>
    <div class="row-actions">
      <span>Signed in as <strong>${me.contact?.name ?? me.label}</strong> through your link.</span>
      <form method="post" action="/link/sign-out"><button type="submit" class="outline secondary">Sign out</button></form>
    </div>
    <${Notice} notice=${notice} focusRef=${noticeRef} />
    <section aria-labelledby="status-heading">
      <h2 id="status-heading">Where you stand</h2>
      <p data-testid="status">
        <strong>${STATUS_WORDS[status.status] ?? status.status}</strong>${org.lastReportedAt ? `; last report ${day(org.lastReportedAt)}` : '; no report yet'}.
      </p>
      ${
        status.reasons.length > 0 &&
        html`<ul>
          ${status.reasons.map((r) => html`<li>${r.message}</li>`)}
        </ul>`
      }
    </section>
    <form onSubmit=${submit} data-testid="report-form" novalidate>
      <h2>Endpoints still running it</h2>
      ${org.footprint.length === 0 && html`<p>No deployments are recorded. If you run it anywhere, tell your sector liaison.</p>`}
      ${org.footprint.map((f) => html`<${FootprintRow} key=${f.id} f=${f} draft=${draft} set=${set} problem=${problems[`fp-${f.id}`]} conflict=${conflicts[f.id]} />`)}
      <h2>Milestones</h2>
      ${org.milestones.map((m) => html`<${MilestoneRow} key=${m.id} m=${m} draft=${draft} set=${set} problem=${problems[`ms-${m.id}`]} conflict=${conflicts[m.id]} />`)}
      <button type="submit" aria-busy=${busy ? 'true' : undefined} disabled=${busy}>Send the report</button>
    </form>
    <section aria-labelledby="ack-heading">
      <h2 id="ack-heading">Acknowledge the reminder</h2>
      <p>
        Acknowledging holds escalation for a while as you work; it does not replace a
        report.${reminders?.pausedUntil ? ` Held until ${day(reminders.pausedUntil)}.` : ''}
      </p>
      <button type="button" class="secondary" onClick=${acknowledge}>Acknowledge</button>
    </section>
    <section aria-labelledby="ext-heading">
      <h2 id="ext-heading">Ask for more time</h2>
      <${ExtensionForm} org=${org} gql=${gql} programmeId=${programmeId} onDone=${load} say=${say} />
    </section>`;
}

function Ended({ message }) {
  return html`<h1>Your session has ended</h1>
    <p>${message}</p>
    <p>Open the link in your most recent reminder or invitation again. If it has expired, its page offers to send you a new one.</p>`;
}

async function start() {
  const app = document.getElementById('app');
  const answer = await fetch('/link/session', { credentials: 'same-origin', cache: 'no-store' }).catch(() => null);
  if (!answer || !answer.ok) {
    const body = answer ? await answer.json().catch(() => ({})) : {};
    render(html`<${Ended} message=${body.message ?? 'The tracker could not be reached.'} />`, app);
    return;
  }
  const { csrfToken } = await answer.json();
  const gql = client({ csrf: csrfToken });
  try {
    const { me } = await gql('{ me { id kind label role organisation { id name } contact { id name } programme { id name updatesCutoff } } }');
    app.textContent = '';
    render(html`<${ReportPage} me=${me} gql=${gql} />`, app);
  } catch (error) {
    render(html`<${Ended} message=${error.message} />`, app);
  }
}

start();
