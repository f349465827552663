import { ArgumentMetadata, Injectable, PipeTransform } from '@nestjs/common';
import { InvalidInput } from './errors';

const MAX_ID = 2_147_483_647;

/** Path ids: a positive 32-bit integer written in plain digits, or 400 naming the parameter. */
@Injectable()
export class IdPipe implements PipeTransform<string, number> {
  transform(value: string, meta: ArgumentMetadata): number {
    const name = meta.data ?? 'id';
    if (typeof value !== 'string' || !/^[1-9]\d{0,9}$/.test(value) || Number(value) > MAX_ID) {
      throw InvalidInput.field(name, 'must be a positive integer');
    }
    return Number(value);
  }
}

/** A path segment that must be one of a fixed set, or 400 naming the parameter. */
export class EnumPipe<T extends string> implements PipeTransform<string, T> {
  /** Public: the API document lists them as the parameter's enum (src/common/openapi/route-facts.ts). */
  constructor(readonly values: readonly T[]) {}
  transform(value: string, meta: ArgumentMetadata): T {
    if (!(this.values as readonly string[]).includes(value)) {
      throw InvalidInput.field(meta.data ?? 'value', `must be one of ${this.values.join(', ')}`);
    }
    return value as T;
  }
}
