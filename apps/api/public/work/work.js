/* A liaison's work page: what needs them in their sectors, oldest first, each with its action in place.
   Everything it shows and does goes through the tracker's GraphQL API with the staff member's own
   credential: workQueue to read, verifyMilestone, grantExtension, denyExtension and sendContactLink to act.
   htm escapes every interpolated value: nothing here writes HTML from a string. */
import { html, render, useEffect, useLayoutEffect, useRef, useState } from '/ui/preact-htm.js';
import { client } from '/ui/graphql.js';
import { signInHref, signOut as endProviderSession, staffSession as providerSession } from '/ui/sign-in.js';

/* ---------- Signing in: the one place that knows how. A pasted staff token, kept in this tab only and
   shared with the dashboard; or, when the tracker signs staff in through their identity provider
   (/ui/sign-in.js), the session that sign-in opened: an HttpOnly cookie this page never sees, and the
   CSRF token every request carries. A credential is { token } or { csrf }. ---------- */
function staffSession() {
  const STORE = 'tracker-token';
  return {
    credential: () => ({ token: sessionStorage.getItem(STORE) || '', csrf: '' }),
    /** Without a pasted token: the identity provider's session, if any, and whether its sign-in is offered. */
    async fromProvider() {
      const answer = await providerSession();
      return { credential: answer?.session ? { token: '', csrf: answer.session.csrfToken } : null, offered: !!answer?.signIn };
    },
    signIn: (token) => sessionStorage.setItem(STORE, token),
    async signOut(credential) {
      sessionStorage.removeItem(STORE);
      if (credential?.csrf) await endProviderSession();
    },
  };
}
const session = staffSession();

const PAGE_SIZE = 25;

const KINDS = {
  AWAITING_VERIFICATION: {
    label: 'Awaiting verification',
    defines:
      'The organisation reported its inventory milestone or its removal-verified milestone DONE, and no liaison has verified it yet. Only these two milestones count: their verification is what the status reads. Waiting since the report.',
  },
  EXTENSION_REQUEST: {
    label: 'Extension request',
    defines: 'An extension request no one has granted or denied yet. Waiting since it was requested.',
  },
  STALE_REPORT: {
    label: 'Stale report',
    defines: (staleDays) =>
      `The organisation has not reported for longer than the programme's stale period (${staleDays ? `${staleDays} days` : 'staleReportDays'}); one that never reported counts from the day it was onboarded. Organisations whose removal is verified complete are left out. Waiting since the report went stale.`,
  },
  NO_REACHABLE_CONTACT: {
    label: 'No reachable contact',
    defines:
      'No contact of the organisation can be reached: it has no contact, or every contact has e-mail turned off and no webhook. Reminders reach nobody until its contacts are fixed. Waiting since it was onboarded or its contacts last changed.',
  },
  FAILED_DELIVERY: {
    label: 'Reminder failed',
    defines:
      'A reminder failed after every retry, and nothing has reached its recipient since (no later message to that contact, or to that address on that channel, was delivered). Waiting since the reminder was due.',
  },
};

const QUEUE = `query Work($first: Int, $after: String, $kinds: [WorkItemKind!]) {
  serverTime { now }
  me { role label sectors }
  workQueue(first: $first, after: $after, kinds: $kinds) {
    totalCount counts { kind count } endCursor hasNextPage
    items {
      kind since cursor status
      organisation { id name lastReportedAt primarySector { code name } state { code } }
      milestone { id name key track state version targetAt reportedAt evidence verified }
      extension { id version state justification requestedTargetAt requestedAt decidedBy decisionNote }
      contact { id name role email }
      delivery { id channel recipient stage level attempts lastError dueAt subject }
    }
  }
}`;

const ORGANISATION_NOW = `query Now($id: ID!) {
  organisation(id: $id) {
    status { status }
    milestones { id name key track state version targetAt reportedAt evidence verified verifiedBy }
    extensions { id version state justification requestedTargetAt requestedAt decidedBy decisionNote grantedTargetAt }
  }
}`;

