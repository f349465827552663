import { HttpException, HttpStatus } from '@nestjs/common';

export interface FieldProblem {
  field: string;
  problems: string[];
}

/** 400 with one entry per bad field (docs/architecture.md, section 7). */
export class InvalidInput extends HttpException {
  constructor(details: FieldProblem[], message?: string) {
    super(
      {
        statusCode: HttpStatus.BAD_REQUEST,
        error: 'Bad Request',
        message: message ?? `Invalid input: ${details.map((d) => d.field).join(', ')}`,
        details,
      },
      HttpStatus.BAD_REQUEST,
    );
  }
  static field(field: string, problem: string): InvalidInput {
    return new InvalidInput([{ field, problems: [problem] }], `Invalid input: ${field} ${problem}`);
  }
}

/** 403 carrying the policy's reasons; the caller has already audited it. */
export class AccessDenied extends HttpException {
  constructor(message: string, reasons: string[] = [message]) {
    super({ statusCode: HttpStatus.FORBIDDEN, error: 'Forbidden', message, reasons }, HttpStatus.FORBIDDEN);
  }
}

/** 409: a stale version or a transition the state machine does not allow; `context` (the answer's) helps recover. */
export class Conflict extends HttpException {
  constructor(message: string, details?: unknown) {
    super({ statusCode: HttpStatus.CONFLICT, error: 'Conflict', message, details }, HttpStatus.CONFLICT);
  }
}

export class NotFound extends HttpException {
  constructor(what: string) {
    super({ statusCode: HttpStatus.NOT_FOUND, error: 'Not Found', message: `${what} not found` }, HttpStatus.NOT_FOUND);
  }
}
