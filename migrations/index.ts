import { InitialSchema1764400000000 } from './1764400000000-initial-schema';
import { AuditInvestigations1764400600000 } from './1764400600000-audit-investigations';
import { ReleaseOfInformation1764600000000 } from './1764600000000-release-of-information';
import { Reporting1764700000000 } from './1764700000000-reporting';
import { RoiPrivacyApproval1764800000000 } from './1764800000000-roi-privacy-approval';
import { TokenRevocation1764900000000 } from './1764900000000-token-revocation';
import { AuditEpochs1765000000000 } from './1765000000000-audit-epochs';
import { RoiIndividualRights1765200000000 } from './1765200000000-roi-individual-rights';
import { RoiReleaseBasis1765100000000 } from './1765100000000-roi-release-basis';
import { RepresentativesRestrictions1765300000000 } from './1765300000000-representatives-restrictions';
import { CodingAndDeficiencies1765400000000 } from './1765400000000-coding-and-deficiencies';
import { AmendmentIntegrity1765500000000 } from './1765500000000-amendment-integrity';
import { OutcomeReleases1765600000000 } from './1765600000000-outcome-releases';
import { AuditActionSeq1765700000000 } from './1765700000000-audit-action-seq';

/** Every migration, in order. Listed explicitly so the app, the CLI and jest load the same classes. */
export const migrations = [InitialSchema1764400000000, AuditInvestigations1764400600000, ReleaseOfInformation1764600000000, Reporting1764700000000, RoiPrivacyApproval1764800000000, TokenRevocation1764900000000, AuditEpochs1765000000000, RoiReleaseBasis1765100000000, RoiIndividualRights1765200000000, RepresentativesRestrictions1765300000000, CodingAndDeficiencies1765400000000, AmendmentIntegrity1765500000000, OutcomeReleases1765600000000, AuditActionSeq1765700000000];
