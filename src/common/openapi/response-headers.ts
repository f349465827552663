/**
 * The response headers the service sets beyond the usual ones, as the API document declares them (X-Request-Id on
 * every answer is added by finishDocument). A route that sets one of these names it in its own response decorator:
 * `@ApiOkResponse({ ..., headers: responseHeaders('X-Package-SHA256', 'Content-Disposition') })`.
 */
import { CSV_CELLS_NEUTRALIZED, CSV_CELLS_RAW } from '../csv-cells';

const SHA256 = { type: 'string', pattern: '^[0-9a-f]{64}$', minLength: 64, maxLength: 64 };

export const RESPONSE_HEADERS = {
  'Content-Disposition': { description: 'attachment (inline for an SVG chart) with the file name to save the body under', schema: { type: 'string', maxLength: 300 } },
  'X-Package-SHA256': { description: 'SHA-256 (hex) of the body: the released package\'s fingerprint, as recorded with the disclosure', schema: SHA256 },
  'X-Content-SHA256': { description: 'SHA-256 (hex) of the body (for a stored run: the hash stored with it)', schema: SHA256 },
  'X-Audit-Export-Rows': { description: 'How many audit rows the export holds', schema: { type: 'integer', format: 'int64', minimum: 0 } },
  'X-Audit-Export-Up-To-Seq': { description: 'The last chain sequence number the export covers (rows written after the export started are not in it)', schema: { type: 'integer', format: 'int64', minimum: 0 } },
  'X-Csv-Cells': { description: 'CSV only: whether cells a spreadsheet would run as formulas were neutralized, or sent raw (raw=true)', schema: { type: 'string', enum: [CSV_CELLS_NEUTRALIZED, CSV_CELLS_RAW] } },
  'Retry-After': { description: 'Seconds to wait before trying again (RFC 9110, 10.2.3)', schema: { type: 'integer', format: 'int32', minimum: 1, maximum: 86400 } },
} as const;

export type ResponseHeaderName = keyof typeof RESPONSE_HEADERS;

export function responseHeaders(...names: ResponseHeaderName[]): Record<string, { description: string; schema: Record<string, unknown> }> {
  return Object.fromEntries(names.map((n) => [n, RESPONSE_HEADERS[n] as unknown as { description: string; schema: Record<string, unknown> }]));
}
