import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Browser, BrowserContext, chromium, Page } from 'playwright-core';
import { milestonesOf, newFootprint, newOrganisation, newToken } from './support/factories';
import { startSmtpReceiver, startWebhookReceiver } from './support/receivers';
import { errorCode, ok, startServer, startWorker, TestServer } from './support/server';

/**
 * A liaison's work page over the real API, worker, PostgreSQL, Redis and Chromium. The simulated clock
 * walks from August to T-6 so that each kind of work begins at its own instant: a stale report
 * (31 August), an organisation no reminder can reach (5 September), two extension requests (10 and 11
 * September), two milestones reported done (15 September), and a reminder to a webhook that answers 500
 * (23 September, failed after every retry through the worker).
 */
const NOW = '2024-09-23T15:00:00Z'; // a Monday, 10:00 in Chicago
const SCREENSHOT = join(__dirname, '..', 'docs', 'images', 'work-page.png');
const AXE = require.resolve('axe-core/axe.min.js');

const QUEUE = `query($first: Int, $after: String, $kinds: [WorkItemKind!]) {
  workQueue(first: $first, after: $after, kinds: $kinds) {
    totalCount counts { kind count } endCursor hasNextPage
    items { kind since cursor status organisation { id name } milestone { id key version } extension { id version state } contact { id email } delivery { recipient channel attempts lastError } }
  }
}`;
const at = (server: TestServer, instant: string) => server.gql('mutation($at: DateTime!) { setSimulatedTime(at: $at) { now } }', { at: instant }).then(ok);

