import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';

export class UploadTooLargeError extends Error {
  constructor(readonly maxBytes: number) {
    super(`the file is larger than ${maxBytes.toLocaleString('en-US')} bytes (IMPORT_MAX_BYTES): split it and import the parts one after another`);
  }
}

/** The client went away, or the server's request timeout cut it off, before the whole file arrived. */
export class UploadIncompleteError extends Error {}

export interface SpooledUpload {
  path: string;
  bytes: number;
  /** Deletes the file and its directory; safe to call more than once. */
  remove(): Promise<void>;
}

/**
 * Receives a whole upload into a temporary file (a directory of its own under the system's temporary
 * directory, readable by this user only) before anything reads it: however slowly the client sends, no
 * database connection or transaction waits on it. Past `maxBytes` it stops reading and refuses; on a
 * refusal, an error or an aborted upload the file is removed before the promise settles. The request
 * stream itself is never destroyed here, so the caller can still answer (413) on its connection.
 */
export async function spoolUpload(body: Readable, maxBytes: number): Promise<SpooledUpload> {
  const dir = await mkdtemp(join(tmpdir(), 'tracker-import-'));
  const path = join(dir, 'upload.csv');
  const remove = () => rm(dir, { recursive: true, force: true });
  let bytes = 0;
  try {
    await new Promise<void>((resolve, reject) => {
      const file = createWriteStream(path, { flags: 'wx', mode: 0o600 });
      let settled = false;
      const stop = (error?: Error) => {
        if (settled) return;
        settled = true;
        body.off('data', onData);
        body.pause();
        if (error) {
          file.destroy();
          reject(error);
        } else file.end(() => resolve());
      };
      const onData = (chunk: Buffer) => {
        bytes += chunk.length;
        if (bytes > maxBytes) return stop(new UploadTooLargeError(maxBytes));
        if (!file.write(chunk)) {
          body.pause();
          file.once('drain', () => !settled && body.resume());
        }
      };
      body.on('data', onData);
      body.once('end', () => stop());
      body.once('error', (error) => stop(new UploadIncompleteError(`the upload did not complete: ${error.message}`)));
      body.once('close', () => stop(body.readableEnded ? undefined : new UploadIncompleteError('the upload was cut off before its end')));
      file.once('error', (error) => stop(error));
    });
    return { path, bytes, remove };
  } catch (error) {
    await remove();
    throw error;
  }
}
