import { ArgumentsHost, Catch, HttpException, Logger } from '@nestjs/common';
import { GqlExceptionFilter } from '@nestjs/graphql';
import { GraphQLError } from 'graphql';
import { AppError, ErrorCode, httpStatusOf } from './app-error';
import { connectionLimitError } from './connection-limits';

const HTTP_STATUS_CODES: Record<number, ErrorCode> = {
  400: ErrorCode.BAD_USER_INPUT,
  401: ErrorCode.UNAUTHENTICATED,
  403: ErrorCode.FORBIDDEN,
  404: ErrorCode.NOT_FOUND,
  409: ErrorCode.CONFLICT,
  429: ErrorCode.TOO_MANY_REQUESTS,
};

/** PostgreSQL errors that mean the input was wrong, not that the server is. */
const PG_INPUT_ERRORS: Record<string, string> = {
  '23514': 'violates a rule on the data',
  '23502': 'is missing a required value',
  '22021': 'contains a character that is not allowed (such as NUL)',
  '22P05': 'contains a character that cannot be stored',
  '54000': 'is too long',
  '23503': 'refers to something that does not exist',
  '23505': 'already exists',
  '22P02': 'has an invalid format',
  '22007': 'is not a valid date or time',
  '22008': 'is out of range',
  '22003': 'is out of range',
};
const LOST_CONNECTION_ERRORS = new Set([
  'QueryRunnerAlreadyReleasedError',
  'QueryRunnerProviderAlreadyReleasedError',
  'ConnectionIsNotSetError',
  'TransactionNotStartedError',
]);
const PG_UNAVAILABLE = new Set(['57P01', '57P02', '57P03', '08000', '08003', '08006', '08001', '08004']);

function toGraphQLError(error: unknown, logger?: Logger): GraphQLError {
  if (error instanceof GraphQLError) return error;
  if (error instanceof AppError) {
    return new GraphQLError(error.message, { extensions: { code: error.code, ...error.details } });
  }
  if (error instanceof HttpException) {
    const response = error.getResponse() as { message?: string | string[] };
    const message = Array.isArray(response?.message) ? response.message.join('; ') : (response?.message ?? error.message);
    return new GraphQLError(message, { extensions: { code: HTTP_STATUS_CODES[error.getStatus()] ?? ErrorCode.INTERNAL_SERVER_ERROR } });
  }
  const pgCode = (error as { code?: string })?.code;
  if (pgCode && PG_INPUT_ERRORS[pgCode]) {
    const constraint = (error as { constraint?: string }).constraint;
    const code = pgCode === '23505' ? ErrorCode.CONFLICT : ErrorCode.BAD_USER_INPUT;
    return new GraphQLError(`Input ${PG_INPUT_ERRORS[pgCode]}${constraint ? ` (${constraint})` : ''}`, { extensions: { code, constraint } });
  }
  const limit = connectionLimitError(pgCode);
  if (limit) return new GraphQLError(limit.message, { extensions: { code: limit.code } });
  const message = String((error as Error)?.message);
  // TypeORM's own words for a connection that died under a transaction
  const lostConnection = LOST_CONNECTION_ERRORS.has((error as Error)?.name ?? '') || LOST_CONNECTION_ERRORS.has((error as Error)?.constructor?.name ?? '');
  if (
    lostConnection ||
    (pgCode && (PG_UNAVAILABLE.has(pgCode) || pgCode.startsWith('08') || pgCode.startsWith('57P'))) ||
    /ECONNREFUSED|ECONNRESET|EPIPE|Connection terminated|Query runner already released|connection provided by a query runner was already released|terminating connection|database system is|not queryable|timeout exceeded when trying to connect|connection (error|timeout)/i.test(
      message,
    )
  ) {
    return new GraphQLError('The database is unavailable; retry shortly', { extensions: { code: ErrorCode.SERVICE_UNAVAILABLE } });
  }
  logger?.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  return new GraphQLError('Internal server error', { extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR } });
}

interface HttpReply {
  sent: boolean;
  code(status: number): HttpReply;
  send(body: unknown): unknown;
}

/**
 * One filter for every resolver and every REST route: typed codes out, no stack traces or SQL text to
 * the client. On a REST route every error is answered, as `{ code, message }` with its HTTP status: an
 * AppError (a refusal of the AccessGuard, above all) with its own, one of Nest's HTTP exceptions (a
 * missing dashboard asset, say) with its status, and anything else as the GraphQL API would map it (the
 * database away is 503, anything unknown is logged and is a bare INTERNAL_SERVER_ERROR 500).
 */
@Catch()
export class GraphQLErrorFilter implements GqlExceptionFilter {
  private readonly logger = new Logger('GraphQL');
  catch(exception: unknown, host: ArgumentsHost) {
    if (host.getType() === 'http') {
      const reply = host.switchToHttp().getResponse<HttpReply>();
      // a stream that failed after its head was sent can only be cut short, which its own code does
      if (reply.sent) return undefined;
      if (exception instanceof HttpException) {
        const status = exception.getStatus();
        const mapped = toGraphQLError(exception);
        const code = HTTP_STATUS_CODES[status] ?? (status >= 500 ? ErrorCode.INTERNAL_SERVER_ERROR : ErrorCode.BAD_USER_INPUT);
        reply.code(status).send({ code, message: mapped.message });
        return undefined;
      }
      const mapped = toGraphQLError(exception, this.logger);
      const code = String(mapped.extensions.code) as ErrorCode;
      reply.code(httpStatusOf(code)).send({ ...mapped.extensions, code, message: mapped.message });
      return undefined;
    }
    return toGraphQLError(exception, this.logger);
  }
}