const when = (iso) => (iso ? new Date(iso).toLocaleString('en-US', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' }) + ' UTC' : '—');
const day = (iso) => (iso ? new Date(iso).toLocaleDateString('en-US', { dateStyle: 'medium', timeZone: 'UTC' }) : '—');
const waited = (since, now) => {
  const days = Math.floor((Date.parse(now) - Date.parse(since)) / 86_400_000);
  return days <= 0 ? 'today' : days === 1 ? '1 day' : `${days} days`;
};
const statusLabel = (s) => (s ?? '').replace(/_/g, ' ').toLowerCase();

function App() {
  const [credential, setCredential] = useState(session.credential());
  const [offered, setOffered] = useState(false);
  const [notice, setNotice] = useState('');
  const [announcement, setAnnouncement] = useState('');
  const gql = client(credential);
  const token = credential.token || credential.csrf;
  useEffect(() => {
    if (credential.token) return;
    void session.fromProvider().then(({ credential: found, offered: canSignIn }) => {
      setOffered(canSignIn);
      if (found) setCredential(found);
    });
  }, []);
  const setToken = (t) => setCredential({ token: t, csrf: '' });

  // a refused token is forgotten; a provider's session is only left (a viewer's stays open for the dashboard)
  const refused = (message, code) => {
    if (credential.token) void session.signOut(credential);
    setToken('');
    setNotice(
      !credential.csrf
        ? message
        : code === 'UNAUTHENTICATED'
          ? 'Your session has ended: sign in again.'
          : "This page is for liaisons and admins: your account's role in the tracker is not one of them.",
    );
  };

  const signOut = async () => {
    await session.signOut(credential);
    setToken('');
    setNotice('Signed out: this tab holds no token.');
  };

  return html` <header class="container">
      <nav aria-label="Pages">
        <ul>
          <li><strong>Transition tracker</strong></li>
        </ul>
        <ul>
          <li><a href="/dashboard">Dashboard</a></li>
          <li><a href="/work" aria-current="page">Your work</a></li>
          ${token && html`<li><button type="button" class="secondary outline" onClick=${signOut}>Sign out</button></li>`}
        </ul>
      </nav>
    </header>
    <main class="container">
      <h1>Your work</h1>
      <p class="muted">
        What needs you in your sectors, oldest first. Each item carries its action; every action goes through the tracker's API under your own credential, and
        is audited.
      </p>
      <p role="status" aria-live="polite" aria-atomic="true" id="live" class=${announcement ? 'notice success' : 'visually-hidden'}>${announcement}</p>
      ${notice && html`<p class="notice">${notice}</p>`}
      ${
        token
          ? html`<${Queue} gql=${gql} token=${token} announce=${setAnnouncement} onRefused=${refused} />`
          : html`<${SignIn}
              offered=${offered}
              onToken=${(t) => {
                session.signIn(t);
                setNotice('');
                setToken(t);
              }}
            />`
      }
      <${Definitions} />
    </main>`;
}

function SignIn({ offered, onToken }) {
  const input = useRef(null);
  const submit = (event) => {
    event.preventDefault();
    const value = input.current.value.trim();
    input.current.value = '';
    if (value) onToken(value);
  };
  return html` <form onSubmit=${submit} aria-labelledby="sign-in-heading">
    <h2 id="sign-in-heading">Sign in</h2>
    ${
      offered &&
      html`<p><a href=${signInHref('/work')} role="button" id="sign-in-provider">Sign in with your agency account</a></p>
        <p class="muted">Or, with a staff API token:</p>`
    }
    <label for="token">Staff API token (a liaison's or an admin's)</label>
    <input id="token" name="token" type="password" autocomplete="off" spellcheck="false" required ref=${input} aria-describedby="token-help" />
    <small id="token-help">Kept in this browser tab only, until you sign out. Never put a token in a link.</small>
    <button type="submit">Sign in</button>
  </form>`;
}

/** The definitions, with the programme's own stale period (the programme is public reference data: no token needed). */
function Definitions() {
  const [staleDays, setStaleDays] = useState(null);
  useEffect(() => {
    client()('{ programme { staleReportDays } }').then(
      (data) => setStaleDays(data.programme.staleReportDays),
      () => undefined,
    );
  }, []);
  return html` <details>
    <summary>What is on this list, precisely</summary>
    <dl>
      ${Object.values(KINDS).map(
        (k) =>
          html`<dt>${k.label}</dt>
            <dd>${typeof k.defines === 'function' ? k.defines(staleDays) : k.defines}</dd>`,
      )}
    </dl>
    <p class="muted">Archived organisations are never listed. Liaisons see the organisations whose primary or secondary sector is theirs; admins see all.</p>
  </details>`;
}

function Queue({ gql, token, announce, onRefused }) {
  const [kind, setKind] = useState('');
  const [state, setState] = useState({ loading: true, items: [], error: null });

  const load = async (after) => {
    setState((s) => ({ ...s, loading: true, error: null }));
    try {
      const data = await gql(QUEUE, { first: PAGE_SIZE, after: after ?? null, kinds: kind ? [kind] : null });
      const q = data.workQueue;
      setState((s) => ({
        loading: false,
        error: null,
        now: data.serverTime.now,
        me: data.me,
        counts: q.counts,
        total: q.totalCount,
        items: after ? [...s.items, ...q.items] : q.items,
        endCursor: q.endCursor,
        hasNextPage: q.hasNextPage,
      }));
    } catch (error) {
      if (error.code === 'UNAUTHENTICATED') return onRefused('That token was refused (unknown, expired or revoked). Sign in with another.', error.code);
      if (error.code === 'FORBIDDEN')
        return onRefused("This page is for liaisons and admins: that token is a reporter's or a viewer's. Sign in with a staff token.", error.code);
      setState((s) => ({ ...s, loading: false, error: error.message }));
    }
  };
  useEffect(() => {
    void load();
  }, [token, kind]);

  const countOf = (k) => state.counts?.find((c) => c.kind === k)?.count ?? 0;
  return html` <section aria-labelledby="work-heading" aria-busy=${state.loading ? 'true' : 'false'}>
    ${state.me && html`<p class="muted" data-testid="signed-in">Signed in as ${state.me.label} (${state.me.role === 'ADMIN' ? 'admin: every sector' : `${state.me.role.toLowerCase()}: ${state.me.sectors.join(', ')}`})</p>`}
    <h2 id="work-heading">
      Needs you${state.total !== undefined ? html` <small class="muted">(${state.total} ${state.total === 1 ? 'item' : 'items'})</small>` : ''}
    </h2>
    <label for="kind">Show</label>
    <select id="kind" value=${kind} onChange=${(e) => setKind(e.currentTarget.value)}>
      <option value="">Everything</option>
      ${Object.entries(KINDS).map(([k, v]) => html`<option value=${k}>${v.label}${kind ? '' : ` (${countOf(k)})`}</option>`)}
    </select>
    ${state.error && html`<p class="notice error" role="alert">${state.error} <button type="button" class="secondary" onClick=${() => load()}>Try again</button></p>`}
    ${!state.loading && !state.error && state.items.length === 0 && html`<p class="notice">Nothing needs you here now.</p>`}
    <ol id="work" class="work-list" aria-label="Work items, oldest first">
      ${state.items.map((item) => html`<li key=${item.cursor}><${Item} item=${item} now=${state.now} gql=${gql} announce=${announce} /></li>`)}
    </ol>
    ${state.hasNextPage && html`<button type="button" class="secondary" onClick=${() => load(state.endCursor)} disabled=${state.loading}>Show more</button>`}
    ${state.loading && html`<p aria-busy="true">Loading…</p>`}
  </section>`;
}

/** One item: what it is, since when, and its action; a conflict is shown with a way to reload the item and retry. */
function Item({ item: initial, now, gql, announce }) {
  const [item, setItem] = useState(initial);
  const [phase, setPhase] = useState({ kind: 'idle' });
  const outcome = useRef(null);
  // the button pressed is gone once an action ends: keyboard focus moves to what happened, not to the page's top
  useLayoutEffect(() => {
    if (phase.kind !== 'idle' && phase.kind !== 'busy') outcome.current?.focus();
  }, [phase]);
  const headingId = `h-${initial.cursor}`;
  const org = item.organisation;
  const label = KINDS[item.kind]?.label ?? item.kind;

  const act = async (what, run) => {
    setPhase({ kind: 'busy', what });
    try {
      const message = await run();
      setPhase({ kind: 'done', message });
      announce(message);
    } catch (error) {
      if (error.code === 'CONFLICT') setPhase({ kind: 'conflict', message: error.message });
      else setPhase({ kind: 'error', message: error.message, fields: error.errors?.[0]?.extensions?.fields });
    }
  };

  /** Reads the item as it is now, through the same API; the action can then be tried again with the new version. */
  const reload = async () => {
    setPhase({ kind: 'busy', what: 'reload' });
    try {
      const { organisation } = await gql(ORGANISATION_NOW, { id: org.id });
      if (item.kind === 'AWAITING_VERIFICATION') {
        const milestone = organisation.milestones.find((m) => m.id === item.milestone.id);
        setItem({ ...item, milestone, status: organisation.status.status });
        if (!milestone || milestone.verified || milestone.state !== 'DONE') {
          return setPhase({
            kind: 'done',
            message: milestone?.verified
              ? `Already verified${milestone.verifiedBy ? ' by another liaison' : ''}: nothing left to do.`
              : `No longer reported done (now ${statusLabel(milestone?.state)}): nothing to verify.`,
          });
        }
      } else if (item.kind === 'EXTENSION_REQUEST') {
        const extension = organisation.extensions.find((e) => e.id === item.extension.id);
        setItem({ ...item, extension, milestone: organisation.milestones.find((m) => m.id === item.milestone?.id) ?? item.milestone });
        if (!extension || extension.state !== 'REQUESTED') {
          return setPhase({
            kind: 'done',
            message: `Already decided: ${statusLabel(extension?.state)}${extension?.decisionNote ? ` (“${extension.decisionNote}”)` : ''}.`,
          });
        }
      }
      setPhase({ kind: 'reloaded', message: 'Reloaded: this is the item as it stands now. Check it, then act again.' });
    } catch (error) {
      setPhase({ kind: 'error', message: error.message });
    }
  };

  const statusAfter = async () => {
    const { organisation } = await gql('query($id: ID!) { organisation(id: $id) { status { status } } }', { id: org.id });
    return organisation.status.status;
  };

  const verify = () =>
    act('verify', async () => {
      await gql('mutation($input: VersionedIdInput!) { verifyMilestone(input: $input) { id version verified } }', {
        input: { id: item.milestone.id, version: item.milestone.version },
      });
      const status = await statusAfter();
      setItem((i) => ({ ...i, status }));
      return `Verified “${item.milestone.name}” (${item.milestone.track}) of ${org.name}. Its status is now ${statusLabel(status)}.`;
    });

  const decide = (grant, note) =>
    act(grant ? 'grant' : 'deny', async () => {
      const input = { id: item.extension.id, version: item.extension.version, ...(note ? { note } : {}) };
      const answer = grant
        ? (await gql('mutation($input: GrantExtensionInput!) { grantExtension(input: $input) { id state version grantedTargetAt decisionNote } }', { input }))
            .grantExtension
        : (await gql('mutation($input: DenyExtensionInput!) { denyExtension(input: $input) { id state version decisionNote } }', { input })).denyExtension;
      return grant
        ? `Granted the extension of “${item.milestone?.name ?? 'the milestone'}” for ${org.name} to ${day(answer.grantedTargetAt)}.`
        : `Denied the extension of “${item.milestone?.name ?? 'the milestone'}” for ${org.name}.`;
    });

  const resend = () =>
    act('resend', async () => {
      const { sendContactLink: sent } = await gql('mutation($id: ID!) { sendContactLink(contactId: $id) { contactId sentTo queued } }', {
        id: item.contact.id,
      });
      return sent.queued
        ? `Sent ${item.contact.name} a fresh link to ${org.name}'s report page, at ${sent.sentTo}.`
        : `Nothing more sent: ${item.contact.name} was sent a link a few minutes ago, or today's links are used up.`;
    });

  const busy = phase.kind === 'busy';
  const done = phase.kind === 'done';
  return html` <article class="work-item" aria-labelledby=${headingId} data-kind=${item.kind} data-organisation=${org.id}>
    <header>
      <h3 id=${headingId}><span class="kind">${label}</span>: ${org.name}</h3>
      <p class="muted">
        Waiting since <time datetime=${item.since}>${when(item.since)}</time> (${waited(item.since, now)}) · ${org.primarySector.name}, ${org.state.code} ·
        status ${statusLabel(item.status)}
      </p>
    </header>
    <${Details} item=${item} />
    ${
      phase.kind === 'conflict' &&
      html` <div class="conflict" role="alert" tabindex="-1" ref=${outcome}>
        <p><strong>Changed since you loaded it.</strong> ${phase.message}</p>
        <button type="button" onClick=${reload}>Reload this item</button>
      </div>`
    }
    ${
      phase.kind === 'error' &&
      html` <div class="notice error" role="alert" tabindex="-1" ref=${outcome}>
        <p>${phase.message}</p>
        ${
          phase.fields?.length
            ? html`<ul>
                ${phase.fields.map((f) => html`<li>${f.field}: ${f.message}</li>`)}
              </ul>`
            : ''
        }
      </div>`
    }
    ${phase.kind === 'reloaded' && html`<p class="notice" role="status" tabindex="-1" ref=${outcome}>${phase.message}</p>`}
    ${
      done
        ? html`<p class="notice success" tabindex="-1" ref=${outcome}>${phase.message}</p>`
        : html`<${Actions} item=${item} busy=${busy} verify=${verify} decide=${decide} resend=${resend} />`
    }
  </article>`;
}

function Details({ item }) {
  const m = item.milestone;
  const e = item.extension;
  const d = item.delivery;
  switch (item.kind) {
    case 'AWAITING_VERIFICATION':
      return html`<dl class="facts">
        <dt>Milestone</dt>
        <dd>${m.name} (${m.track} track), target ${day(m.targetAt)}</dd>
        <dt>Reported done</dt>
        <dd>${when(m.reportedAt)}</dd>
        <dt>Evidence</dt>
        <dd class="evidence">${m.evidence || 'none given'}</dd>
      </dl>`;
    case 'EXTENSION_REQUEST':
      return html`<dl class="facts">
        <dt>Milestone</dt>
        <dd>${m?.name ?? '—'} (${m?.track ?? ''} track), target now ${day(m?.targetAt)}</dd>
        <dt>Asks for</dt>
        <dd>${day(e.requestedTargetAt)}, requested ${when(e.requestedAt)}</dd>
        <dt>Justification</dt>
        <dd class="evidence">${e.justification}</dd>
      </dl>`;
    case 'STALE_REPORT':
      return html`<dl class="facts">
        <dt>Last report</dt>
        <dd>${item.organisation.lastReportedAt ? when(item.organisation.lastReportedAt) : 'never'}</dd>
        <dt>A fresh link would go to</dt>
        <dd>${item.contact ? `${item.contact.name} (${item.contact.email})` : 'no reachable contact'}</dd>
      </dl>`;
    case 'NO_REACHABLE_CONTACT':
      return html`<p>
        No contact can be reached, so no reminder reaches this organisation. Add a contact or turn e-mail or a webhook on for one (the organisation's contacts:
        <code>updateOrganisation</code>; how a contact hears: <code>updateNotificationPreference</code>).
      </p>`;
    case 'FAILED_DELIVERY':
      return html`<dl class="facts">
        <dt>Reminder</dt>
        <dd>${d.subject}</dd>
        <dt>To</dt>
        <dd>${d.recipient} by ${d.channel === 'WEBHOOK' ? 'webhook' : 'e-mail'}${d.recipientName ? ` (${d.recipientName})` : ''}</dd>
        <dt>Failed</dt>
        <dd>after ${d.attempts} ${d.attempts === 1 ? 'attempt' : 'attempts'}: ${d.lastError || 'no error recorded'}</dd>
      </dl>`;
    default:
      return '';
  }
}

function Actions({ item, busy, verify, decide, resend }) {
  const note = useRef(null);
  const [noteProblem, setNoteProblem] = useState('');
  const id = item.cursor;
  switch (item.kind) {
    case 'AWAITING_VERIFICATION':
      return html`<div class="row-actions">
        <button type="button" onClick=${verify} aria-busy=${busy ? 'true' : 'false'} disabled=${busy}>Verify “${item.milestone.name}”</button>
      </div>`;
    case 'EXTENSION_REQUEST': {
      const deny = () => {
        const value = note.current.value.trim();
        if (!value) {
          setNoteProblem('Say why in the note: a denial needs one.');
          note.current.focus();
          return;
        }
        setNoteProblem('');
        decide(false, value);
      };
      return html`<form
        class="decision"
        onSubmit=${(e) => {
          e.preventDefault();
          setNoteProblem('');
          decide(true, note.current.value.trim());
        }}
      >
        <label for=${`note-${id}`}>Decision note <small class="muted">(required to deny; kept with the decision)</small></label>
        <textarea
          id=${`note-${id}`}
          rows="2"
          maxlength="10000"
          ref=${note}
          aria-invalid=${noteProblem ? 'true' : undefined}
          aria-describedby=${noteProblem ? `note-problem-${id}` : undefined}
        ></textarea>
        ${noteProblem && html`<small id=${`note-problem-${id}`} role="alert">${noteProblem}</small>`}
        <div class="row-actions">
          <button type="submit" disabled=${busy}>Grant to ${day(item.extension.requestedTargetAt)}</button>
          <button type="button" class="secondary" onClick=${deny} disabled=${busy}>Deny</button>
        </div>
      </form>`;
    }
    case 'STALE_REPORT':
    case 'FAILED_DELIVERY':
      return item.contact
        ? html`<div class="row-actions">
            <button type="button" onClick=${resend} disabled=${busy}>Send ${item.contact.name} a fresh link</button>
          </div>`
        : html`<p class="muted">No contact to send a link to: fix the organisation's contacts first.</p>`;
    default:
      return '';
  }
}

const root = document.getElementById('app');
root.textContent = '';
render(html`<${App} />`, root);
