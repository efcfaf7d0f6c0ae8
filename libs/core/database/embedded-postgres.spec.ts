import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dataDirProblem } from './embedded-postgres';

describe('the embedded PostgreSQL data directory', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tracker-pgdata-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('opens a fresh directory and one PostgreSQL 15 made', () => {
    expect(dataDirProblem(join(dir, 'none-yet'))).toBeNull();
    writeFileSync(join(dir, 'PG_VERSION'), '15\n');
    expect(dataDirProblem(dir)).toBeNull();
  });

  it('says what to do with a directory another major version made (the embedded server was 17 before)', () => {
    writeFileSync(join(dir, 'PG_VERSION'), '17\n');
    expect(dataDirProblem(dir)).toMatch(
      new RegExp(`holds a PostgreSQL 17 database, and the embedded PostgreSQL is 15: move it aside \\(mv ${dir} ${dir}-17\\)`),
    );
  });
});
