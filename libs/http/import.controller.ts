import { ProgrammesService } from '../programmes/programmes.service';
import { Controller, Logger, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Readable } from 'node:stream';
import { Allow } from '../access/access.decorators';
import { RequestActor } from '../access/access.guard';
import { ErrorCode, httpStatusOf } from '../core/errors/app-error';
import type { Actor } from '../domain/actor';
import { toGraphQLError } from '../core/errors/graphql-errors';
import { CsvFileError } from '../imports/csv-reader';
import { ImportKind } from '../imports/import-columns';
import { ImportService } from '../imports/import.service';

const KINDS: ImportKind[] = ['organisations', 'footprint'];

/** The HTTP status of each error code, for failures the import meets in the database. */
/**
 * POST /import/organisations or /import/footprint with a CSV body (text/csv), streamed as it arrives.
 * ?dryRun=true checks and counts without writing; ?applyGoodRows=true applies the good rows and
 * returns the bad ones as CSV. Admins import anything; a liaison only rows of its sectors. Who may call
 * it is the AccessGuard's to decide (@Allow), with the credential from the one door.
 */
@Controller('import')
export class ImportController {
  private readonly logger = new Logger(ImportController.name);

  constructor(private readonly imports: ImportService, private readonly programmes: ProgrammesService) {}

  @Allow('admin', 'liaison')
  @Post(':kind')
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
    try {
      const programme = await this.programmes.resolve(programmeRef);
      const report = await this.imports.run(actor, kind as ImportKind, input, { programmeId: programme.id, dryRun: dryRun === 'true', applyGoodRows: applyGoodRows === 'true' });
      return reply.code(report.badRows > 0 && !report.applied ? 422 : 200).send(report);
    } catch (error) {
      if (error instanceof CsvFileError) return reply.code(400).send({ code: 'BAD_USER_INPUT', message: error.message });
      // what the GraphQL API would answer: a rule of the data PostgreSQL refused is the input's fault and
      // says which rule; a database away is 503; anything else is logged and stays internal
      const mapped = toGraphQLError(error, this.logger);
      const code = String(mapped.extensions.code);
      return reply.code(httpStatusOf(code as ErrorCode)).send({ code, message: mapped.message });
    }
  }
}
