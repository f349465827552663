import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** One bad input field and what is wrong with it (docs/architecture.md, section 7). */
export class FieldProblemDto {
  @ApiProperty({ maxLength: 300, example: 'givenName', description: 'The field at fault: a body path (`address.city`, `items[0]`), a query or path parameter, or `body`' })
  field: string;

  @ApiProperty({ type: [String], maxItems: 50, example: ['givenName must be longer than or equal to 1 characters'] })
  problems: string[];
}

/**
 * The one error shape of the service, for every 4xx and 5xx (src/common/http-exception.filter.ts writes it):
 * `{ statusCode, error, message, details?, reasons?, context?, requestId }`.
 */
export class ErrorDto {
  @ApiProperty({ type: 'integer', format: 'int32', minimum: 400, maximum: 599, example: 400 })
  statusCode: number;

  @ApiProperty({ maxLength: 100, example: 'Bad Request', description: 'The HTTP reason phrase of statusCode' })
  error: string;

  @ApiProperty({ maxLength: 2000, example: 'Invalid input: givenName', description: 'What went wrong, for a person' })
  message: string;

  @ApiPropertyOptional({ type: [FieldProblemDto], maxItems: 500, description: 'Input errors (400 only): one entry per bad field' })
  details?: FieldProblemDto[];

  @ApiPropertyOptional({
    type: [String], maxItems: 50,
    description: 'Refusals (403): the access policy\'s reasons, last one decisive (the same as GET /access/explain gives)',
  })
  reasons?: string[];

  @ApiPropertyOptional({
    type: 'object', additionalProperties: true, maxProperties: 20,
    description: 'Facts that help a client recover: for a 409 the current `status` and the `allowedActions`, or the grant that is already open; for a 429 `retryAfter` in seconds; for a 503 from /health the checks that failed',
  })
  context?: Record<string, unknown>;

  @ApiProperty({ maxLength: 100, example: '6f1c2a9e-3d4b-4c5d-9e8f-0a1b2c3d4e5f', description: 'The X-Request-Id of the request (also in the logs and the audit row)' })
  requestId: string;
}
