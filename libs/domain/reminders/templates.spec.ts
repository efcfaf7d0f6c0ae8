import { renderReminder } from './templates';
import type { ReminderPayload } from './reminder-payload';

const base: ReminderPayload = {
  kind: 'STAGE',
  stage: 'T-7',
  level: 2,
  programme: { name: 'Kaspersky', cutoff: '2024-09-29T04:00:00.000Z', product: 'Kaspersky software' },
  organisation: { id: 'o', name: 'Laggard Water', externalKey: 'LW-1', sector: 'WATER', status: 'AT_RISK' },
  lagging: ['Most endpoints remain'],
};
const milestone = (key: string, dueKind: 'DUE_SOON' | 'OVERDUE') => ({
  key,
  name: key.replace('_', ' '),
  track: 'IT',
  targetAt: '2024-09-20T04:00:00.000Z',
  state: 'NOT_STARTED',
  dueKind,
});

describe('reminder messages', () => {
  it('lists every milestone due or overdue inside the one stage message', () => {
    const { subject, text, html } = renderReminder(
      { ...base, milestones: [milestone('PILOT_DEPLOYED', 'OVERDUE'), milestone('REMOVAL_DONE', 'DUE_SOON')] },
      'America/Chicago',
    );
    expect(subject).toBe('[Escalated to your executives] Laggard Water: 7 day(s) to the Kaspersky software cutoff');
    expect(text).toContain('Milestones due or overdue:\n  - PILOT DEPLOYED (IT) is overdue — target');
    expect(text).toContain('  - REMOVAL DONE (IT) is due — target');
    expect(html).toContain('<h3>Milestones due or overdue</h3>');
  });

  it('headlines a milestone message by its one milestone, or by how many', () => {
    expect(renderReminder({ ...base, kind: 'MILESTONE', stage: 'MILESTONES:0', milestones: [milestone('PILOT_DEPLOYED', 'OVERDUE')] }, 'UTC').subject).toMatch(
      /: PILOT DEPLOYED \(IT\) is overdue — target/,
    );
    expect(
      renderReminder({ ...base, kind: 'MILESTONE', stage: 'MILESTONES:0', milestones: [milestone('A_B', 'OVERDUE'), milestone('C_D', 'DUE_SOON')] }, 'UTC')
        .subject,
    ).toMatch(/: 2 milestones are due or overdue$/);
  });

  it('still renders a payload planned when a message carried one milestone', () => {
    const old = renderReminder({ ...base, kind: 'MILESTONE', stage: 'MILESTONE-DUE:IT:X:2024', milestone: milestone('PILOT_DEPLOYED', 'DUE_SOON') }, 'UTC');
    expect(old.subject).toMatch(/PILOT DEPLOYED \(IT\) is due/);
    expect(old.text).not.toContain('Milestones due or overdue');
  });
});

describe('links in messages', () => {
  const base = {
    programme: { name: 'Kaspersky 2024', cutoff: '2024-09-29T04:00:00.000Z', product: 'Kaspersky', consequence: 'No more updates.' },
    stage: 'T-14',
    level: 1,
    lagging: ['Endpoints remain'],
    organisation: { id: 'o1', name: 'Riverside <Water>', externalKey: 'RW-1', sector: 'WATER', status: 'AT_RISK' },
  };
  const link = { url: 'https://tracker.example.gov/link/abc.def.ghi', expiresAt: '2024-09-29T04:00:00.000Z' };

  it("a reminder carries its recipient's link, in the text and as a button, with when it ends", () => {
    const m = renderReminder({ ...base, kind: 'STAGE' }, 'America/New_York', link);
    expect(m.text).toContain(`Report and acknowledge here: ${link.url}`);
    expect(m.text).toContain('do not forward it');
    expect(m.text).toContain('September 29, 2024');
    expect(m.html).toContain(`href="${link.url}"`);
    expect(m.html).toContain('Riverside &lt;Water&gt;');
  });

  it('an invitation and a fresh link say what they are and carry the link', () => {
    const invitation = renderReminder({ ...base, kind: 'INVITATION', lagging: [] }, 'UTC', link);
    expect(invitation.subject).toBe('Riverside <Water>: your link to report on the Kaspersky 2024');
    expect(invitation.text).toContain('Your sector liaison invites you');
    expect(invitation.text).toContain(link.url);
    const fresh = renderReminder({ ...base, kind: 'LINK', lagging: [] }, 'UTC', link);
    expect(fresh.subject).toBe('Riverside <Water>: your new link to the tracker');
    expect(fresh.html).toContain(`href="${link.url}"`);
  });

  it('a digest links the work page; a message without a link says nothing of one', () => {
    const digest = renderReminder({ ...base, kind: 'DIGEST', organisations: [], organisationsTotal: 0 }, 'UTC', { url: 'https://tracker.example.gov/work' });
    expect(digest.text).toContain('Open your work page: https://tracker.example.gov/work');
    expect(renderReminder({ ...base, kind: 'STAGE' }, 'UTC').text).not.toContain('/link/');
  });
});
