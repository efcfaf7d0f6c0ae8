import { deliveryInstant, isWithinBusinessHours } from './quiet-hours';

describe('quiet hours', () => {
  it.each([
    // now (UTC), zone, urgent, expected delivery (UTC)
    ['2024-09-23T15:00:00Z', 'America/New_York', false, '2024-09-23T15:00:00.000Z'], // Mon 11:00 EDT: now
    ['2024-09-23T02:00:00Z', 'America/New_York', false, '2024-09-23T13:00:00.000Z'], // Sun 22:00 EDT → Mon 09:00 EDT
    ['2024-09-23T22:30:00Z', 'America/New_York', false, '2024-09-24T13:00:00.000Z'], // Mon 18:30 → Tue 09:00
    ['2024-09-27T22:00:00Z', 'America/Los_Angeles', false, '2024-09-27T22:00:00.000Z'], // Fri 15:00 PDT: now
    ['2024-09-28T02:00:00Z', 'America/Los_Angeles', false, '2024-09-30T16:00:00.000Z'], // Fri 19:00 PDT → Mon 09:00 PDT
    ['2024-09-28T02:00:00Z', 'America/Los_Angeles', true, '2024-09-28T02:00:00.000Z'], // urgent: now
    ['2024-09-28T12:00:00Z', 'Pacific/Guam', false, '2024-09-29T23:00:00.000Z'], // Sat 22:00 ChST → Mon 09:00 ChST
    ['2024-11-02T23:00:00Z', 'America/Chicago', false, '2024-11-04T15:00:00.000Z'], // Sat → Mon 09:00 CST, across the DST change
  ])('at %s in %s (urgent %s) delivers at %s', (now, zone, urgent, expected) => {
    expect(deliveryInstant(new Date(now), zone, urgent).toISOString()).toBe(expected);
  });

  it('never delivers outside business hours unless urgent', () => {
    for (let h = 0; h < 24 * 7; h += 5) {
      const now = new Date(Date.UTC(2024, 8, 23, h));
      const at = deliveryInstant(now, 'America/Denver', false);
      expect(isWithinBusinessHours(at, 'America/Denver')).toBe(true);
      expect(at.getTime()).toBeGreaterThanOrEqual(now.getTime());
    }
  });
});
