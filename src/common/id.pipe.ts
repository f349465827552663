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
