import { ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, Browser, BrowserContext, Page } from 'playwright-core';
import { milestonesOf, newFootprint, newOrganisation, newToken } from './support/factories';
import { startSmtpReceiver, startWebhookReceiver } from './support/receivers';
import { errorCode, ok, startServer, startWorker, TestServer } from './support/server';

/**
 * Issue 17, end to end over the real parts: the API and a worker on PostgreSQL and Redis, a real SMTP
 * server and webhook receiver, Chromium. The planner sends a T-14 reminder; the test reads the e-mail,
 * follows its link, fills the page and submits; the status and the audit show the change by that
 * contact; links that do not open get their page; a link for one organisation never reaches another.
 */
const AXE = require.resolve('axe-core/axe.min.js');
const IMAGES = join(__dirname, '..', 'docs', 'images');
const LINK = /https?:\/\/[^\s"<>]+\/link\/[A-Za-z0-9_.-]+/;

// Monday 2024-09-16 10:00 in New York: stage T-14 (the cutoff is 2024-09-29 00:00 EDT), inside business hours
const T14 = '2024-09-16T14:00:00.000Z';

describe('links in messages: act from the message (issue 17)', () => {
  let server: TestServer;
  let worker: ChildProcess;
  let smtp: Awaited<ReturnType<typeof startSmtpReceiver>>;
  let hooks: Awaited<ReturnType<typeof startWebhookReceiver>>;
  let browser: Browser;
  let liaison: string;
  let energyLiaison: string;
  const A: Record<string, any> = {};
  const B: Record<string, any> = {};
  const seenLinks: string[] = [];

  let now = '2024-09-02T14:00:00.000Z';
  const setTime = async (at: string) => {
    ok(await server.gql('mutation($at: DateTime!) { setSimulatedTime(at: $at) { now } }', { at }));
    now = at;
  };
  const counts = async () =>
    (
      await server.sql(`SELECT (SELECT count(*) FROM link_session)::int AS sessions, (SELECT count(*) FROM audit_event)::int AS audit,
      (SELECT count(*) FROM reminder_delivery)::int AS deliveries, (SELECT coalesce(sum(version), 0) FROM milestone)::int AS milestones,
      (SELECT coalesce(sum(version), 0) FROM footprint)::int AS footprint, (SELECT coalesce(sum(link_generation), 0) FROM contact)::int AS generations`)
    )[0];

  /** Everything sent is sent: no row waiting or on its way. */
  async function settle() {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const [{ n }] = await server.sql(
        `SELECT count(*)::int AS n FROM reminder_delivery WHERE state IN ('ENQUEUED', 'SENDING') OR (state = 'PENDING' AND due_at <= $1)`,
        [now],
      );
      if (n === 0) return;
      if (Date.now() > deadline) throw new Error(`the outbox did not drain: ${n} rows`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** The newest e-mail to an address whose subject matches, and the link in it. */
  async function mailTo(address: string, subject: RegExp, after = 0) {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const mail = [...smtp.inbox.messages].reverse().find((m) => m.to === address && subject.test(m.subject) && m.receivedAt > after);
      if (mail) {
        const link = LINK.exec(mail.body)?.[0];
        if (!link) throw new Error(`no link in the e-mail to ${address}: ${mail.body.slice(0, 400)}`);
        seenLinks.push(link);
        return { mail, link };
      }
      if (Date.now() > deadline)
        throw new Error(`no e-mail to ${address} matching ${subject}; have: ${smtp.inbox.messages.map((m) => `${m.to}: ${m.subject}`).join(' | ')}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** A plain GET of a link, as a mail scanner makes it: answers, and nothing anywhere changes. */
  async function scannerGet(link: string) {
    const before = await counts();
    const response = await fetch(link, { redirect: 'manual' });
    const body = await response.text();
    expect(await counts()).toEqual(before);
    expect(response.headers.get('set-cookie')).toBeNull();
    return { status: response.status, body };
  }

  async function axeViolations(page: Page) {
    // the page's CSP refuses inline scripts (as it should): axe is evaluated as the test's own code
    await page.evaluate(require('node:fs').readFileSync(AXE, 'utf8'));
    const result = await page.evaluate(() =>
      (window as any).axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } }),
    );
    return (result.violations as Array<{ id: string; nodes: Array<{ target: string[] }> }>).map(
      (v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
    );
  }

  /** Follows a link as its recipient does: the page, then its button; answers the report page. */
  async function openLink(context: BrowserContext, link: string): Promise<Page> {
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    await page.goto(link);
    await page.getByRole('button', { name: 'Continue to the report page' }).click();
    await page.waitForURL(/\/report$/, { timeout: 10_000 }).catch(async (error) => {
      throw new Error(`${error.message}\n${(await page.content()).slice(0, 500)}\n${server.output().slice(-4000)}`);
    });
    await page.waitForSelector('[data-testid="report-form"]', { timeout: 20_000 }).catch(async (error) => {
      throw new Error(`${error.message}\n${errors.join('\n')}\n${(await page.content()).slice(0, 3000)}`);
    });
    (page as any).errors = errors;
    return page;
  }

  /** GraphQL from inside a page, with its session and CSRF token, as the page itself calls it. */
  const pageGql = (page: Page, query: string, variables: Record<string, unknown> = {}, csrf = true) =>
    page.evaluate(
      async ({ query, variables, csrf }) => {
        const session = await (await fetch('/link/session')).json();
        const response = await fetch('/graphql', {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(csrf ? { 'x-csrf-token': session.csrfToken } : {}) },
          body: JSON.stringify({ query, variables }),
        });
        return response.json();
      },
      { query, variables, csrf },
    );

  beforeAll(async () => {
    smtp = await startSmtpReceiver();
    hooks = await startWebhookReceiver();
    server = await startServer({ now: '2024-09-02T14:00:00Z', env: { SMTP_URL: smtp.url, RELAY_IDLE_MS: '50', DELIVERY_BACKOFF_MS: '50' } });
    worker = startWorker(server, { PUBLIC_URL: server.url, WORKER_SCHEDULES: 'off' });
    liaison = (await newToken(server, { role: 'liaison', sectors: ['WATER'], label: 'Water liaison' })).token;
    energyLiaison = (await newToken(server, { role: 'liaison', sectors: ['ENERGY'], label: 'Energy liaison' })).token;

    Object.assign(
      A,
      await newOrganisation(server, {
        name: 'Riverside Water Authority',
        primarySector: 'WATER',
        state: 'NY',
        contacts: [
          { role: 'PRIMARY', name: 'Pat Okafor', email: 'pat@riverside.example', timeZone: 'America/New_York' },
          { role: 'EXECUTIVE', name: 'Eve Lindqvist', email: 'eve@riverside.example', timeZone: 'America/New_York' },
        ],
      }),
    );
    A.footprint = await newFootprint(server, A.id, { endpointCount: 40 });
    A.ot = await newFootprint(server, A.id, { productCode: 'KICS_NODES', environment: 'OT', endpointCount: 6, updateChannel: 'OFFLINE' });
    A.contacts = ok(await server.gql('query($id: ID!) { organisation(id: $id) { contacts { id role email } } }', { id: A.id })).organisation.contacts;
    A.pat = A.contacts.find((c: any) => c.role === 'PRIMARY');
    A.eve = A.contacts.find((c: any) => c.role === 'EXECUTIVE');
    // Pat's reminders also go to a webhook (a ticketing system, say): it carries the same link
    const saved = ok(
      await server.gql('mutation($input: NotificationPreferenceInput!) { updateNotificationPreference(input: $input) { webhookSecret } }', {
        input: { contactId: A.pat.id, webhookUrl: `${hooks.url}/pat` },
      }),
    );
    hooks.trust('/pat', saved.updateNotificationPreference.webhookSecret);

    Object.assign(
      B,
      await newOrganisation(server, {
        name: 'Hilltop Water Board',
        primarySector: 'WATER',
        state: 'NY',
        contacts: [{ role: 'PRIMARY', name: 'Bo Hill', email: 'bo@hilltop.example', timeZone: 'America/New_York' }],
      }),
    );
    B.footprint = await newFootprint(server, B.id, { endpointCount: 12 });
    B.milestones = await milestonesOf(server, B.id);

    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    if (worker && worker.exitCode === null) worker.kill('SIGTERM');
    await server?.stop();
    await smtp?.close();
    await hooks?.close();
  });

  it('the T-14 reminder carries a link for its recipient; following it, filling the page and submitting reports as that contact, and the next pass sends nothing more', async () => {
    await setTime(T14);
    ok(await server.gql('mutation { runReminderPlanner { inserted } }'));
    await settle();
    const { mail, link } = await mailTo('pat@riverside.example', /14 day\(s\) to the/);
    expect(link.startsWith(`${server.url}/link/`)).toBe(true);
    expect(mail.body).toContain('This link is for you alone');
    // the webhook of the same contact carries a link of its own, made for the same contact
    const hook = hooks.inbox.messages.map((m) => JSON.parse(m.body)).find((b) => b.stage === 'T-14');
    expect(hook?.actionUrl).toMatch(new RegExp(`^${server.url}/link/`));

    // a mail scanner fetching the link changes nothing, and sees who it is for
    const viewed = await scannerGet(link);
    expect(viewed.status).toBe(200);
    expect(viewed.body).toContain('Riverside Water Authority');
    expect(viewed.body).not.toContain('pat@riverside.example');

    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await openLink(context, link);
    const cookies = await context.cookies();
    const session = cookies.find((c) => c.name === 'tracker-link')!;
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/' });
    expect(await page.textContent('h1')).toBe('Riverside Water Authority');
    expect(await axeViolations(page)).toEqual([]);

    // fill it in: the IT deployment is cleared and replaced, every IT milestone done with its evidence, the OT one blocked
    await page.getByLabel('Endpoints still running it (of 40)').fill('0');
    const it = page.locator('[data-testid="footprint-row"]').filter({ hasText: '(IT)' });
    await it.getByLabel('Replacement product').fill('Microsoft Defender for Endpoint');
    await it.getByLabel('We chose this replacement ourselves').check();
    const ms = await milestonesOf(server, A.id);
    const itMilestones = ms.filter((m) => m.track === 'IT' && m.key !== 'REMOVAL_VERIFIED');
    for (const m of itMilestones) {
      const row = page.locator('[data-testid="milestone-row"]').filter({ has: page.locator(`#ms-${m.id}`) });
      await row.locator(`#ms-${m.id}`).selectOption('DONE');
      await row.locator(`#ms-${m.id}-evidence`).fill(`Change ticket CHG-${m.key} <script>alert(1)</script>`);
    }
    const ot = ms.find((m) => m.track === 'OT' && m.key !== 'REMOVAL_VERIFIED' && m.state !== 'DONE')!;
    await page.locator(`#ms-${ot.id}`).selectOption('BLOCKED');
    await page.getByRole('button', { name: 'Send the report' }).click();
    // a blocked milestone needs its reason: said in place, nothing sent
    await page.waitForSelector('[data-testid="notice"].error');
    expect(await page.locator(`#ms-${ot.id}-blocked`).getAttribute('aria-invalid')).toBe('true');
    await page.locator(`#ms-${ot.id}-blocked`).fill('Waiting for the vendor-certified replacement of the SCADA node agent');
    await page.getByRole('button', { name: 'Send the report' }).click();
    await page.waitForSelector('[data-testid="notice"].success');
    await page.screenshot({ path: join(IMAGES, 'self-report-page.png'), fullPage: true });

    // the tracker holds it, by that contact, through a link
    const actor = `link:${A.pat.id}`;
    const after = ok(
      await server.gql(
        'query($id: ID!) { organisation(id: $id) { lastReportedAt footprint { id endpointsRemaining replacementProduct replacementChosenByOrganisation } milestones { id state reportedBy evidence blockedReason } } }',
        { id: A.id },
      ),
    ).organisation;
    expect(after.footprint.find((f: any) => f.id === A.footprint.id)).toMatchObject({
      endpointsRemaining: 0,
      replacementProduct: 'Microsoft Defender for Endpoint',
      replacementChosenByOrganisation: true,
    });
    for (const m of itMilestones)
      expect(after.milestones.find((x: any) => x.id === m.id)).toMatchObject({
        state: 'DONE',
        reportedBy: actor,
        evidence: `Change ticket CHG-${m.key} <script>alert(1)</script>`,
      });
    expect(after.milestones.find((x: any) => x.id === ot.id)).toMatchObject({ state: 'BLOCKED', reportedBy: actor });
    expect(after.lastReportedAt).not.toBeNull();
    const audit = await server.sql(`SELECT actor, actor_role, entity_type FROM audit_event WHERE organisation_id = $1 AND actor = $2`, [A.id, actor]);
    expect(audit.length).toBeGreaterThanOrEqual(itMilestones.length + 2);
    expect(new Set(audit.map((a: any) => a.actor_role))).toEqual(new Set(['reporter']));
    // what the person typed is shown as text, never run
    expect(await page.evaluate(() => document.querySelectorAll('script:not([src])').length)).toBe(0);

    // the next pass at the same stage sends nothing more about the milestones just done
    const sentBefore = smtp.inbox.messages.length;
    const [{ last }] = await server.sql(`SELECT coalesce(max(id), 0)::bigint AS last FROM reminder_delivery`);
    ok(await server.gql('mutation { runReminderPlanner { inserted } }'));
    await settle();
    const fresh = await server.sql(`SELECT payload, channel FROM reminder_delivery WHERE organisation_id = $1 AND id > $2 AND state <> 'CANCELLED'`, [
      A.id,
      last,
    ]);
    const mentioned = fresh.flatMap((r: any) => (r.payload.milestones ?? []).map((m: any) => `${m.track}:${m.key}`));
    for (const m of itMilestones) expect(mentioned).not.toContain(`IT:${m.key}`);
    // (a message at a new level may go, since the blocked OT milestone moved the status: it lists no milestone just done)
    expect(fresh.filter((r: any) => r.channel === 'EMAIL').length).toBe(
      smtp.inbox.messages.slice(sentBefore).filter((m) => m.to.endsWith('@riverside.example')).length,
    );
    expect((page as any).errors).toEqual([]);
    A.link = link;
    A.context = context;
    A.page = page;
  }, 120_000);

  it('shows a version conflict and keeps what was typed; sending again applies it', async () => {
    const page: Page = A.page;
    await page.reload();
    await page.waitForSelector('[data-testid="report-form"]');
    await page.getByLabel('Endpoints still running it (of 6)').fill('2');
    // meanwhile a liaison corrects the same deployment
    const current = ok(await server.gql('query($id: ID!) { organisation(id: $id) { footprint { id version } } }', { id: A.id })).organisation.footprint.find(
      (f: any) => f.id === A.ot.id,
    );
    ok(
      await server.gql(
        'mutation($input: UpdateFootprintInput!) { updateFootprint(input: $input) { version } }',
        { input: { id: A.ot.id, version: current.version, endpointsRemaining: 5 } },
        liaison,
      ),
    );
    await page.getByRole('button', { name: 'Send the report' }).click();
    await page.waitForSelector('[data-testid="conflict"]');
    expect(await page.textContent('[data-testid="notice"]')).toContain('Your entries are kept');
    expect(await page.textContent('[data-testid="conflict"]')).toContain('5 remaining');
    expect(await page.getByLabel('Endpoints still running it (of 6)').inputValue()).toBe('2');
    await page.getByRole('button', { name: 'Send the report' }).click();
    await page.waitForSelector('[data-testid="notice"].success');
    const ot = ok(
      await server.gql('query($id: ID!) { organisation(id: $id) { footprint { id endpointsRemaining } } }', { id: A.id }),
    ).organisation.footprint.find((f: any) => f.id === A.ot.id);
    expect(ot.endpointsRemaining).toBe(2);
  }, 60_000);

  it('acknowledges the reminder from the page, as the contact', async () => {
    const page: Page = A.page;
    await page.getByRole('button', { name: 'Acknowledge' }).click();
    await page.waitForFunction(() => document.querySelector('[data-testid="notice"]')?.textContent?.startsWith('Acknowledged'));
    const state = ok(await server.gql('query($id: ID!) { reminderState(organisationId: $id) { acknowledgedBy pausedUntil } }', { id: A.id })).reminderState;
    expect(state.acknowledgedBy).toBe(`link:${A.pat.id}`);
  }, 60_000);

  it('a link for organisation A never shows or changes organisation B, by any id in any request', async () => {
    const page: Page = A.page;
    const me = await pageGql(page, '{ me { kind role organisation { id name } contact { id name } programme { key } } }');
    expect(me.data.me).toMatchObject({
      kind: 'LINK',
      role: 'REPORTER',
      organisation: { id: A.id, name: 'Riverside Water Authority' },
      contact: { id: A.pat.id, name: 'Pat Okafor' },
    });
    const before = await counts();
    const attempts: Array<[string, Record<string, unknown>]> = [
      ['query($id: ID!) { organisation(id: $id) { name } }', { id: B.id }],
      ['query($id: ID!) { reminderState(organisationId: $id) { currentLevel } }', { id: B.id }],
      [
        'mutation($input: SelfReportInput!) { submitSelfReport(input: $input) { organisation { id } } }',
        { input: { organisationId: B.id, footprint: [{ id: B.footprint.id, version: B.footprint.version, endpointsRemaining: 0 }] } },
      ],
      // B's rows named under A's organisation
      [
        'mutation($input: SelfReportInput!) { submitSelfReport(input: $input) { organisation { id } } }',
        { input: { organisationId: A.id, footprint: [{ id: B.footprint.id, version: B.footprint.version, endpointsRemaining: 0 }] } },
      ],
      [
        'mutation($input: UpdateFootprintInput!) { updateFootprint(input: $input) { id } }',
        { input: { id: B.footprint.id, version: B.footprint.version, endpointsRemaining: 0 } },
      ],
      [
        'mutation($input: UpdateMilestoneInput!) { updateMilestone(input: $input) { id } }',
        { input: { id: B.milestones[0].id, version: B.milestones[0].version, state: 'DONE' } },
      ],
      ['mutation($id: ID!) { acknowledgeReminders(organisationId: $id) { currentLevel } }', { id: B.id }],
      [
        'mutation($input: RequestExtensionInput!) { requestExtension(input: $input) { id } }',
        { input: { milestoneId: B.milestones[0].id, requestedTargetAt: '2024-12-01T00:00:00Z', justification: 'Waiting for a maintenance window' } },
      ],
    ];
    for (const [query, variables] of attempts) {
      const answer = await pageGql(page, query, variables);
      expect([query, answer.errors?.[0]?.extensions?.code]).toEqual([query, 'NOT_FOUND']);
    }
    for (const query of [
      '{ organisations { totalCount } }',
      '{ programmeSummary { organisations } }',
      '{ credentials { id } }',
      'mutation { runReminderPlanner { inserted } }',
    ]) {
      const answer = await pageGql(page, query);
      expect([query, answer.errors?.[0]?.extensions?.code]).toEqual([query, 'FORBIDDEN']);
    }
    const staff = await pageGql(page, 'mutation($id: ID!) { inviteContacts(organisationId: $id) { contactId } }', { id: A.id });
    expect(staff.errors[0].extensions.code).toBe('FORBIDDEN');
    expect(await counts()).toEqual(before);
  }, 60_000);

  it("a request with the session cookie but without the page's CSRF token is refused and changes nothing", async () => {
    const page: Page = A.page;
    const before = await counts();
    const answer = await pageGql(page, 'mutation($id: ID!) { acknowledgeReminders(organisationId: $id) { currentLevel } }', { id: A.id }, false);
    expect(answer.errors[0].extensions.code).toBe('FORBIDDEN');
    expect(answer.errors[0].message).toContain('CSRF');
    const forged = await pageGql(page, '{ me { id } }', {}, false);
    expect(forged.errors[0].extensions.code).toBe('FORBIDDEN');
    expect(await counts()).toEqual(before);
  }, 30_000);

  it("a liaison invites an organisation's contacts (no admin involved): each gets its own link; the executive reports through hers", async () => {
    const before = Date.now() - 1;
    const sent = ok(
      await server.gql('mutation($id: ID!) { inviteContacts(organisationId: $id) { contactId sentTo queued } }', { id: A.id }, liaison),
    ).inviteContacts;
    expect(sent.map((s: any) => [s.sentTo, s.queued]).sort()).toEqual([
      ['eve@riverside.example', true],
      ['pat@riverside.example', true],
    ]);
    // again in the same minutes: the same message, not a second one
    const again = ok(await server.gql('mutation($id: ID!) { inviteContacts(organisationId: $id) { queued } }', { id: A.id }, liaison)).inviteContacts;
    expect(again.map((s: any) => s.queued)).toEqual([false, false]);
    // another sector's liaison, and ids that are not there, learn nothing
    expect(errorCode(await server.gql('mutation($id: ID!) { inviteContacts(organisationId: $id) { contactId } }', { id: A.id }, energyLiaison))).toBe(
      'NOT_FOUND',
    );
    expect(errorCode(await server.gql('mutation($id: ID!) { sendContactLink(contactId: $id) { contactId } }', { id: 'not-a-uuid' }, liaison))).toBe(
      'NOT_FOUND',
    );
    const lonely = await newOrganisation(server, { name: 'Nobody Listed Water', primarySector: 'WATER', state: 'NY', contacts: [] });
    const refused = await server.gql('mutation($id: ID!) { inviteContacts(organisationId: $id) { contactId } }', { id: lonely.id }, liaison);
    expect([errorCode(refused), refused.errors?.[0]?.extensions?.field]).toEqual(['BAD_USER_INPUT', 'organisationId']);
    await settle();
    const { link } = await mailTo('eve@riverside.example', /your link to report/, before);
    const { link: patLink } = await mailTo('pat@riverside.example', /your link to report/, before);
    expect(link).not.toBe(patLink);
    const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const page = await openLink(context, link);
    expect(await axeViolations(page)).toEqual([]);
    // a phone-sized screen: nothing wider than the screen
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    const me = await pageGql(page, '{ me { contact { name role } organisation { id } } }');
    expect(me.data.me).toEqual({ contact: { name: 'Eve Lindqvist', role: 'EXECUTIVE' }, organisation: { id: A.id } });
    await page.locator('#ext-why').fill('The OT nodes change only in the November maintenance window');
    await page.locator('#ext-date').fill('2024-11-30');
    await page.getByRole('button', { name: 'Request the extension' }).click();
    await page.waitForSelector('[data-testid="notice"].success');
    const [ext] = await server.sql(`SELECT requested_by FROM extension WHERE organisation_id = $1 ORDER BY requested_at DESC LIMIT 1`, [A.id]);
    expect(ext.requested_by).toBe(`link:${A.eve.id}`);
    A.eveLink = link;
    A.eveContext = context;
    await page.close();
  }, 90_000);

  it('a form posted from another site opens nothing and sends nothing', async () => {
    const before = await counts();
    for (const path of [A.link, `${A.link}/renew`]) {
      const crossSite = await fetch(path, {
        method: 'POST',
        redirect: 'manual',
        headers: { origin: 'https://evil.example', 'content-type': 'application/x-www-form-urlencoded' },
        body: '',
      });
      expect([path, crossSite.status]).toEqual([path, 403]);
      expect(crossSite.headers.get('set-cookie')).toBeNull();
      const fetchMeta = await fetch(path, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'sec-fetch-site': 'cross-site', 'content-type': 'application/x-www-form-urlencoded' },
        body: '',
      });
      expect(fetchMeta.status).toBe(403);
    }
    expect(await counts()).toEqual(before);
  }, 30_000);

  it('a tampered link gets its page, never a stack or a blank', async () => {
    const link: string = A.link;
    const cut = link.slice(0, -5);
    const flipped = link.slice(0, -3) + (link.endsWith('AAA') ? 'BBB' : 'AAA');
    const forged = `${server.url}/link/eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.${'A'.repeat(43)}`;
    for (const bad of [cut, flipped, forged, `${server.url}/link/%3Cscript%3E`]) {
      const answer = await scannerGet(bad);
      expect([bad, answer.status]).toEqual([bad, 400]);
      expect(answer.body).toContain('This link is not complete');
      expect(answer.body).not.toMatch(/Error|at .*\.js|<script>/);
    }
    const page = await browser.newPage();
    await page.goto(flipped);
    expect(await page.textContent('h1')).toBe('This link is not complete');
    await page.close();
  }, 30_000);

  it("a revoked link (rotated by the liaison) stops at once, session and all, and its page sends a fresh link to the contact's own address, rate-limited", async () => {
    const rotated = ok(
      await server.gql('mutation($id: ID!) { rotateContactLinks(contactId: $id) { linkGeneration } }', { id: A.pat.id }, liaison),
    ).rotateContactLinks;
    expect(rotated.linkGeneration).toBe(2);
    // the open session stopped with it
    const dead = await pageGql(A.page, '{ me { id } }');
    expect(dead.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    const answer = await scannerGet(A.link);
    expect(answer.status).toBe(410);
    expect(answer.body).toContain('This link no longer works');
    expect(answer.body).toContain('p••@riverside.example');
    const page = await browser.newPage();
    await page.goto(A.link);
    const before = Date.now() - 1;
    await page.getByRole('button', { name: 'Send me a new link' }).click();
    await page.waitForSelector('h1:text("A new link is on its way")');
    await settle();
    const { link } = await mailTo('pat@riverside.example', /your new link/, before);
    expect(link).not.toBe(A.link);
    expect((await scannerGet(link)).status).toBe(200);
    // asking again at once sends nothing more
    await page.goto(A.link);
    await page.getByRole('button', { name: 'Send me a new link' }).click();
    await page.waitForSelector('h1:text("A new link is already on its way")');
    A.freshLink = link;
    await page.close();
  }, 60_000);

  it("a removed contact's links stop at once", async () => {
    const current = ok(
      await server.gql('query($id: ID!) { organisation(id: $id) { version contacts { role name email timeZone } } }', { id: A.id }),
    ).organisation;
    ok(
      await server.gql(
        'mutation($input: UpdateOrganisationInput!) { updateOrganisation(input: $input) { id } }',
        {
          input: { id: A.id, version: current.version, contacts: current.contacts.filter((c: any) => c.role !== 'EXECUTIVE') },
        },
        liaison,
      ),
    );
    const answer = await scannerGet(A.eveLink);
    expect(answer.status).toBe(410);
    expect(answer.body).toContain('Ask your sector liaison');
    expect(answer.body).not.toContain('Send me a new link');
  }, 30_000);

  it('an expired link gets its page, with the button for a fresh one', async () => {
    // the link made at T-14 opens until a week after the next stage (T-7): past that, it has expired
    await setTime('2024-09-30T14:00:00.000Z');
    const answer = await scannerGet(A.freshLink);
    expect(answer.status).toBe(410);
    expect(answer.body).toContain('This link has expired');
    expect(answer.body).toContain('Send me a new link');
    const page = await browser.newPage();
    await page.goto(A.freshLink);
    expect(await page.textContent('h1')).toBe('This link has expired');
    await page.screenshot({ path: join(IMAGES, 'link-expired-page.png') });
    await page.close();
  }, 30_000);

  it('a plain GET of every link any message carried in this run changes nothing', async () => {
    const links = [...new Set(seenLinks)];
    expect(links.length).toBeGreaterThanOrEqual(3);
    for (const link of links) expect([200, 410]).toContain((await scannerGet(link)).status);
  }, 30_000);
});

mkdirSync(IMAGES, { recursive: true });
