import { Module } from '@nestjs/common';
import { BreakGlassGrantsRepository } from './break-glass.repository';

/** The access module's grants as other modules may read them, with no dependency but the database. */
@Module({ providers: [BreakGlassGrantsRepository], exports: [BreakGlassGrantsRepository] })
export class AccessDataModule {}
