import { parse } from 'csv-parse';
import { Readable, Transform } from 'node:stream';

export class CsvFileError extends Error {}

/**
 * The longest record accepted, in bytes. A row of the widest file is well under 2 KB; a quote left open
 * makes the rest of the file one field, which would otherwise be held in memory whole.
 */
const MAX_RECORD_BYTES = 65_536;

export interface CsvRow {
  /** 1-based line of the file where the record starts (the header is line 1). */
  line: number;
  values: Record<string, string>;
  raw: string[];
  /** Fields on the line; a line with more or fewer fields than the header is a row error. */
  width: number;
  headerWidth: number;
}

/** Refuses bytes that are not UTF-8 instead of turning them into U+FFFD and importing garbage. */
function utf8Guard(): Transform {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let offset = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      try {
        decoder.decode(chunk, { stream: true });
      } catch {
        return done(new CsvFileError(`the file is not UTF-8 (an invalid byte near byte ${offset}): save it as "CSV UTF-8"`));
      }
      offset += chunk.length;
      done(null, chunk);
    },
    flush(done) {
      try {
        decoder.decode();
        done();
      } catch {
        done(new CsvFileError('the file is not UTF-8 (it ends inside a character): save it as "CSV UTF-8"'));
      }
    },
  });
}

/**
 * Streams the records of a CSV file: a byte-order mark is dropped, quoted commas and newlines are
 * data, the header must be exactly the known columns (required ones present, none unknown), a file
 * that is not UTF-8 or not comma-separated is refused as a whole with a message that says what to do.
 */
export async function* readCsv(input: Readable, columns: { required: string[]; optional: string[] }): AsyncGenerator<CsvRow, void, undefined> {
  const parser = parse({ bom: true, relax_column_count: true, skip_empty_lines: true, info: true, trim: false, max_record_size: MAX_RECORD_BYTES });
  const guarded = input.pipe(utf8Guard());
  guarded.on('error', (error) => parser.destroy(error));
  input.on('error', (error) => parser.destroy(error));
  guarded.pipe(parser);

  let header: string[] | null = null;
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      if (!header) {
        header = record.map((h) => h.trim().toLowerCase());
        checkHeader(header, columns);
        continue;
      }
      const values: Record<string, string> = {};
      header.forEach((name, i) => (values[name] = (record[i] ?? '').trim()));
      yield { line: info.lines, values, raw: record, width: record.length, headerWidth: header.length };
    }
  } catch (error) {
    if (error instanceof CsvFileError) throw error;
    if ((error as { code?: string }).code === 'CSV_MAX_RECORD_SIZE') {
      const line = (error as { lines?: number }).lines;
      throw new CsvFileError(
        `the record starting near line ${line ?? '?'} is longer than ${MAX_RECORD_BYTES.toLocaleString('en-US')} bytes: a quote left open (check the quotes on that line) or a field that is not what its column expects`,
      );
    }
    const message = (error as Error).message;
    throw new CsvFileError(`the file is not valid CSV: ${message}`);
  }
  if (!header) throw new CsvFileError('the file is empty: it needs a header line and rows');
}

function checkHeader(header: string[], columns: { required: string[]; optional: string[] }) {
  const known = new Set([...columns.required, ...columns.optional]);
  if (header.length === 1) {
    const only = header[0];
    const delimiter = [';', '\t', '|'].find((d) => only.includes(d));
    if (delimiter)
      throw new CsvFileError(`the file is separated by ${delimiter === '\t' ? 'tabs' : `"${delimiter}"`}, not commas: export it as comma-separated CSV`);
  }
  const duplicate = header.find((h, i) => header.indexOf(h) !== i);
  if (duplicate) throw new CsvFileError(`the column "${duplicate}" appears twice in the header`);
  const unknown = header.filter((h) => !known.has(h));
  if (unknown.length) throw new CsvFileError(`unknown column(s) ${unknown.map((u) => `"${u}"`).join(', ')}; the columns are: ${[...known].join(', ')}`);
  const missing = columns.required.filter((c) => !header.includes(c));
  if (missing.length) throw new CsvFileError(`missing column(s) ${missing.map((m) => `"${m}"`).join(', ')} in the header line`);
}
