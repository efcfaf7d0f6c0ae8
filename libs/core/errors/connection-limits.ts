import { ErrorCode } from './app-error';

/**
 * PostgreSQL's answers when a limit every pooled connection carries (libs/core/database/data-source.ts)
 * cuts a request off: a lock wait that ran out means someone else holds the rows (retry shortly); a
 * statement cancelled for its time, or a session ended for idling in a transaction, is the server
 * refusing to be held (retry later). Neither is the caller's input, nor an internal error.
 */
const LIMITS: Record<string, { code: ErrorCode; message: string }> = {
  '55P03': { code: ErrorCode.CONFLICT, message: 'The rows are being changed by someone else (another write or an import); retry shortly' },
  '57014': { code: ErrorCode.SERVICE_UNAVAILABLE, message: 'The database took too long to answer and the statement was stopped; retry shortly' },
  '25P03': { code: ErrorCode.SERVICE_UNAVAILABLE, message: 'The database ended a transaction left idle too long; retry' },
};

export function connectionLimitError(sqlState: string | undefined): { code: ErrorCode; message: string } | undefined {
  return sqlState ? LIMITS[sqlState] : undefined;
}
