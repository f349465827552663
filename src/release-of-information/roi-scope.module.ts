import { Module } from '@nestjs/common';
import { ROI_SCOPE_SOURCE } from '../access/access-policy.service';
import { RoiScopeRegistry } from './roi-scope.source';

/**
 * The open release-of-information requests as the access policy sees them: which request, with which scope, lets
 * an ROI specialist read a chart. A module of its own (it needs only the database), so the access module can import
 * it without a cycle through the ROI workflow, which itself needs the access policy.
 */
@Module({
  providers: [{ provide: ROI_SCOPE_SOURCE, useClass: RoiScopeRegistry }],
  exports: [ROI_SCOPE_SOURCE],
})
export class RoiScopeModule {}
