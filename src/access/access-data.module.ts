import { Module } from '@nestjs/common';
import { BreakGlassGrantsRepository } from './break-glass.repository';
import { RolePermissionsRepository } from './role-permissions.repository';

/** The access module's grants and role matrix as other modules may read them, with no dependency but the database. */
@Module({ providers: [BreakGlassGrantsRepository, RolePermissionsRepository], exports: [BreakGlassGrantsRepository, RolePermissionsRepository] })
export class AccessDataModule {}
