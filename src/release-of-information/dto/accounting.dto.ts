import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ActingForDto, ApiActingFor } from '../../access/dto/representative.dto';
import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Length, Max, Min } from 'class-validator';
import { PageDto, PageQueryDto } from '../../common/pagination';
import { ACCOUNTING_ACTIONS, ACCOUNTING_STATUSES, FEE_DECISIONS } from '../accounting-rules';
import { IsCalendarDate } from '../../common/validators';
import { ACCOUNTING_MAX_EXTENSION_DAYS } from '../roi-deadlines';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class DisclosuresQueryDto extends PageQueryDto {}

export class AccountingTransitionDto {
  @ApiProperty({ enum: ACCOUNTING_ACTIONS, description: 'extend (once, 1-30 days, before the due date, with the reasons) or fulfil (provide the accounting)' })
  @IsIn(ACCOUNTING_ACTIONS, { message: `action must be one of ${ACCOUNTING_ACTIONS.join(', ')}` })
  action: (typeof ACCOUNTING_ACTIONS)[number];

  @ApiPropertyOptional({ description: 'Required to extend: the reasons for the delay, in writing (164.528(c)(1)(ii))', minLength: 1, maxLength: 2000 })
  @IsOptional() @Transform(trim) @IsString() @Length(1, 2000)
  reason?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: ACCOUNTING_MAX_EXTENSION_DAYS })
  @IsOptional() @IsInt({ message: 'extensionDays must be an integer' })
  @Min(1, { message: `extensionDays must be from 1 to ${ACCOUNTING_MAX_EXTENSION_DAYS}` })
  @Max(ACCOUNTING_MAX_EXTENSION_DAYS, { message: `extensionDays must be from 1 to ${ACCOUNTING_MAX_EXTENSION_DAYS}` })
  extensionDays?: number;

  @ApiProperty({ description: 'The version you read (optimistic locking)' })
  @IsInt() @Min(1) @Max(2147483647)
  version: number;
}

export const ACCOUNTING_STATUS_FILTERS = [...ACCOUNTING_STATUSES] as const;

export class AccountingQueueQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: ACCOUNTING_STATUS_FILTERS })
  @IsOptional() @IsIn(ACCOUNTING_STATUS_FILTERS, { message: `status must be one of ${ACCOUNTING_STATUS_FILTERS.join(', ')}` })
  status?: (typeof ACCOUNTING_STATUS_FILTERS)[number];

  @ApiPropertyOptional({ enum: ['true', 'false'], description: 'true: not yet answered and past the due date' })
  @IsOptional() @IsIn(['true', 'false'], { message: 'overdue must be true or false' })
  overdue?: 'true' | 'false';
}

export class DisclosureRecipientDto {
  @ApiProperty() name: string;
  @ApiProperty({ nullable: true, type: String }) address: string | null;
}

export class DisclosureEntryDto {
  @ApiProperty() id: number;
  @ApiProperty({ example: '2026-11-29T14:00:00.000Z', description: 'Date of the disclosure (164.528(b)(2)(i))' }) date: string;
  @ApiProperty({ type: DisclosureRecipientDto, description: 'Recipient name and address if known (164.528(b)(2)(ii))' }) recipient: DisclosureRecipientDto;
  @ApiProperty({ description: 'What was disclosed (164.528(b)(2)(iii))' }) description: string;
  @ApiProperty({ description: 'Purpose (164.528(b)(2)(iv))' }) purpose: string;
  @ApiProperty({ nullable: true, type: Number }) roiRequestId: number | null;
  @ApiProperty({ enum: ['roi', 'manual'], description: 'roi: released through a request; manual: made elsewhere (a public-health report...) and entered by staff' }) source: string;
  @ApiProperty({ nullable: true, type: String, description: 'The legal basis of the disclosure (45 CFR 164.512...)' }) legalBasis: string | null;
}

export class AccountingDto {
  @ApiProperty() patientId: number;
  @ApiProperty({ description: 'Six years before `to` (164.528(a)(1))' }) from: string;
  @ApiProperty() to: string;
  @ApiProperty({ type: [DisclosureEntryDto] }) items: DisclosureEntryDto[];
  @ApiActingFor() actingFor?: ActingForDto;
}

