import { renderReminder } from './templates';
import type { ReminderPayload } from './reminder-payload';

const base: ReminderPayload = {
  kind: 'STAGE', stage: 'T-7', level: 2,
  programme: { name: 'Kaspersky', cutoff: '2024-09-29T04:00:00.000Z', product: 'Kaspersky software' },
  organisation: { id: 'o', name: 'Laggard Water', externalKey: 'LW-1', sector: 'WATER', status: 'AT_RISK' },
  lagging: ['Most endpoints remain'],
};
const milestone = (key: string, dueKind: 'DUE_SOON' | 'OVERDUE') => ({ key, name: key.replace('_', ' '), track: 'IT', targetAt: '2024-09-20T04:00:00.000Z', state: 'NOT_STARTED', dueKind });

describe('reminder messages', () => {
  it('lists every milestone due or overdue inside the one stage message', () => {
    const { subject, text, html } = renderReminder({ ...base, milestones: [milestone('PILOT_DEPLOYED', 'OVERDUE'), milestone('REMOVAL_DONE', 'DUE_SOON')] }, 'America/Chicago');
    expect(subject).toBe('[Escalated to your executives] Laggard Water: 7 day(s) to the Kaspersky software cutoff');
    expect(text).toContain('Milestones due or overdue:\n  - PILOT DEPLOYED (IT) is overdue — target');
    expect(text).toContain('  - REMOVAL DONE (IT) is due — target');
    expect(html).toContain('<h3>Milestones due or overdue</h3>');
  });

  it('headlines a milestone message by its one milestone, or by how many', () => {
    expect(renderReminder({ ...base, kind: 'MILESTONE', stage: 'MILESTONES:0', milestones: [milestone('PILOT_DEPLOYED', 'OVERDUE')] }, 'UTC').subject).toMatch(/: PILOT DEPLOYED \(IT\) is overdue — target/);
    expect(renderReminder({ ...base, kind: 'MILESTONE', stage: 'MILESTONES:0', milestones: [milestone('A_B', 'OVERDUE'), milestone('C_D', 'DUE_SOON')] }, 'UTC').subject).toMatch(/: 2 milestones are due or overdue$/);
  });

  it('still renders a payload planned when a message carried one milestone', () => {
    const old = renderReminder({ ...base, kind: 'MILESTONE', stage: 'MILESTONE-DUE:IT:X:2024', milestone: milestone('PILOT_DEPLOYED', 'DUE_SOON') }, 'UTC');
    expect(old.subject).toMatch(/PILOT DEPLOYED \(IT\) is due/);
    expect(old.text).not.toContain('Milestones due or overdue');
  });
});
