import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { EnvironmentVariables } from './env.schema';

/** Typed read access to the validated environment. */
@Injectable()
export class AppConfig {
  constructor(private readonly config: ConfigService<EnvironmentVariables, true>) {}

  get<K extends keyof EnvironmentVariables>(key: K): EnvironmentVariables[K] {
    return this.config.get(key, { infer: true });
  }

  get env(): EnvironmentVariables {
    const keys = Object.keys(new EnvironmentVariables()) as (keyof EnvironmentVariables)[];
    const out = {} as Record<string, unknown>;
    for (const k of [...keys, 'DATABASE_URL', 'DATABASE_SCHEMA', 'JWT_SECRET', 'AUDIT_HMAC_KEY'] as const) out[k] = this.get(k);
    return out as unknown as EnvironmentVariables;
  }
}
