import { byNumericId, StatementBatcher } from './statement-batcher';

interface Item {
  id: string;
  value: string;
}

/** A statement that records each batch it is given and answers the value of each item, by id. */
function recorder(
  answer: (items: readonly Item[], call: number) => Promise<Map<string, string>> = async (items) => new Map(items.map((i) => [i.id, i.value])),
) {
  const batches: string[][] = [];
  const statement = (items: readonly Item[]) => {
    batches.push(items.map((i) => i.id));
    return answer(items, batches.length);
  };
  return { batches, statement };
}

const options = { key: (i: Item) => i.id, order: (a: Item, b: Item) => byNumericId(a.id, b.id) };
const item = (id: string) => ({ id, value: `row ${id}` });
const failure = (code: string) => Object.assign(new Error(`failed with ${code}`), { code });

describe('StatementBatcher', () => {
  it('sends what is asked in one turn as one statement, and each caller gets its own result', async () => {
    const r = recorder();
    const batcher = new StatementBatcher(r.statement, options);
    const results = await Promise.all(['3', '1', '2'].map((id) => batcher.run(item(id))));
    expect(r.batches).toEqual([['1', '2', '3']]);
    expect(results).toEqual(['row 3', 'row 1', 'row 2']);
  });

  it('answers undefined to a caller whose key the statement had no result for', async () => {
    const r = recorder(async (items) => new Map(items.filter((i) => i.id !== '2').map((i) => [i.id, i.value])));
    const batcher = new StatementBatcher(r.statement, options);
    expect(await Promise.all(['1', '2', '3'].map((id) => batcher.run(item(id))))).toEqual(['row 1', undefined, 'row 3']);
  });

  it('gives the statement its items in numeric id order, whatever order they were asked in', async () => {
    const r = recorder();
    const batcher = new StatementBatcher(r.statement, options);
    await Promise.all(['100', '9', '25', '10', '1000000000000000000', '0'].map((id) => batcher.run(item(id))));
    expect(r.batches).toEqual([['0', '9', '10', '25', '100', '1000000000000000000']]);
    expect(['10', '9', '2', '11'].sort(byNumericId)).toEqual(['2', '9', '10', '11']);
  });

  it('runs one batch at a time: what is asked while one runs goes out together in the next', async () => {
    let release!: () => void;
    const first = new Promise<void>((resolve) => (release = resolve));
    const r = recorder(async (items, call) => {
      if (call === 1) await first;
      return new Map(items.map((i) => [i.id, i.value]));
    });
    const batcher = new StatementBatcher(r.statement, options);
    const a = batcher.run(item('1'));
    await new Promise((resolve) => setImmediate(resolve)); // the first batch is out
    const later = [batcher.run(item('3')), batcher.run(item('2'))];
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(r.batches).toEqual([['1']]); // nothing else while the first runs
    release();
    expect(await Promise.all([a, ...later])).toEqual(['row 1', 'row 3', 'row 2']);
    expect(r.batches).toEqual([['1'], ['2', '3']]);
  });

  it('never puts the same key twice in one batch: the second waits for the next and sees what the first did', async () => {
    const claimed = new Set<string>();
    const r = recorder(async (items) => {
      const taken = items.filter((i) => !claimed.has(i.id));
      for (const i of taken) claimed.add(i.id);
      return new Map(taken.map((i) => [i.id, i.value]));
    });
    const batcher = new StatementBatcher(r.statement, options);
    const results = await Promise.all([batcher.run(item('7')), batcher.run(item('8')), batcher.run(item('7'))]);
    expect(r.batches).toEqual([['7', '8'], ['7']]);
    expect(results).toEqual(['row 7', 'row 8', undefined]);
  });

  it('sends at most maxItems in one statement', async () => {
    const r = recorder();
    const batcher = new StatementBatcher(r.statement, { ...options, maxItems: 2 });
    const ids = ['5', '4', '3', '2', '1'];
    expect(await Promise.all(ids.map((id) => batcher.run(item(id))))).toEqual(ids.map((id) => `row ${id}`));
    expect(r.batches).toEqual([['4', '5'], ['2', '3'], ['1']]);
  });

  it('rejects every caller of a batch that fails, and the next batch runs afresh', async () => {
    const error = failure('57014');
    const r = recorder(async (items, call) => {
      if (call === 1) throw error;
      return new Map(items.map((i) => [i.id, i.value]));
    });
    const batcher = new StatementBatcher(r.statement, options);
    const results = await Promise.allSettled(['1', '2', '3'].map((id) => batcher.run(item(id))));
    expect(results).toEqual([1, 2, 3].map(() => ({ status: 'rejected', reason: error })));
    expect(r.batches).toEqual([['1', '2', '3']]); // not a deadlock: not run again
    expect(await batcher.run(item('4'))).toBe('row 4');
  });

  it('runs a batch PostgreSQL aborted for a deadlock again, with the same items in the same order', async () => {
    const r = recorder(async (items, call) => {
      if (call <= 2) throw call === 1 ? failure('40P01') : Object.assign(new Error('wrapped'), { driverError: failure('40P01') });
      return new Map(items.map((i) => [i.id, i.value]));
    });
    const batcher = new StatementBatcher(r.statement, options);
    expect(await Promise.all(['2', '1'].map((id) => batcher.run(item(id))))).toEqual(['row 2', 'row 1']);
    expect(r.batches).toEqual([
      ['1', '2'],
      ['1', '2'],
      ['1', '2'],
    ]);
  });

  it('gives up after its tries and rejects every caller with the last deadlock', async () => {
    const r = recorder(async () => {
      throw failure('40P01');
    });
    const batcher = new StatementBatcher(r.statement, { ...options, tries: 5 });
    const results = await Promise.allSettled(['1', '2'].map((id) => batcher.run(item(id))));
    expect(results.map((s) => s.status)).toEqual(['rejected', 'rejected']);
    expect(results.map((s) => (s as PromiseRejectedResult).reason.code)).toEqual(['40P01', '40P01']);
    expect(r.batches).toHaveLength(5);
  });
});
