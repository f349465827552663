import { InitialSchema1764400000000 } from './1764400000000-initial-schema';

/** Every migration, in order. Listed explicitly so the app, the CLI and jest load the same classes. */
export const migrations = [InitialSchema1764400000000];
