import { ApiProperty } from '@nestjs/swagger';
import { PageDto } from '../../common/pagination';
import { RULE_NAMES } from '../../audit';
import { DECISIONS, EXCEPTION_CODES, INCIDENT_STATUSES, NOTIFICATION_TARGETS } from '../breach-rules';
import { AcquiredOrViewedDto, MitigationDto, NatureAndExtentDto, UnauthorizedPersonDto } from './breach.dto';

/** The answers of /privacy/incidents: what `toIncidentDto` (breach-incidents.repository.ts) builds, documented. */

export class IncidentSourceDto {
  @ApiProperty({ enum: ['break-glass-review', 'anomaly-finding'] }) type: 'break-glass-review' | 'anomaly-finding';
  @ApiProperty({ type: Number, nullable: true, description: 'break-glass-review: the grant' }) grantId: number | null;
  @ApiProperty({ type: String, enum: RULE_NAMES, nullable: true, description: 'anomaly-finding: the rule that fired' }) rule: string | null;
}

export class FactorCitationsDto {
  @ApiProperty({ example: '45 CFR 164.402(2)(i)' }) natureAndExtent: string;
  @ApiProperty({ example: '45 CFR 164.402(2)(ii)' }) unauthorizedPerson: string;
  @ApiProperty({ example: '45 CFR 164.402(2)(iii)' }) acquiredOrViewed: string;
  @ApiProperty({ example: '45 CFR 164.402(2)(iv)' }) mitigation: string;
}

export class IncidentAssessmentDto {
  @ApiProperty({ type: NatureAndExtentDto }) natureAndExtent: NatureAndExtentDto;
  @ApiProperty({ type: UnauthorizedPersonDto }) unauthorizedPerson: UnauthorizedPersonDto;
  @ApiProperty({ type: AcquiredOrViewedDto }) acquiredOrViewed: AcquiredOrViewedDto;
  @ApiProperty({ type: MitigationDto }) mitigation: MitigationDto;
  @ApiProperty() individualsAffected: number;
  @ApiProperty({ description: 'The most residents of any one State or jurisdiction (164.406)' }) residentsOfOneState: number;
  @ApiProperty({ type: FactorCitationsDto }) citations: FactorCitationsDto;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) assessedAt: string | null;
  @ApiProperty({ type: Number, nullable: true }) assessedBy: number | null;
}

export class IncidentExceptionDto {
  @ApiProperty({ enum: EXCEPTION_CODES }) code: string;
  @ApiProperty({ example: '45 CFR 164.402(1)(i)' }) citation: string;
  @ApiProperty() description: string;
  @ApiProperty({ type: String, nullable: true }) rationale: string | null;
}

export class IncidentDecisionViewDto {
  @ApiProperty({ enum: DECISIONS }) decision: string;
  @ApiProperty({ type: String, nullable: true, description: 'The documented reasons (164.414(b))' }) rationale: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) decidedAt: string | null;
  @ApiProperty({ type: Number, nullable: true }) decidedBy: number | null;
  @ApiProperty({ description: 'Why: an exception of 164.402(1), a low probability of compromise, or a presumed breach' }) basis: string;
  @ApiProperty() citation: string;
}

export class NotificationDeadlineDto {
  @ApiProperty({ format: 'date', description: 'The last day (inclusive)' }) dueBy: string;
  @ApiProperty() citation: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) sentAt: string | null;
  @ApiProperty({ description: 'Sent after the due date, or not sent and the due date has passed' }) late: boolean;
}

export class HhsDeadlineDto extends NotificationDeadlineDto {
  @ApiProperty({ enum: ['with-individual-notice', 'annual-log'], description: '500 or more: with the individual notices (164.408(b)); fewer: the annual log (164.408(c))' })
  route: 'with-individual-notice' | 'annual-log';
}

export class IncidentDeadlinesDto {
  @ApiProperty({ format: 'date-time' }) discoveredAt: string;
  @ApiProperty() rule: string;
  @ApiProperty({ type: NotificationDeadlineDto, description: 'The individuals (164.404)' }) individual: NotificationDeadlineDto;
  @ApiProperty({ type: NotificationDeadlineDto, nullable: true, description: 'Prominent media outlets, more than 500 residents of one State (164.406); null otherwise' })
  media: NotificationDeadlineDto | null;
  @ApiProperty({ type: HhsDeadlineDto, description: 'The Secretary (164.408)' }) hhs: HhsDeadlineDto;
}

export class IncidentNotificationViewDto {
  @ApiProperty() id: number;
  @ApiProperty({ enum: NOTIFICATION_TARGETS }) target: string;
  @ApiProperty() channel: string;
  @ApiProperty({ format: 'date-time' }) sentAt: string;
  @ApiProperty({ format: 'date-time' }) recordedAt: string;
  @ApiProperty() recordedBy: number;
}

export class IncidentDto {
  @ApiProperty() id: number;
  @ApiProperty() patientId: number;
  @ApiProperty({ type: IncidentSourceDto }) source: IncidentSourceDto;
  @ApiProperty({ type: Number, nullable: true, description: 'The workforce member whose access it is about' }) subjectUserId: number | null;
  @ApiProperty({ type: [Number], description: 'Audit sequence numbers' }) evidence: number[];
  @ApiProperty() summary: string;
  @ApiProperty({ format: 'date-time', description: '164.404(a)(2)' }) discoveredAt: string;
  @ApiProperty({ format: 'date-time' }) openedAt: string;
  @ApiProperty() openedBy: number;
  @ApiProperty({ enum: INCIDENT_STATUSES }) status: string;
  @ApiProperty({ type: IncidentAssessmentDto, nullable: true, description: 'The four-factor risk assessment (164.402(2)); null until assessed' })
  assessment: IncidentAssessmentDto | null;
  @ApiProperty({ type: IncidentExceptionDto, nullable: true, description: 'An exception of 164.402(1), if one was recorded' }) exception: IncidentExceptionDto | null;
  @ApiProperty({ type: IncidentDecisionViewDto, nullable: true }) decision: IncidentDecisionViewDto | null;
  @ApiProperty({ type: IncidentDeadlinesDto, nullable: true, description: 'A breach only: the notification deadlines' }) deadlines: IncidentDeadlinesDto | null;
  @ApiProperty({ type: [IncidentNotificationViewDto] }) notifications: IncidentNotificationViewDto[];
  @ApiProperty() version: number;
}

export class IncidentPageDto extends PageDto(IncidentDto) {}
