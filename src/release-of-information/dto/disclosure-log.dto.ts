import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsOptional, IsString, Length } from 'class-validator';
import { IsCalendarDate } from '../../common/validators';
import { STATEMENT_FORMS, SUSPENDING_AGENCY_TYPES } from '../accounting-suspension';
import { LEGAL_BASIS_CODES } from '../disclosure-basis';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

/** POST /patients/:id/disclosures: a disclosure made outside the ROI workflow, entered for the accounting (164.528(b)(2)). */
export class ManualDisclosureDto {
  @ApiProperty({ example: 'State Department of Health, Communicable Disease Unit', description: '164.528(b)(2)(ii): the recipient\'s name' })
  @Transform(trim) @IsString() @Length(1, 300)
  recipientName: string;

  @ApiPropertyOptional({ example: '1 Capitol Way, Springfield', description: '164.528(b)(2)(ii): the address, if known' })
  @IsOptional() @Transform(trim) @IsString() @Length(1, 500)
  recipientAddress?: string;

  @ApiProperty({ example: '2026-10-15', description: '164.528(b)(2)(i): the date of the disclosure (not in the future)' })
  @IsCalendarDate()
  disclosedOn: string;

  @ApiProperty({ example: 'Mandatory report of a notifiable disease', description: '164.528(b)(2)(iv): the purpose (or a copy of the written request)' })
  @Transform(trim) @IsString() @Length(1, 500)
  purpose: string;

  @ApiProperty({ enum: LEGAL_BASIS_CODES, example: 'public-health', description: 'The provision that permitted it; an exempt basis (164.528(a)(1)) is refused: it never appears in an accounting' })
  @IsIn(LEGAL_BASIS_CODES, { message: `legalBasis must be one of ${LEGAL_BASIS_CODES.join(', ')}` })
  legalBasis: (typeof LEGAL_BASIS_CODES)[number];

  @ApiProperty({ example: 'Laboratory result and diagnosis of the reportable condition', description: '164.528(b)(2)(iii): a brief description of the PHI disclosed' })
  @Transform(trim) @IsString() @Length(1, 1000)
  description: string;
}

/** POST /patients/:id/accounting-suspensions: an agency's statement that an accounting would impede it (164.528(a)(2)). */
export class AccountingSuspensionDto {
  @ApiProperty({ example: 'Office of Inspector General', description: 'The health oversight agency or law enforcement agency' })
  @Transform(trim) @IsString() @Length(1, 300)
  agencyName: string;

  @ApiProperty({ enum: SUSPENDING_AGENCY_TYPES, description: 'health-oversight (164.512(d)) or law-enforcement (164.512(f))' })
  @IsIn(SUSPENDING_AGENCY_TYPES, { message: `agencyType must be one of ${SUSPENDING_AGENCY_TYPES.join(', ')}` })
  agencyType: (typeof SUSPENDING_AGENCY_TYPES)[number];

  @ApiProperty({ example: 'Special Agent R. Diaz', description: 'The official who made the statement (164.528(a)(2)(ii)(A): the identity is documented)' })
  @Transform(trim) @IsString() @Length(1, 300)
  officialName: string;

  @ApiProperty({ enum: STATEMENT_FORMS, description: 'written: suspends for the time it specifies; oral: at most 30 days unless a written statement follows' })
  @IsIn(STATEMENT_FORMS, { message: `form must be one of ${STATEMENT_FORMS.join(', ')}` })
  form: (typeof STATEMENT_FORMS)[number];

  @ApiProperty({ example: 'An accounting would be reasonably likely to impede our investigation.', description: 'The statement (164.528(a)(2)(i))' })
  @Transform(trim) @IsString() @Length(1, 2000)
  statement: string;

  @ApiProperty({ example: '2026-11-01', description: 'The day the statement was made' })
  @IsCalendarDate()
  statedOn: string;

  @ApiPropertyOptional({ example: '2027-05-01', description: 'The last day of the suspension: required when written; oral: at most 30 days on (default 30)' })
  @IsOptional() @IsCalendarDate()
  endsOn?: string;
}

export class AccountingSuspensionViewDto {
  @ApiProperty() id: number;
  @ApiProperty() patientId: number;
  @ApiProperty() agencyName: string;
  @ApiProperty({ enum: SUSPENDING_AGENCY_TYPES }) agencyType: string;
  @ApiProperty() officialName: string;
  @ApiProperty({ enum: STATEMENT_FORMS }) form: string;
  @ApiProperty() statement: string;
  @ApiProperty() startsAt: string;
  @ApiProperty({ description: 'The suspension ends at this instant (the end of its last day)' }) endsAt: string;
  @ApiProperty({ description: 'In force now' }) inForce: boolean;
  @ApiProperty() recordedBy: number;
  @ApiProperty() recordedAt: string;
  @ApiProperty() citation: string;
}

export class AccountingSuspensionListDto {
  @ApiProperty({ type: [AccountingSuspensionViewDto], description: 'Newest first' }) items: AccountingSuspensionViewDto[];
}
