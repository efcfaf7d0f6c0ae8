import type { DueMilestone, ReminderPayload } from './reminder-payload';

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

// Building an Intl.DateTimeFormat costs far more than using one (it was an eighth of a sender's CPU):
// one per time zone, kept. IANA zones are a few hundred at most.
const formatters = new Map<string, Intl.DateTimeFormat>();

// Formatting with one is still ~25 µs: the same few instants (a programme's cutoff, its milestones'
// targets) recur in every message of a stage, so their texts are kept too, a bounded number.
const formatted = new Map<string, string>();
const MAX_FORMATTED = 10_000;

/** The cutoff as the recipient reads it: in their time zone, with the zone named. */
function formatInstant(iso: string, timeZone: string): string {
  const key = `${timeZone} ${iso}`;
  let text = formatted.get(key);
  if (text === undefined) {
    let format = formatters.get(timeZone);
    if (!format) {
      format = new Intl.DateTimeFormat('en-US', { timeZone, dateStyle: 'full', timeStyle: 'long' });
      formatters.set(timeZone, format);
    }
    text = format.format(new Date(iso));
    if (formatted.size >= MAX_FORMATTED) formatted.clear();
    formatted.set(key, text);
  }
  return text;
}

const LEVEL_NAMES: Record<number, string> = {
  1: 'Reminder',
  2: 'Escalated to your executives',
  3: 'Escalated to your sector liaison',
  4: 'Escalated to your Sector Risk Management Agency and CISA',
};

const NEXT_STEPS = [
  "Report where you stand: update the endpoints remaining and each milestone's state (one report on the page does both).",
  'If a milestone is blocked, say why; if operational technology needs a maintenance window, request an extension with its justification.',
  'Record the replacement product and whether you chose it.',
  'Acknowledge this reminder on the page to hold escalation while you work; it climbs again if nothing moves.',
];

/** What the programme is about, as messages name it: its wording, else its name. */
const productOf = (payload: ReminderPayload) => payload.programme.product ?? payload.programme.name;

function when(payload: ReminderPayload, timeZone: string): string {
  const consequence = payload.programme.consequence ? ` ${payload.programme.consequence}` : '';
  return `The ${payload.programme.name} cutoff is ${formatInstant(payload.programme.cutoff, timeZone)}${payload.stage.startsWith('OVERDUE') || payload.stage === 'T-0' ? ' and has passed' : ''}.${consequence}`;
}

export interface RenderedMessage {
  subject: string;
  text: string;
  html: string;
}

/**
 * The link a message carries for its recipient: for an organisation's contact, a signed link to its
 * organisation's self-report page (opens until `expiresAt`); for an escalation contact, the work page.
 */
export interface MessageLink {
  url: string;
  expiresAt?: string;
}

function linkText(link: MessageLink, timeZone: string): string {
  return link.expiresAt
    ? `Report and acknowledge here: ${link.url}\n(This link is for you alone: do not forward it. It opens until ${formatInstant(link.expiresAt, timeZone)}; after that it offers to send you a new one.)`
    : `Open your work page: ${link.url}`;
}

function linkHtml(link: MessageLink, timeZone: string): string {
  return link.expiresAt
    ? `<p><a href="${escape(link.url)}" style="display:inline-block;padding:10px 16px;background:#0b5394;color:#ffffff;text-decoration:none;border-radius:4px"><strong>Report and acknowledge</strong></a></p>
<p style="color:#555">This link is for you alone: do not forward it. It opens until ${escape(formatInstant(link.expiresAt, timeZone))}; after that it offers to send you a new one.</p>`
    : `<p><a href="${escape(link.url)}">Open your work page</a></p>`;
}