describe("a liaison's work page", () => {
  let server: TestServer;
  let smtp: Awaited<ReturnType<typeof startSmtpReceiver>>;
  let hooks: Awaited<ReturnType<typeof startWebhookReceiver>>;
  let liaison: string;
  let liaisonCredential: string;
  let viewer: string;
  const reporters: Record<string, string> = {};
  const orgs: Record<string, { id: string; name: string }> = {};

  beforeAll(async () => {
    smtp = await startSmtpReceiver();
    hooks = await startWebhookReceiver();
    server = await startServer({
      now: '2024-08-01T15:00:00Z',
      env: { SMTP_URL: smtp.url, DELIVERY_ATTEMPTS: '2', DELIVERY_BACKOFF_MS: '50', DELIVERY_LOCK_MS: '5000', RELAY_IDLE_MS: '50' },
    });
    const minted = await newToken(server, { role: 'liaison', sectors: ['WATER'], label: 'Water liaison' });
    liaison = minted.token;
    liaisonCredential = `credential:${minted.id}`; // how the audit and the rows name who acted
    viewer = (await newToken(server, { role: 'viewer' })).token;

    // 1 August: onboarded, never reports (stale from 31 August); another sector's organisation, unreachable and stale
    orgs.B = await newOrganisation(server, { name: 'Stale Creek Water' });
    orgs.Z = await newOrganisation(server, { name: 'Other Sector Power', primarySector: 'ENERGY', contacts: [] });

    await at(server, '2024-09-01T15:00:00Z');
    orgs.A = await newOrganisation(server, { name: 'Verified Springs Water' });
    const fa = await newFootprint(server, orgs.A.id, { endpointCount: 10 });
    orgs.D = await newOrganisation(server, { name: 'Extension Valley Water' });
    await newFootprint(server, orgs.D.id, { endpointCount: 50 });
    orgs.E = await newOrganisation(server, { name: 'Webhook Falls Water' });
    const [primary] = ok(await server.gql('query($id: ID!) { organisation(id: $id) { contacts { id role } } }', { id: orgs.E.id })).organisation.contacts;
    const saved = ok(
      await server.gql('mutation($input: NotificationPreferenceInput!) { updateNotificationPreference(input: $input) { webhookSecret } }', {
        input: {
          contactId: primary.id,
          webhookUrl: `${hooks.url}/fail`,
          emailEnabled: false,
          businessHoursStart: 0,
          businessHoursEnd: 24,
          weekdaysOnly: false,
        },
      }),
    );
    hooks.trust('/fail', saved.updateNotificationPreference.webhookSecret);
    for (const key of ['A', 'D']) reporters[key] = (await newToken(server, { role: 'reporter', organisationId: orgs[key].id })).token;

    // 5 September: an organisation onboarded without a contact
    await at(server, '2024-09-05T15:00:00Z');
    orgs.C = await newOrganisation(server, { name: 'Silent Reservoir Authority', contacts: [] });

    const ms = await milestonesOf(server, orgs.D.id);
    const request = (key: string) =>
      server
        .gql(
          'mutation($input: RequestExtensionInput!) { requestExtension(input: $input) { id } }',
          {
            input: {
              milestoneId: ms.find((m) => m.key === key && m.track === 'IT')!.id,
              justification: `The vendor ships the certified replacement late: ${key === 'ROLLOUT' ? 'rollout waits for it' : 'removal waits for the new agents'}.`,
              requestedTargetAt: '2024-10-29T04:00:00Z',
            },
          },
          reporters.D,
        )
        .then(ok);
    await at(server, '2024-09-10T15:00:00Z');
    await request('ROLLOUT');
    await at(server, '2024-09-11T15:00:00Z');
    await request('KASPERSKY_REMOVED');

    // 15 September: A's reporter reports everything done
    await at(server, '2024-09-15T15:00:00Z');
    const milestones = await milestonesOf(server, orgs.A.id);
    ok(
      await server.gql(
        'mutation($input: SelfReportInput!) { submitSelfReport(input: $input) { organisation { id } } }',
        {
          input: {
            organisationId: orgs.A.id,
            footprint: [{ id: fa.id, version: fa.version, endpointsRemaining: 0 }],
            milestones: milestones.map((m) => ({
              id: m.id,
              version: m.version,
              state: 'DONE',
              evidence: 'Removed from all 10 hosts; EDR console shows none.',
            })),
          },
        },
        reporters.A,
      ),
    );

    // T-6: the reminders go out through a worker; E's webhook answers 500 until the delivery fails for good
    await at(server, NOW);
    ok(await server.gql('mutation { runReminderPlanner { inserted } }'));
    await deliverEverythingDue();
    expect(
      (await server.sql(`SELECT count(*)::int AS n FROM reminder_delivery WHERE state = 'FAILED' AND organisation_id = $1`, [orgs.E.id]))[0].n,
    ).toBeGreaterThan(0);
  }, 180_000);

  /** Runs a worker until nothing due is left waiting or being sent, then stops it. */
  async function deliverEverythingDue() {
    // the test moves the clock and runs each step itself: no wall-clock schedule fires in between
    const worker = startWorker(server, { WORKER_SCHEDULES: 'off' });
    try {
      const deadline = Date.now() + 60_000;
      for (;;) {
        const [{ open }] = await server.sql(
          `SELECT count(*)::int AS open FROM reminder_delivery WHERE state IN ('PENDING', 'ENQUEUED', 'SENDING') AND due_at <= $1`,
          [NOW],
        );
        if (open === 0) break;
        if (Date.now() > deadline) throw new Error(`the reminders did not settle: ${open} open\n${worker.output().slice(-2000)}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    } finally {
      const exited = new Promise((r) => worker.once('exit', r));
      worker.kill('SIGTERM');
      await exited;
    }
  }

  afterAll(async () => {
    await server?.stop();
    await smtp?.close();
    await hooks?.close();
  });

  const queue = async (token: string, variables: Record<string, unknown> = {}) => ok(await server.gql(QUEUE, { first: 50, ...variables }, token)).workQueue;

  describe('the workQueue query', () => {
    it('lists what needs the liaison in its sectors, oldest first, each kind with what its action needs', async () => {
      const q = await queue(liaison);
      expect(q.items.map((i: any) => [i.kind, i.organisation.name])).toEqual([
        ['STALE_REPORT', 'Stale Creek Water'],
        ['NO_REACHABLE_CONTACT', orgs.C.name],
        ['EXTENSION_REQUEST', 'Extension Valley Water'],
        ['EXTENSION_REQUEST', 'Extension Valley Water'],
        ['AWAITING_VERIFICATION', 'Verified Springs Water'],
        ['AWAITING_VERIFICATION', 'Verified Springs Water'],
        ['FAILED_DELIVERY', 'Webhook Falls Water'],
      ]);
      const since = q.items.map((i: any) => i.since);
      expect(since.slice(0, 6)).toEqual([
        '2024-08-31T15:00:00.000Z',
        '2024-09-05T15:00:00.000Z',
        '2024-09-10T15:00:00.000Z',
        '2024-09-11T15:00:00.000Z',
        '2024-09-15T15:00:00.000Z',
        '2024-09-15T15:00:00.000Z',
      ]);
      expect(since).toEqual([...since].sort());
      // only the two milestones whose verification the status reads wait for a liaison
      expect(
        q.items
          .filter((i: any) => i.kind === 'AWAITING_VERIFICATION')
          .map((i: any) => i.milestone.key)
          .sort(),
      ).toEqual(['INVENTORY_COMPLETE', 'REMOVAL_VERIFIED']);
      expect(q.items.filter((i: any) => i.kind === 'EXTENSION_REQUEST').every((i: any) => i.extension.state === 'REQUESTED' && i.milestone)).toBe(true);
      const failed = q.items.at(-1);
      expect(failed.delivery).toMatchObject({ recipient: `${hooks.url}/fail`, channel: 'WEBHOOK', attempts: 2 });
      expect(failed.delivery.lastError).toMatch(/500/);
      expect(failed.contact).not.toBeNull(); // the contact behind the failing webhook: where a fresh link goes
      expect(q.items[0].contact.email).toMatch(/@utility\.example$/);
      expect(q.items[1].contact).toBeNull();
      expect(q.totalCount).toBe(7);
      expect(q.counts).toEqual([
        { kind: 'AWAITING_VERIFICATION', count: 2 },
        { kind: 'EXTENSION_REQUEST', count: 2 },
        { kind: 'FAILED_DELIVERY', count: 1 },
        { kind: 'NO_REACHABLE_CONTACT', count: 1 },
        { kind: 'STALE_REPORT', count: 1 },
      ]);
      // the same facts, counted directly: one failed delivery of E, none elsewhere
      expect((await server.sql(`SELECT organisation_id FROM reminder_delivery WHERE state = 'FAILED'`)).map((r) => r.organisation_id)).toEqual([orgs.E.id]);
    });

    it("never shows another sector's organisation to a liaison; an admin sees everyone's", async () => {
      const mine = await queue(liaison);
      expect(mine.items.some((i: any) => i.organisation.id === orgs.Z.id)).toBe(false);
      const all = await queue(server.adminToken);
      expect(all.items.filter((i: any) => i.organisation.id === orgs.Z.id).map((i: any) => [i.kind, i.since])).toEqual([
        ['NO_REACHABLE_CONTACT', '2024-08-01T15:00:00.000Z'],
        ['STALE_REPORT', '2024-08-31T15:00:00.000Z'],
      ]);
      // a liaison's slice is read organisation by organisation, the admin's country set by set: the same items
      expect(all.items.filter((i: any) => i.organisation.id !== orgs.Z.id).map((i: any) => i.cursor)).toEqual(mine.items.map((i: any) => i.cursor));
      const energy = (await newToken(server, { role: 'liaison', sectors: ['ENERGY'] })).token;
      expect((await queue(energy)).items.map((i: any) => i.organisation.id)).toEqual([orgs.Z.id, orgs.Z.id]);
    });

    it('pages by cursor in the same order, at a constant number of SQL statements, and filters by kind', async () => {
      const whole = (await queue(liaison)).items.map((i: any) => i.cursor);
      const walked: string[] = [];
      let after: string | null = null;
      do {
        const page: any = await queue(liaison, { first: 2, after });
        walked.push(...page.items.map((i: any) => i.cursor));
        after = page.hasNextPage ? page.endCursor : null;
      } while (after);
      expect(walked).toEqual(whole);

      const one = await server.gql(QUEUE, { first: 1 }, liaison);
      const fifty = await server.gql(QUEUE, { first: 50 }, liaison);
      expect(one.errors).toBeUndefined();
      // the credential, the page and the count (asked for by totalCount and counts): nothing per item
      expect([one.statements, fifty.statements]).toEqual([3, 3]);
      // the organisations' contacts ride in the page's own statement; no count asked for, none run
      const nested = await server.gql('{ workQueue(first: 50) { items { organisation { name contacts { email } } } } }', {}, liaison);
      expect(nested.data.workQueue.items.length).toBe(7);
      expect(nested.statements).toBe(2);

      const onlyExtensions = await queue(liaison, { kinds: ['EXTENSION_REQUEST'] });
      expect(onlyExtensions.items.map((i: any) => i.kind)).toEqual(['EXTENSION_REQUEST', 'EXTENSION_REQUEST']);
      expect(onlyExtensions.totalCount).toBe(2);

      for (const forged of [
        'bm90LWEtY3Vyc29y',
        Buffer.from(JSON.stringify([0, 'DROP TABLE', 'x'])).toString('base64url'),
        Buffer.from(JSON.stringify(['now', 'STALE_REPORT', 'x'])).toString('base64url'),
      ]) {
        const bad = await server.gql(QUEUE, { after: forged }, liaison);
        expect(bad.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
      }
    });

    it('refuses reporters and viewers, and a caller without a credential', async () => {
      expect(errorCode(await server.gql(QUEUE, {}, reporters.A))).toBe('FORBIDDEN');
      expect(errorCode(await server.gql(QUEUE, {}, viewer))).toBe('FORBIDDEN');
      expect(errorCode(await server.gql(QUEUE, {}, null))).toBe('UNAUTHENTICATED');
    });
  });

  it("serves the page and its files from the API, public, under the dashboard's Content-Security-Policy; nothing else under /work", async () => {
    const page = await fetch(`${server.url}/work`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.headers.get('content-security-policy')).toBe(
      "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
    );
    expect(await page.text()).toContain('<script type="module" src="/work/work.js"></script>');
    for (const [path, type] of [
      ['/work/work.js', /^text\/javascript/],
      ['/work/work.css', /^text\/css/],
      ['/ui/preact-htm.js', /^text\/javascript/],
    ] as const) {
      const file = await fetch(`${server.url}${path}`);
      expect([path, file.status]).toEqual([path, 200]);
      expect(file.headers.get('content-type')).toMatch(type);
      expect(file.headers.get('x-content-type-options')).toBe('nosniff');
    }
    expect((await fetch(`${server.url}/work/index.html`)).status).toBe(404);
    expect((await fetch(`${server.url}/work/..%2Fdashboard%2Fapp.js`)).status).toBe(404);
  });

  describe('the page, in Chromium', () => {
    let browser: Browser;
    let context: BrowserContext;
    const problems: string[] = [];

    beforeAll(async () => {
      browser = await chromium.launch({
        executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
        args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
      });
      context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    });
    afterAll(async () => {
      await context?.close();
      await browser?.close();
    });

    async function open(page: Page, token = liaison): Promise<void> {
      page.on('pageerror', (e) => problems.push(String(e)));
      page.on('console', (m) => {
        if (m.type() === 'error') problems.push(m.text());
      });
      const response = await page.goto(`${server.url}/work`);
      expect(response!.headers()['content-security-policy']).toMatch(/default-src 'self'/);
      await page.getByLabel(/Staff API token/).fill(token);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.locator('article.work-item').first().waitFor({ timeout: 20_000 });
    }

    /** axe-core in the page, evaluated through the DevTools protocol (the page's CSP forbids injected scripts, and is left on). */
    async function axeViolations(page: Page) {
      await page.evaluate(readFileSync(AXE, 'utf8'));
      const violations: Array<{ id: string; nodes: Array<{ target: string[] }> }> = await page.evaluate(async () => {
        const result = await (window as any).axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
        return result.violations.map((v: any) => ({ id: v.id, nodes: v.nodes.map((n: any) => ({ target: n.target })) }));
      });
      return violations;
    }

    const article = (page: Page, kind: string, text?: string) => page.locator(`article[data-kind="${kind}"]`, text ? { hasText: text } : {});

    it("shows the queue oldest first, escapes what users typed, passes axe-core, and is the README's screenshot", async () => {
      const page = await context.newPage();
      await open(page);
      const kinds = await page.locator('article.work-item').evaluateAll((els) => els.map((e) => e.getAttribute('data-kind')));
      expect(kinds).toEqual([
        'STALE_REPORT',
        'NO_REACHABLE_CONTACT',
        'EXTENSION_REQUEST',
        'EXTENSION_REQUEST',
        'AWAITING_VERIFICATION',
        'AWAITING_VERIFICATION',
        'FAILED_DELIVERY',
      ]);
      expect(await page.locator('h1').textContent()).toBe('Your work');
      const body = await page.locator('main').innerText();
      expect(body).not.toContain('Other Sector Power');
      expect(body).toContain('The vendor ships the certified replacement late: rollout waits for it.');
      expect(await page.locator('main h2').first().innerText()).toBe('Needs you (7 items)');
      expect(await page.getByTestId('signed-in').innerText()).toBe('Signed in as Water liaison (liaison: WATER)');

      expect(await axeViolations(page)).toEqual([]);
      mkdirSync(join(SCREENSHOT, '..'), { recursive: true });
      await page.screenshot({ path: SCREENSHOT, fullPage: true });

      // one kind at a time
      await page.getByLabel('Show').selectOption('EXTENSION_REQUEST');
      await page.waitForFunction(() => document.querySelectorAll('article.work-item').length === 2);
      expect(await page.locator('article.work-item').evaluateAll((els) => els.map((e) => e.getAttribute('data-kind')))).toEqual([
        'EXTENSION_REQUEST',
        'EXTENSION_REQUEST',
      ]);
      expect(await page.locator('main h2').first().innerText()).toBe('Needs you (2 items)');
      expect(problems).toEqual([]);
      await page.close();
    });

    it('works on a phone-sized screen (390×844): nothing wider than the screen, actions reachable, axe-core clean', async () => {
      const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
      try {
        const page = await phone.newPage();
        await open(page);
        expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
        const verify = article(page, 'AWAITING_VERIFICATION')
          .first()
          .getByRole('button', { name: /^Verify/ });
        await verify.scrollIntoViewIfNeeded();
        const box = (await verify.boundingBox())!;
        expect(box.x).toBeGreaterThanOrEqual(0);
        expect(box.x + box.width).toBeLessThanOrEqual(390);
        expect(await axeViolations(page)).toEqual([]);
      } finally {
        await phone.close();
      }
    });

    it('a liaison verifies the milestone from the work page and the organisation moves on (by keyboard, after a conflict shown and the item reloaded)', async () => {
      const page = await context.newPage();
      await open(page);
      const item = article(page, 'AWAITING_VERIFICATION', 'Removal verified');
      // someone else touches the milestone after the page read it: its version moves on
      const removal = (await milestonesOf(server, orgs.A.id)).find((m) => m.key === 'REMOVAL_VERIFIED')!;
      ok(
        await server.gql(
          'mutation($input: UpdateMilestoneInput!) { updateMilestone(input: $input) { version } }',
          {
            input: { id: removal.id, version: removal.version, evidence: 'Removed from all 10 hosts; the EDR console and the SCCM report show none.' },
          },
          reporters.A,
        ),
      );
      const audits = async () =>
        await server.sql(`SELECT action, actor, actor_role FROM audit_event WHERE entity_type = 'milestone' AND entity_id = $1 AND action = 'verify'`, [
          removal.id,
        ]);

      // by keyboard alone: focus follows what happened, and the next action is one Tab away
      const focused = () =>
        page.evaluate(() => ({ text: document.activeElement?.textContent?.trim() ?? '', role: document.activeElement?.getAttribute('role') ?? '' }));
      const focusMovesTo = (pattern: RegExp) =>
        page.waitForFunction((source) => new RegExp(source).test(document.activeElement?.textContent?.trim() ?? ''), pattern.source, { timeout: 5_000 });
      await item.getByRole('button', { name: /^Verify/ }).focus();
      await page.keyboard.press('Enter');
      const conflict = item.getByRole('alert');
      await conflict.waitFor();
      expect(await conflict.innerText()).toMatch(/Changed since you loaded it/);
      await focusMovesTo(/^Changed since you loaded it/);
      expect(await focused()).toMatchObject({ role: 'alert' });
      expect(await audits()).toEqual([]);

      await page.keyboard.press('Tab');
      expect((await focused()).text).toBe('Reload this item');
      await page.keyboard.press('Enter');
      await item.getByText('the SCCM report show none').waitFor();
      await focusMovesTo(/^Reloaded/);
      await page.keyboard.press('Tab');
      expect((await focused()).text).toBe('Verify “Removal verified”');
      await page.keyboard.press('Enter');
      await page
        .locator('#live')
        .getByText(/Verified “Removal verified”/)
        .waitFor();
      await focusMovesTo(/^Verified “Removal verified”/);
      expect(await page.locator('#live').innerText()).toMatch(/Its status is now complete\./);

      const after = ok(
        await server.gql('query($id: ID!) { organisation(id: $id) { status { status } milestones { key verified verifiedBy } } }', { id: orgs.A.id }),
      );
      expect(after.organisation.status.status).toBe('COMPLETE');
      expect(after.organisation.milestones.find((m: any) => m.key === 'REMOVAL_VERIFIED')).toMatchObject({ verified: true, verifiedBy: liaisonCredential });
      expect(await audits()).toEqual([{ action: 'verify', actor: liaisonCredential, actor_role: 'liaison' }]);
      // the organisation has moved on: nothing of A waits for verification any more
      expect((await queue(liaison)).items.filter((i: any) => i.organisation.id === orgs.A.id)).toEqual([]);
      expect(problems).toEqual([]);
      await page.close();
    });

    it('grants one extension and denies the other, each with a note, from the page', async () => {
      const page = await context.newPage();
      await open(page);
      const [rollout, removed] = [article(page, 'EXTENSION_REQUEST', 'Rollout'), article(page, 'EXTENSION_REQUEST', 'Kaspersky removed')];
      await rollout.getByLabel(/Decision note/).fill('Outage booked for October; parts on site.');
      await rollout.getByRole('button', { name: /^Grant/ }).click();
      await page
        .locator('#live')
        .getByText(/Granted the extension/)
        .waitFor();

      // a denial needs a note: the page says so before asking the API
      await removed.getByRole('button', { name: 'Deny' }).click();
      expect(await removed.getByRole('alert').innerText()).toMatch(/denial needs one/);
      await removed.getByLabel(/Decision note/).fill('<img src=x onerror="window.__pwned=1"> Not justified: the vendor has stock.');
      await removed.getByRole('button', { name: 'Deny' }).click();
      await page
        .locator('#live')
        .getByText(/Denied the extension/)
        .waitFor();

      const extensions = ok(
        await server.gql('query($id: ID!) { organisation(id: $id) { extensions { state decisionNote decidedBy milestoneId } milestones { id key track } } }', {
          id: orgs.D.id,
        }),
      ).organisation;
      const byKey = (key: string) =>
        extensions.extensions.find((e: any) => e.milestoneId === extensions.milestones.find((m: any) => m.key === key && m.track === 'IT').id);
      expect(byKey('ROLLOUT')).toMatchObject({ state: 'GRANTED', decisionNote: 'Outage booked for October; parts on site.', decidedBy: liaisonCredential });
      expect(byKey('KASPERSKY_REMOVED')).toMatchObject({
        state: 'DENIED',
        decisionNote: '<img src=x onerror="window.__pwned=1"> Not justified: the vendor has stock.',
        decidedBy: liaisonCredential,
      });
      expect(await page.evaluate(() => (window as any).__pwned)).toBeUndefined();
      expect((await queue(liaison, { kinds: ['EXTENSION_REQUEST'] })).items).toEqual([]);
      expect(problems).toEqual([]);
      await page.close();
    });

    it('sends a fresh link from a stale report and from a failed reminder; once delivered, the failed reminder leaves the list', async () => {
      const page = await context.newPage();
      await open(page);
      const contacts = async (id: string) =>
        ok(await server.gql('query($id: ID!) { organisation(id: $id) { contacts { id role email } } }', { id })).organisation.contacts;
      const [stalePrimary] = await contacts(orgs.B.id);
      const [failingPrimary] = await contacts(orgs.E.id);
      const links = async (contactId: string) =>
        server.sql(`SELECT state, recipient FROM reminder_delivery WHERE contact_id = $1 AND subject_key = 'link:' || $1`, [contactId]);

      await article(page, 'STALE_REPORT').getByRole('button', { name: 'Send Pat Primary a fresh link' }).click();
      await page.locator('#live').getByText(`Sent Pat Primary a fresh link to Stale Creek Water's report page, at ${stalePrimary.email}.`).waitFor();
      expect(await links(stalePrimary.id)).toEqual([{ state: 'PENDING', recipient: stalePrimary.email }]);

      await article(page, 'FAILED_DELIVERY').getByRole('button', { name: 'Send Pat Primary a fresh link' }).click();
      await page.locator('#live').getByText(`Sent Pat Primary a fresh link to Webhook Falls Water's report page, at ${failingPrimary.email}.`).waitFor();
      // a second press within minutes sends nothing more, and says so
      await page.reload();
      await page.locator('article.work-item').first().waitFor();
      await article(page, 'FAILED_DELIVERY').getByRole('button', { name: 'Send Pat Primary a fresh link' }).click();
      await page
        .locator('#live')
        .getByText(/Nothing more sent: Pat Primary was sent a link a few minutes ago/)
        .waitFor();
      expect(await links(failingPrimary.id)).toHaveLength(1);

      await deliverEverythingDue();
      expect(await links(failingPrimary.id)).toEqual([{ state: 'SENT', recipient: failingPrimary.email }]);
      expect(smtp.inbox.messages.filter((m) => m.to === failingPrimary.email).at(-1)!.body).toMatch(/\/link\//);
      // the contact behind the failed webhook has heard from the tracker since: nothing failed waits any more; the stale report still does
      const kinds = (await queue(liaison)).items.map((i: any) => i.kind);
      expect(kinds).not.toContain('FAILED_DELIVERY');
      expect(kinds).toContain('STALE_REPORT');
      expect(problems).toEqual([]);
      await page.close();
    });

    it('shows every string a user typed as text, never as markup', async () => {
      const payload = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>';
      const org = await newOrganisation(server, { name: `Typed ${payload} Water` });
      const f = await newFootprint(server, org.id, { endpointCount: 3 });
      const reporter = (await newToken(server, { role: 'reporter', organisationId: org.id })).token;
      const removal = (await milestonesOf(server, org.id)).find((m) => m.key === 'REMOVAL_VERIFIED')!;
      ok(
        await server.gql(
          'mutation($input: SelfReportInput!) { submitSelfReport(input: $input) { organisation { id } } }',
          {
            input: {
              organisationId: org.id,
              footprint: [{ id: f.id, version: f.version, endpointsRemaining: 0 }],
              milestones: [{ id: removal.id, version: removal.version, state: 'DONE', evidence: `Gone. ${payload}` }],
            },
          },
          reporter,
        ),
      );
      const page = await context.newPage();
      await open(page);
      const item = page.locator(`article[data-organisation="${org.id}"]`);
      expect(await item.locator('h3').textContent()).toBe(`Awaiting verification: Typed ${payload} Water`);
      expect(await item.locator('.evidence').textContent()).toBe(`Gone. ${payload}`);
      expect(await item.getByRole('button', { name: /^Verify/ }).textContent()).toBe('Verify “Removal verified”');
      expect(await page.locator('main img, main script').count()).toBe(0);
      expect(await page.evaluate(() => (window as any).__pwned)).toBeUndefined();
      expect(problems).toEqual([]);
      await page.close();
    });

    it('is linked from the dashboard; says so when the token is not a staff token, and keeps nothing of it', async () => {
      const page = await context.newPage();
      await page.goto(`${server.url}/dashboard`);
      await page.getByRole('link', { name: /your work page/ }).click();
      await page.waitForURL(`${server.url}/work`);
      // the definitions carry the programme's own stale period (public reference data, read before signing in)
      await page.getByText('What is on this list, precisely').click();
      await page.getByText(/longer than the programme's stale period \(30 days\)/).waitFor();
      await page.getByLabel(/Staff API token/).fill(viewer);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByText(/This page is for liaisons and admins/).waitFor();
      expect(await page.evaluate(() => sessionStorage.getItem('tracker-token'))).toBeNull();
      await page.close();
    });
  });
});
