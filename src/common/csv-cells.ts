/**
 * CSV formula injection (OWASP "CSV Injection"): a spreadsheet runs a cell that begins with `=`, `+`, `-`, `@`, a
 * tab or a carriage return as a formula. Text the service did not write itself (a username typed at a failed
 * login, a User-Agent header, a department name) must not reach a privacy officer's spreadsheet as a formula.
 * Such a cell gets a leading apostrophe: spreadsheets show the text as typed and run nothing. Numbers the service
 * computed are not text and stay numbers.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

export function neutralizeCell<T>(value: T): T | string {
  return typeof value === 'string' && FORMULA_START.test(value) ? `'${value}` : value;
}

/** The HTTP header that tells which CSV a client received. */
export const CSV_CELLS_HEADER = 'X-Csv-Cells';
export const CSV_CELLS_NEUTRALIZED = 'neutralized (text cells beginning with = + - @ tab or CR are prefixed with an apostrophe)';
export const CSV_CELLS_RAW = 'raw (exact stored bytes, for hash checks; NOT safe to open in a spreadsheet)';