export function renderReminder(payload: ReminderPayload, timeZone: string, link?: MessageLink): RenderedMessage {
  if (payload.kind === 'DIGEST') return renderDigest(payload, timeZone, link);
  if (payload.kind === 'INVITATION' || payload.kind === 'LINK') return renderLinkMessage(payload, timeZone, link);
  const org = payload.organisation!;
  // a payload planned before messages listed every milestone carries one
  const milestones = payload.milestones ?? (payload.milestone ? [payload.milestone] : []);
  const milestoneLine = (m: DueMilestone) =>
    `${m.name} (${m.track}) ${m.dueKind === 'OVERDUE' ? 'is overdue' : 'is due'} — target ${formatInstant(m.targetAt, timeZone)}`;
  const headline =
    payload.kind === 'MILESTONE'
      ? milestones.length === 1
        ? milestoneLine(milestones[0])
        : `${milestones.length} milestones are due or overdue`
      : payload.stage.startsWith('OVERDUE') || payload.stage === 'T-0'
        ? `${productOf(payload)} removal is overdue`
        : `${payload.stage.replace('T-', '')} day(s) to the ${productOf(payload)} cutoff`;
  const listed = payload.kind === 'MILESTONE' && milestones.length === 1 ? [] : milestones.map(milestoneLine);
  const subject = `[${LEVEL_NAMES[payload.level] ?? 'Reminder'}] ${org.name}: ${headline}`;
  const lagging = payload.lagging.length ? payload.lagging : ['Removal is not yet verified.'];
  const text = [
    `${org.name} (${org.externalKey})`,
    '',
    headline + '.',
    when(payload, timeZone),
    '',
    'What is lagging:',
    ...lagging.map((l) => `  - ${l}`),
    '',
    ...(listed.length ? ['Milestones due or overdue:', ...listed.map((l) => `  - ${l}`), ''] : []),
    'What to do:',
    ...NEXT_STEPS.map((s) => `  - ${s}`),
    '',
    ...(link ? [linkText(link, timeZone), ''] : []),
    `Escalation level ${payload.level}: ${LEVEL_NAMES[payload.level]}.`,
  ].join('\n');
  const html = `<!doctype html><html><body style="font-family:system-ui,sans-serif;max-width:640px">
<h2>${escape(org.name)} <small style="color:#666">${escape(org.externalKey)}</small></h2>
<p><strong>${escape(headline)}.</strong></p>
<p>${escape(when(payload, timeZone))}</p>
<h3>What is lagging</h3><ul>${lagging.map((l) => `<li>${escape(l)}</li>`).join('')}</ul>${
    listed.length
      ? `
<h3>Milestones due or overdue</h3><ul>${listed.map((l) => `<li>${escape(l)}</li>`).join('')}</ul>`
      : ''
  }
<h3>What to do</h3><ol>${NEXT_STEPS.map((s) => `<li>${escape(s)}</li>`).join('')}</ol>
${link ? linkHtml(link, timeZone) : ''}<p style="color:#666">Escalation level ${payload.level}: ${escape(LEVEL_NAMES[payload.level] ?? '')}.</p>
</body></html>`;
  return { subject, text, html };
}

/** An invitation from a liaison, or the fresh link a contact asked for: what the tracker is and the link. */
function renderLinkMessage(payload: ReminderPayload, timeZone: string, link: MessageLink | undefined): RenderedMessage {
  const org = payload.organisation!;
  const invitation = payload.kind === 'INVITATION';
  const subject = invitation ? `${org.name}: your link to report on the ${payload.programme.name}` : `${org.name}: your new link to the tracker`;
  const intro = invitation
    ? `Your sector liaison invites you to report ${org.name}'s progress on the ${payload.programme.name} in the transition tracker.`
    : `Here is the new link you asked for, to report ${org.name}'s progress on the ${payload.programme.name}.`;
  const steps =
    "On the page you can update the endpoints remaining per deployment and each milestone's state, record the replacement product, request an extension and acknowledge reminders. No password is needed.";
  const text = [intro, '', when(payload, timeZone), '', steps, '', ...(link ? [linkText(link, timeZone)] : [])].join('\n');
  const html = `<!doctype html><html><body style="font-family:system-ui,sans-serif;max-width:640px">
<h2>${escape(org.name)}</h2><p>${escape(intro)}</p><p>${escape(when(payload, timeZone))}</p><p>${escape(steps)}</p>
${link ? linkHtml(link, timeZone) : ''}</body></html>`;
  return { subject, text, html };
}

function renderDigest(payload: ReminderPayload, timeZone: string, link?: MessageLink): RenderedMessage {
  const list = payload.organisations ?? [];
  const total = payload.organisationsTotal ?? list.length;
  const subject = `[Digest ${payload.stage}] ${total} organisation(s) lagging the ${payload.programme.name} cutoff`;
  const text = [
    `${total} organisation(s) in your remit are lagging at stage ${payload.stage}.`,
    when(payload, timeZone),
    '',
    ...list.map((o) => `- ${o.name} [${o.status}, level ${o.level}]: ${o.lagging.join('; ') || 'removal not verified'}`),
    total > list.length ? `…and ${total - list.length} more in the tracker.` : '',
    ...(link ? ['', linkText(link, timeZone)] : []),
  ].join('\n');
  const html = `<!doctype html><html><body style="font-family:system-ui,sans-serif">
<h2>${total} organisation(s) lagging — ${escape(payload.stage)}</h2><p>${escape(when(payload, timeZone))}</p>
<table border="1" cellpadding="4" cellspacing="0"><tr><th>Organisation</th><th>Status</th><th>Level</th><th>Lagging</th></tr>
${list.map((o) => `<tr><td>${escape(o.name)}</td><td>${escape(o.status)}</td><td>${o.level}</td><td>${escape(o.lagging.join('; '))}</td></tr>`).join('\n')}
</table>${total > list.length ? `<p>…and ${total - list.length} more in the tracker.</p>` : ''}${link ? linkHtml(link, timeZone) : ''}</body></html>`;
  return { subject, text, html };
}
