import { ProgrammesService } from '@libs/programmes/programmes.service';
import { Controller, Inject, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiOkResponse, ApiOperation, ApiParam, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { Allow } from '@libs/access/access.decorators';
import { RequestActor } from '@libs/access/access.guard';
import { ErrorCode } from '@libs/core/errors/app-error';
import { RUNTIME } from '@libs/core/runtime/runtime';
import type { Runtime } from '@libs/core/runtime/runtime';
import type { Actor } from '@libs/domain/actor';
import { CsvFileError } from '@libs/imports/csv-reader';
import { ImportKind } from '@libs/imports/import-columns';
import { ImportService } from '@libs/imports/import.service';
import { SpooledUpload, spoolUpload, UploadIncompleteError, UploadTooLargeError } from './upload-spool';
import { ERROR_SCHEMA, REFUSALS } from './openapi';
import type { SchemaObject } from '@nestjs/swagger';

const KINDS: ImportKind[] = ['organisations', 'footprint'];

/** ImportReport (libs/imports/import.service.ts) as OpenAPI describes it. */
const IMPORT_REPORT_SCHEMA: SchemaObject = {
  type: 'object',
  properties: {
    importId: { type: 'string', format: 'uuid', description: 'The id every audit event of the import carries' },
    kind: { type: 'string', enum: KINDS },
    dryRun: { type: 'boolean' },
    applied: { type: 'boolean', description: 'Whether anything was written' },
    rows: { type: 'integer' },
    created: { type: 'integer' },
    updated: { type: 'integer' },
    unchanged: { type: 'integer' },
    badRows: { type: 'integer', description: 'Rows with at least one problem' },
    errors: {
      type: 'array',
      description: 'The first 1,000 problems',
      items: { type: 'object', properties: { line: { type: 'integer' }, column: { type: 'string' }, message: { type: 'string' } } },
    },
    badRowsCsv: { type: 'string', nullable: true, description: 'With applyGoodRows: the bad rows as CSV with an error column' },
    badRowsInCsv: { type: 'integer' },
    seconds: { type: 'number' },
  },
};
/** Bad rows handed back as CSV in one answer; `badRows` counts them all, `errors` lists the first 1,000 problems. */
const BAD_ROWS_IN_ANSWER = 1000;

/**
 * POST /import/organisations or /import/footprint with a CSV body (text/csv). ?dryRun=true checks and
 * counts without writing; ?applyGoodRows=true applies the good rows and returns the bad ones as CSV
 * (the first 1,000). Admins import anything; a liaison only rows of its sectors. Who may call it is the
 * AccessGuard's to decide (@Allow), with the credential from the one door.
 *
 * The file is received whole into a temporary file (at most IMPORT_MAX_BYTES) before the import takes a
 * database connection, so a slow or stalled upload holds no connection, transaction or lock; the
 * server's request timeout (HTTP_REQUEST_TIMEOUT_MS) cuts such an upload off. One import per credential
 * at a time: a second is refused with 409 CONFLICT.
 */
@ApiTags('import')
@ApiBearerAuth()
@Controller('import')
export class ImportController {
  private readonly maxBytes: number;

  constructor(
    private readonly imports: ImportService,
    private readonly programmes: ProgrammesService,
    @Inject(RUNTIME) runtime: Runtime,
  ) {
    this.maxBytes = runtime.config.IMPORT_MAX_BYTES;
  }

  @Allow('admin', 'liaison')
  @Post(':kind')
  @ApiOperation({
    summary: 'Check and import a CSV file of organisations or footprint rows (docs/import.md)',
    description:
      "Admins and liaisons (a liaison only rows of its sectors). An apply writes nothing if any row is bad, unless applyGoodRows; a re-run updates in place; every change is audited with the import's id. One import per credential at a time.",
  })
  @ApiParam({ name: 'kind', enum: KINDS, description: 'What the file holds' })
  @ApiQuery({ name: 'dryRun', required: false, type: Boolean, description: 'true: check and count, write nothing' })
  @ApiQuery({
    name: 'applyGoodRows',
    required: false,
    type: Boolean,
    description: 'true: apply the good rows and hand back the bad ones as CSV (badRowsCsv, at most 1,000)',
  })
  @ApiQuery({ name: 'programme', required: false, type: String, description: 'The programme (id or key); the default one when omitted' })
  @ApiConsumes('text/csv')
  @ApiBody({ description: 'The CSV file (columns: docs/import.md), at most IMPORT_MAX_BYTES', schema: { type: 'string', format: 'binary' } })
  @ApiOkResponse({ description: 'Imported (or checked, with dryRun)', schema: IMPORT_REPORT_SCHEMA })
  @ApiResponse({
    status: 400,
    description: 'BAD_USER_INPUT: no body, an unreadable CSV, a record over 64 KB, or a rule the database enforces (named)',
    schema: ERROR_SCHEMA,
  })
  @ApiResponse({ status: 404, description: 'NOT_FOUND: an unknown kind', schema: ERROR_SCHEMA })
  @ApiResponse({ status: 408, description: 'The upload did not arrive within HTTP_REQUEST_TIMEOUT_MS' })
  @ApiResponse({ status: 409, description: "CONFLICT (reason IMPORT_RUNNING): this credential's previous import is still running", schema: ERROR_SCHEMA })
  @ApiResponse({ status: 413, description: 'PAYLOAD_TOO_LARGE: the file is over IMPORT_MAX_BYTES', schema: ERROR_SCHEMA })
  @ApiResponse({ status: 422, description: 'Bad rows and nothing applied: the report lists them', schema: IMPORT_REPORT_SCHEMA })
  @ApiResponse({ status: 401, ...REFUSALS[401] })
  @ApiResponse({ status: 403, ...REFUSALS[403] })
  @ApiResponse({ status: 503, ...REFUSALS[503] })
  async import(
    @RequestActor() actor: Actor,
    @Param('kind') kind: string,
    @Query('dryRun') dryRun: string | undefined,
    @Query('applyGoodRows') applyGoodRows: string | undefined,
    @Query('programme') programmeRef: string | undefined,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    if (!KINDS.includes(kind as ImportKind)) return reply.code(404).send({ code: 'NOT_FOUND', message: `import kinds are ${KINDS.join(' and ')}` });
    const body = request.body as Readable | string | Buffer | undefined;
    if (!body) return reply.code(400).send({ code: 'BAD_USER_INPUT', message: 'send the CSV file as the request body (Content-Type: text/csv)' });
    const input = body instanceof Readable ? body : Readable.from([Buffer.isBuffer(body) ? body : Buffer.from(String(body))]);
    let release: (() => void) | undefined;
    let spooled: SpooledUpload | undefined;
    try {
      release = this.imports.claim(actor);
      if (Number(request.headers['content-length']) > this.maxBytes) throw new UploadTooLargeError(this.maxBytes);
      // a bad ?programme is refused before the upload; the query returns its connection at once
      const programme = await this.programmes.resolve(programmeRef);
      spooled = await spoolUpload(input, this.maxBytes);
      const report = await this.imports.run(actor, kind as ImportKind, createReadStream(spooled.path), {
        programmeId: programme.id,
        dryRun: dryRun === 'true',
        applyGoodRows: applyGoodRows === 'true',
        onePerActor: true,
        badRowsCsvLimit: BAD_ROWS_IN_ANSWER,
      });
      return reply.code(report.badRows > 0 && !report.applied ? 422 : 200).send(report);
    } catch (error) {
      // the client went away, or the request timeout answered 408 and closed the connection
      if (error instanceof UploadIncompleteError || reply.raw.destroyed || request.raw.socket?.destroyed) return undefined;
      // a refusal before the whole body was read: close the connection rather than read the rest
      if (!input.readableEnded) reply.header('connection', 'close');
      if (error instanceof UploadTooLargeError)
        return reply.code(413).send({ code: ErrorCode.PAYLOAD_TOO_LARGE, message: error.message, maxBytes: error.maxBytes });
      if (error instanceof CsvFileError) return reply.code(400).send({ code: 'BAD_USER_INPUT', message: error.message });
      // the rest as every REST route answers it (GraphQLErrorFilter): a refusal with its code, a rule of the
      // data PostgreSQL refused as the input's fault, a database away 503, anything else logged and internal
      throw error;
    } finally {
      release?.();
      await spooled?.remove();
    }
  }
}
