import { ArgumentMetadata, ValidationError, ValidationPipe } from '@nestjs/common';
import { FieldProblem, InvalidInput } from './errors';

/** Flatten nested class-validator errors to `field.sub[0].x: problems`. */
export function fieldProblems(errors: ValidationError[], prefix = ''): FieldProblem[] {
  const out: FieldProblem[] = [];
  for (const e of errors) {
    // An empty key ({"": 1}) still needs a name a reader can see.
    const property = e.property === '' ? '""' : e.property;
    const field = prefix ? (/^\d+$/.test(property) ? `${prefix}[${property}]` : `${prefix}.${property}`) : property;
    if (e.constraints) {
      out.push({
        field,
        problems: Object.values(e.constraints).map((m) =>
          m.replace(/^property (\S+) should not exist$/, 'is not an allowed field'),
        ),
      });
    }
    if (e.children?.length) out.push(...fieldProblems(e.children, field));
  }
  return out;
}

/**
 * Named path parameters are parsed by their own pipes (IdPipe, EnumPipe), which must see the raw string: the
 * stock pipe would turn "1e3" into 1000 and "0x10" into 16 before IdPipe could refuse them.
 */
class AppValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'param' && metadata.data) return value;
    return super.transform(value, metadata);
  }
}

/** whitelist + forbidNonWhitelisted: unknown fields (mass assignment of role, id, version...) are refused. */
export function createValidationPipe(): ValidationPipe {
  return new AppValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => new InvalidInput(fieldProblems(errors)),
  });
}
