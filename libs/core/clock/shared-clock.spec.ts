import type { DataSource } from 'typeorm';
import { SimulatedClock } from './clock';
import { SharedClock } from './shared-clock';

/** A stand-in for the one-row table whose reads and writes the test releases by hand, to order them. */
function table(startedFrom: Date, instant: Date) {
  let row = { started_from: startedFrom, instant };
  const pending: Array<() => void> = [];
  const query = (sql: string, params?: unknown[]) =>
    new Promise<any>((resolve) => {
      if (sql.startsWith('SELECT')) {
        const snapshot = { ...row }; // what the read sees is the row when it started
        pending.push(() => resolve([snapshot]));
      } else {
        pending.push(() => {
          row = { started_from: params![0] as Date, instant: params![1] as Date };
          resolve([]);
        });
      }
    });
  return { dataSource: { query } as unknown as DataSource, release: (i: number) => pending.splice(i, 1)[0](), pending };
}

describe('the shared simulated clock', () => {
  const started = new Date('2024-09-22T15:00:00Z');
  const before = new Date('2024-09-23T15:00:00Z');
  const after = new Date('2024-09-24T15:00:00Z');

  it('never lets a poll that read the old instant undo a move, whichever finishes first', async () => {
    for (const pollFinishesFirst of [true, false]) {
      const clock = new SimulatedClock(before);
      const t = table(started, before);
      const sync = new SharedClock(clock, t.dataSource);
      (sync as any).startedFrom = started;
      (sync as any).timer = setInterval(() => undefined, 1_000_000).unref(); // as after start(), without its own polling
      const moving = sync.set(after); // its write is queued first
      const polling = sync.refresh(); // a poll starts while the write is in flight: it reads the old row
      if (pollFinishesFirst) {
        t.release(1); // the poll's read returns the old instant
        await polling;
        t.release(0); // then the write lands
      } else {
        t.release(0);
        await moving;
        t.release(0); // the poll's read, begun before the write, returns last
      }
      await Promise.all([moving, polling]);
      clearInterval((sync as any).timer);
      expect({ pollFinishesFirst, now: clock.now() }).toEqual({ pollFinishesFirst, now: after });
    }
  });
});
