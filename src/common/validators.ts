import { ApiProperty } from '@nestjs/swagger';
import { registerDecorator, ValidationOptions } from 'class-validator';

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
