import { createReadStream, statSync, writeFileSync } from 'node:fs';
import type { Actor } from '@libs/domain/actor';
import { CsvFileError } from '@libs/imports/csv-reader';
import type { ImportKind } from '@libs/imports/import-columns';
import type { ImportService } from '@libs/imports/import.service';

/** `npm run cli -- import <kind> FILE`: a progress bar on stderr, the summary on stdout. */
export async function runImport(
  imports: ImportService,
  actor: Actor,
  kind: string | undefined,
  file: string | undefined,
  options: { programmeId: string; dryRun: boolean; applyGoodRows: boolean },
) {
  if (kind !== 'organisations' && kind !== 'footprint') throw new Error('import needs a kind: organisations or footprint');
  if (!file) throw new Error(`import ${kind} needs the CSV file`);
  const size = statSync(file).size;
  const stream = createReadStream(file, { highWaterMark: 256 * 1024 });
  const bar = (rows: number) => {
    if (!process.stderr.isTTY && rows % 20000 !== 0) return;
    const share = size ? stream.bytesRead / size : 1;
    const width = 30;
    const filled = Math.round(share * width);
    process.stderr.write(
      `${process.stderr.isTTY ? '\r' : ''}[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(share * 100).toFixed(0).padStart(3)}%  ${rows.toLocaleString('en-US')} rows${process.stderr.isTTY ? '' : '\n'}`,
    );
  };
  let report;
  try {
    report = await imports.run(actor, kind as ImportKind, stream, { ...options, onProgress: bar });
  } catch (error) {
    if (error instanceof CsvFileError) throw new Error(`${file}: ${error.message}`, { cause: error });
    throw error;
  }
  if (process.stderr.isTTY) process.stderr.write('\n');
  for (const e of report.errors.slice(0, 20)) process.stdout.write(`  line ${e.line}, ${e.column}: ${e.reason}\n`);
  if (report.badRows > 20) process.stdout.write(`  …${report.errors.length > 20 ? ` and ${report.badRows - 20} more bad rows` : ''}\n`);
  if (report.badRowsCsv) {
    writeFileSync(`${file}.bad.csv`, report.badRowsCsv);
    process.stdout.write(`the bad rows are in ${file}.bad.csv\n`);
  }
  const verb = report.applied
    ? 'imported'
    : report.dryRun
      ? 'dry run (nothing written)'
      : 'NOT imported (nothing written: fix the bad rows, or use --apply-good-rows)';
  process.stdout.write(
    `${kind}: ${report.rows} rows, ${report.created} to create/created, ${report.updated} updated, ${report.unchanged} unchanged, ${report.badRows} bad — ${verb} in ${report.seconds} s (import ${report.importId})\n`,
  );
  if (report.badRows > 0 && !report.applied && !report.dryRun) process.exitCode = 2;
}
