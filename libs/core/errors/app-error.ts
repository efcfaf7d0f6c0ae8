/** The codes a client can rely on in `extensions.code`. */
export enum ErrorCode {
  BAD_USER_INPUT = 'BAD_USER_INPUT',
  NOT_FOUND = 'NOT_FOUND',
  CONFLICT = 'CONFLICT',
  FORBIDDEN = 'FORBIDDEN',
  UNAUTHENTICATED = 'UNAUTHENTICATED',
  TOO_MANY_REQUESTS = 'TOO_MANY_REQUESTS',
  PAYLOAD_TOO_LARGE = 'PAYLOAD_TOO_LARGE',
  SERVICE_UNAVAILABLE = 'SERVICE_UNAVAILABLE',
  INTERNAL_SERVER_ERROR = 'INTERNAL_SERVER_ERROR',
}

/** The HTTP status a REST route answers for each code (GraphQL answers them in `extensions.code`). */
const HTTP_STATUS: Record<ErrorCode, number> = {
  [ErrorCode.BAD_USER_INPUT]: 400,
  [ErrorCode.UNAUTHENTICATED]: 401,
  [ErrorCode.FORBIDDEN]: 403,
  [ErrorCode.NOT_FOUND]: 404,
  [ErrorCode.CONFLICT]: 409,
  [ErrorCode.TOO_MANY_REQUESTS]: 429,
  [ErrorCode.PAYLOAD_TOO_LARGE]: 413,
  [ErrorCode.INTERNAL_SERVER_ERROR]: 500,
  [ErrorCode.SERVICE_UNAVAILABLE]: 503,
};
export const httpStatusOf = (code: ErrorCode): number => HTTP_STATUS[code] ?? 500;

export interface FieldProblem {
  field: string;
  message: string;
}

/** A failure the caller caused or must know about; everything else is an internal error. */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: { fields?: FieldProblem[]; [key: string]: unknown } = {},
  ) {
    super(message);
  }

  static badInput(field: string, message: string): AppError {
    return new AppError(ErrorCode.BAD_USER_INPUT, `${field}: ${message}`, { field, fields: [{ field, message }] });
  }

  static badInputs(fields: FieldProblem[]): AppError {
    const text = fields.map((f) => `${f.field}: ${f.message}`).join('; ');
    return new AppError(ErrorCode.BAD_USER_INPUT, text, { field: fields[0]?.field, fields });
  }

  /** Also used for ids outside the caller's scope, so a refusal never reveals that an id exists. */
  static notFound(entity: string, id: string): AppError {
    return new AppError(ErrorCode.NOT_FOUND, `${entity} ${id} not found`, { entity, id });
  }

  /** Re-labels a NOT_FOUND of an enclosing entity (an out-of-scope organisation) as NOT_FOUND of this one; other errors pass. */
  static asNotFound(entity: string, id: string): (error: unknown) => never {
    return (error: unknown) => {
      if (error instanceof AppError && error.code === ErrorCode.NOT_FOUND) throw AppError.notFound(entity, id);
      throw error;
    };
  }

  static conflict(entity: string, id: string, expected: number, actual: number): AppError {
    return new AppError(
      ErrorCode.CONFLICT,
      `${entity} ${id} was changed by someone else (you had version ${expected}, it is now ${actual}): reload and retry`,
      { entity, id, expectedVersion: expected, currentVersion: actual },
    );
  }
}
