import { ApiProperty } from '@nestjs/swagger';
import { registerDecorator, ValidationOptions } from 'class-validator';
import { Transform } from 'class-transformer';

/** A real calendar date written YYYY-MM-DD (no 2026-02-30), optionally not in the future. */
export function IsCalendarDate(opts: { notInFuture?: boolean } = {}, validationOptions?: ValidationOptions) {
  return (object: object, propertyName: string) => {
    // The API docs say what is accepted (OpenAPI `format: date`), whatever else the property's @ApiProperty says.
    ApiProperty({ format: 'date' })(object, propertyName);
    registerDecorator({
      name: 'isCalendarDate',
      target: object.constructor,
      propertyName,
      options: validationOptions,
      validator: {
        validate(value: unknown) {
          if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
          const d = new Date(`${value}T00:00:00.000Z`);
          if (Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== value) return false;
          if (d.getUTCFullYear() < 1850) return false;
          return !opts.notInFuture || d.getTime() <= Date.now();
        },
        defaultMessage: () => `${propertyName} must be a real date written YYYY-MM-DD${opts.notInFuture ? ', not in the future' : ''}`,
      },
    });
  };
}

/** An ISO-8601 date-time with a time zone (e.g. 2026-11-29T14:00:00Z), within sane years. */
export function IsTimestamp(validationOptions?: ValidationOptions) {
  return (object: object, propertyName: string) => {
    ApiProperty({ format: 'date-time' })(object, propertyName);
    registerDecorator({
      name: 'isTimestamp',
      target: object.constructor,
      propertyName,
      options: validationOptions,
      validator: {
        validate(value: unknown) {
          if (typeof value !== 'string' || value.length > 40) return false;
          if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})$/.test(value)) return false;
          const d = new Date(value);
          return !Number.isNaN(d.getTime()) && d.getUTCFullYear() >= 1900 && d.getUTCFullYear() <= 2200;
        },
        defaultMessage: () => `${propertyName} must be an ISO-8601 date-time with a time zone, e.g. 2026-11-29T14:00:00Z`,
      },
    });
  };
}

/** Normalizes an accepted timestamp to the stored form (UTC, milliseconds). */
export function toStoredTime(value: string): string {
  return new Date(value).toISOString();
}

/**
 * Zero-width and bidirectional-control characters: invisible, they make two names that look alike differ ("José"
 * vs "Jo\u200Bsé"), or reorder what a reader sees (U+202E). A name or a search term never needs them.
 */
const INVISIBLE = /[\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF\u061C]/;

/**
 * Text a person types and another finds (names, usernames, search terms): NFC-normalized, so "José" typed as one
 * code point or as e + combining accent is the same text, and free of invisible characters (400 naming the field).
 */
export function HumanText(validationOptions?: ValidationOptions) {
  return (object: object, propertyName: string) => {
    Transform(({ value }) => (typeof value === 'string' ? value.normalize('NFC') : value))(object, propertyName);
    registerDecorator({
      name: 'humanText',
      target: object.constructor,
      propertyName,
      options: validationOptions,
      validator: {
        validate: (value: unknown) => typeof value !== 'string' || !INVISIBLE.test(value),
        defaultMessage: () => `${propertyName} must not contain zero-width or bidirectional-control characters`,
      },
    });
  };
}