/** GET /patients/:id/disclosures: the accounting, one page of its entries at a time. */
export class AccountingPageDto extends PageDto(DisclosureEntryDto) {
  @ApiProperty() patientId: number;
  @ApiProperty({ description: 'Six years before `to` (164.528(a)(1))' }) from: string;
  @ApiProperty() to: string;
}

export class AccountingPeriodDto {
  @ApiProperty({ nullable: true, type: String }) from: string | null;
  @ApiProperty({ nullable: true, type: String }) to: string | null;
}

export class AccountingRequestDto {
  @ApiProperty() id: number;
  @ApiProperty() patientId: number;
  @ApiProperty({ enum: ACCOUNTING_STATUSES }) status: string;
  @ApiProperty() receivedAt: string;
  @ApiProperty({ description: 'receivedAt + 60 days, + the one extension (164.528(c)(1))' }) dueAt: string;
  @ApiProperty({ nullable: true, type: Number }) daysLeft: number | null;
  @ApiProperty() overdue: boolean;
  @ApiProperty() extended: boolean;
  @ApiProperty({ nullable: true, type: String }) extensionReason: string | null;
  @ApiProperty({ description: '0 for the first accounting in any 12 months (164.528(c)(2))' }) feeCents: number;
  @ApiProperty({ nullable: true, type: String }) feeBasis: string | null;
  @ApiProperty({ type: AccountingPeriodDto, description: 'The six years the accounting covers (null until fulfilled)' }) period: AccountingPeriodDto;
  @ApiProperty({ nullable: true, type: String }) fulfilledAt: string | null;
  @ApiProperty() version: number;
  @ApiProperty({ nullable: true, type: AccountingDto, description: 'The accounting provided, once fulfilled' }) accounting: AccountingDto | null;
  @ApiProperty({ nullable: true, type: () => FeeNoticeDto, description: 'The advance notice of a fee (164.528(c)(2)); null for a free accounting' }) feeNotice: FeeNoticeDto | null;
  @ApiPropertyOptional({ nullable: true, type: Object, description: 'One request\'s answers: where the fee notice and the accounting go when the individual asked for confidential communications (164.522(b)); null: the address of record' })
  deliverTo?: { to: string; channel: string; address: string | null; confidentialCommunication: boolean; citation: string | null } | null;
  @ApiActingFor() actingFor?: ActingForDto;
}

export class FeeNoticeDto {
  @ApiProperty({ description: 'The fee quoted; charged (feeCents) only once accepted' }) quotedCents: number;
  @ApiProperty() text: string;
  @ApiProperty({ enum: FEE_DECISIONS, isArray: true, description: 'What the individual may answer now' }) choices: string[];
  @ApiProperty({ nullable: true, enum: FEE_DECISIONS }) decision: string | null;
  @ApiProperty({ nullable: true, type: String }) decidedAt: string | null;
}

/** POST /accounting-requests/:id/fee-decision: the individual's answer to the fee notice (164.528(c)(2)). */
export class FeeDecisionDto {
  @ApiProperty({ enum: FEE_DECISIONS, description: 'accept (the fee is charged), withdraw (nothing is charged), narrow (a shorter period, re-quoted)' })
  @IsIn(FEE_DECISIONS, { message: `decision must be one of ${FEE_DECISIONS.join(', ')}` })
  decision: (typeof FEE_DECISIONS)[number];

  @ApiPropertyOptional({ example: '2025-01-01', description: 'narrow: the first day of the shorter period' })
  @IsOptional() @IsCalendarDate()
  periodFrom?: string;

  @ApiPropertyOptional({ example: '2026-06-30', description: 'narrow: the last day of the shorter period' })
  @IsOptional() @IsCalendarDate()
  periodTo?: string;

  @ApiProperty({ description: 'The version you read' })
  @IsInt() @Min(1) @Max(2147483647)
  version: number;
}

/** GET /me/accounting-requests and /me/represented/:patientId/accounting-requests: a page, with actingFor for a representative. */
export class MyAccountingRequestsDto extends PageDto(AccountingRequestDto) {
  @ApiActingFor() actingFor?: ActingForDto;
}
