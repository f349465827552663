import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsInt, IsOptional, IsString, Length, Max, Min, ValidateNested } from 'class-validator';
import { IsCalendarDate } from '../../common/validators';
import { NAMEABLE_CATEGORIES } from '../authorization';
import { RECIPIENT_KINDS } from '../disclosure-basis';
import { LAW_ENFORCEMENT_PATHS, LEGAL_PROCESS_TYPES } from '../release-basis-conditions';
import { RECORD_TYPES } from '../roi-scope';

/**
 * The facts a release's basis is established from and checked against (issue 12): the recipient, the legal
 * process desk's documents and assurances (45 CFR 164.512(e)), the law enforcement path (164.512(f)), public health
 * (164.512(b)), operations with another covered entity (164.506(c)(4)), the patient's written direction
 * (164.524(c)(3)(ii)). Every element is optional on purpose: the request is logged as received, and the validation
 * step lists every missing element in one answer (release-basis-conditions.ts).
 */

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
const opt = (max: number) => [IsOptional(), Transform(trim), IsString(), Length(0, max)];
const apply = (...ds: PropertyDecorator[]) => (t: object, k: string | symbol) => ds.forEach((d) => d(t, k));

export class LegalDocumentDto {
  @ApiPropertyOptional({ example: 'Subpoena duces tecum' }) @apply(...opt(300)) title?: string;
  @ApiPropertyOptional({ example: 'scan://legal/2026-117.pdf', description: 'Where the document is kept' }) @apply(...opt(500)) reference?: string;
}

export class LegalProcessScopeDto {
  @ApiPropertyOptional({ enum: RECORD_TYPES, isArray: true, description: 'Record types the document reaches' })
  @IsOptional() @IsArray() @ArrayMaxSize(10) @IsIn(RECORD_TYPES, { each: true, message: `recordTypes must be among ${RECORD_TYPES.join(', ')}` }) recordTypes?: string[];
  @ApiPropertyOptional({ example: '2026-01-01' }) @IsOptional() @IsCalendarDate() dateFrom?: string;
  @ApiPropertyOptional({ example: '2026-06-30' }) @IsOptional() @IsCalendarDate() dateTo?: string;
  @ApiPropertyOptional({ enum: NAMEABLE_CATEGORIES, isArray: true, description: 'Restricted categories an ORDER expressly reaches (164.512(e)(1)(i))' })
  @IsOptional() @IsArray() @ArrayMaxSize(10) @IsIn(NAMEABLE_CATEGORIES, { each: true, message: `categories must be among ${NAMEABLE_CATEGORIES.join(', ')}` }) categories?: string[];
}

export class LegalNoticeDto {
  @ApiPropertyOptional({ description: '164.512(e)(1)(iii)(A): good-faith attempt at written notice to the individual' }) @IsOptional() @IsBoolean() goodFaithWrittenNotice?: boolean;
  @ApiPropertyOptional({ example: '2026-10-01' }) @IsOptional() @IsCalendarDate() noticeSentOn?: string;
  @ApiPropertyOptional({ description: '(iii)(B): enough about the proceeding to object' }) @IsOptional() @IsBoolean() sufficientInformationToObject?: boolean;
  @ApiPropertyOptional({ description: '(iii)(C): the time to object has elapsed' }) @IsOptional() @IsBoolean() objectionPeriodEnded?: boolean;
  @ApiPropertyOptional({ enum: ['none', 'resolved', 'pending'], description: '(iii)(C)(1)-(2)' })
  @IsOptional() @IsIn(['none', 'resolved', 'pending'], { message: 'objections must be none, resolved or pending' }) objections?: 'none' | 'resolved' | 'pending';
}

export class ProtectiveOrderDto {
  @ApiPropertyOptional({ enum: ['agreed-and-presented', 'requested'], description: '164.512(e)(1)(iv)(A)-(B)' })
  @IsOptional() @IsIn(['agreed-and-presented', 'requested'], { message: 'status must be agreed-and-presented or requested' }) status?: 'agreed-and-presented' | 'requested';
  @ApiPropertyOptional({ description: '(v)(A): no use or disclosure outside the proceeding' }) @IsOptional() @IsBoolean() limitsUseToProceeding?: boolean;
  @ApiPropertyOptional({ description: '(v)(B): returned or destroyed at the end' }) @IsOptional() @IsBoolean() returnOrDestroyAtEnd?: boolean;
}

/** The legal process desk's record of a subpoena, order, warrant or administrative request. */
export class LegalProcessDto {
  @ApiPropertyOptional({ enum: LEGAL_PROCESS_TYPES })
  @IsOptional() @IsIn(LEGAL_PROCESS_TYPES, { message: `type must be one of ${LEGAL_PROCESS_TYPES.join(', ')}` }) type?: (typeof LEGAL_PROCESS_TYPES)[number];
  @ApiPropertyOptional({ example: 'Springfield County Superior Court', description: 'Issuing court, tribunal, grand jury or agency' }) @apply(...opt(300)) issuedBy?: string;
  @ApiPropertyOptional({ example: '2026-10-15' }) @IsOptional() @IsCalendarDate() issuedOn?: string;
  @ApiPropertyOptional({ example: 'CV-2026-00417' }) @apply(...opt(100)) docketNumber?: string;
  @ApiPropertyOptional({ type: [LegalDocumentDto] }) @IsOptional() @IsArray() @ArrayMaxSize(20) @ValidateNested({ each: true }) @Type(() => LegalDocumentDto) documents?: LegalDocumentDto[];
  @ApiPropertyOptional({ type: LegalProcessScopeDto, description: 'What the document allows: the release is limited to it' })
  @IsOptional() @ValidateNested() @Type(() => LegalProcessScopeDto) scope?: LegalProcessScopeDto;
  @ApiPropertyOptional({ type: LegalNoticeDto }) @IsOptional() @ValidateNested() @Type(() => LegalNoticeDto) notice?: LegalNoticeDto;
  @ApiPropertyOptional({ type: ProtectiveOrderDto }) @IsOptional() @ValidateNested() @Type(() => ProtectiveOrderDto) protectiveOrder?: ProtectiveOrderDto;
}

export class AdministrativeTestDto {
  @ApiPropertyOptional({ description: '164.512(f)(1)(ii)(C)(1)' }) @IsOptional() @IsBoolean() relevantAndMaterial?: boolean;
  @ApiPropertyOptional({ description: '(C)(2)' }) @IsOptional() @IsBoolean() specificAndLimited?: boolean;
  @ApiPropertyOptional({ description: '(C)(3)' }) @IsOptional() @IsBoolean() deidentifiedNotSufficient?: boolean;
}

export class VictimDto {
  @ApiPropertyOptional({ description: '164.512(f)(3)(i)' }) @IsOptional() @IsBoolean() agreed?: boolean;
  @ApiPropertyOptional({ description: '(f)(3)(ii)' }) @IsOptional() @IsBoolean() incapacitated?: boolean;
  @ApiPropertyOptional({ description: '(f)(3)(ii)(A)' }) @IsOptional() @IsBoolean() notToBeUsedAgainstVictim?: boolean;
  @ApiPropertyOptional({ description: '(f)(3)(ii)(B)' }) @IsOptional() @IsBoolean() immediateActivityWouldSuffer?: boolean;
  @ApiPropertyOptional({ description: '(f)(3)(ii)(C)' }) @IsOptional() @IsBoolean() inBestInterests?: boolean;
}

export class EmergencyDto {
  @ApiPropertyOptional({ description: '164.512(f)(6)(i)' }) @IsOptional() @IsBoolean() careOffPremises?: boolean;
  @ApiPropertyOptional({ description: '(f)(6)(i)(A)-(C)' }) @IsOptional() @IsBoolean() necessaryToAlert?: boolean;
}

export class LawEnforcementDto {
  @ApiPropertyOptional({ enum: LAW_ENFORCEMENT_PATHS, description: 'The 164.512(f) path: legal-process (f)(1)(ii), identification-location (f)(2), victim (f)(3), decedent (f)(4), crime-on-premises (f)(5), emergency (f)(6)' })
  @IsOptional() @IsIn(LAW_ENFORCEMENT_PATHS, { message: `path must be one of ${LAW_ENFORCEMENT_PATHS.join(', ')}` }) path?: (typeof LAW_ENFORCEMENT_PATHS)[number];
  @ApiPropertyOptional({ type: AdministrativeTestDto }) @IsOptional() @ValidateNested() @Type(() => AdministrativeTestDto) administrativeTest?: AdministrativeTestDto;
  @ApiPropertyOptional({ enum: ['suspect', 'fugitive', 'material-witness', 'missing-person'] })
  @IsOptional() @IsIn(['suspect', 'fugitive', 'material-witness', 'missing-person'], { message: 'subjectRole must be suspect, fugitive, material-witness or missing-person' })
  subjectRole?: 'suspect' | 'fugitive' | 'material-witness' | 'missing-person';
  @ApiPropertyOptional({ type: VictimDto }) @IsOptional() @ValidateNested() @Type(() => VictimDto) victim?: VictimDto;
  @ApiPropertyOptional({ description: '164.512(f)(4)' }) @IsOptional() @IsBoolean() deathSuspectedCriminal?: boolean;
  @ApiPropertyOptional({ description: '164.512(f)(5)' }) @IsOptional() @IsBoolean() evidenceOfCrimeOnPremises?: boolean;
  @ApiPropertyOptional({ type: EmergencyDto }) @IsOptional() @ValidateNested() @Type(() => EmergencyDto) emergency?: EmergencyDto;
}

export class PublicHealthDto {
  @ApiPropertyOptional({ example: 'State Health Code 12-3-4 (communicable disease reporting)', description: '164.512(b)(1)(i)' }) @apply(...opt(500)) legalAuthority?: string;
}

export class OperationsDto {
  @ApiPropertyOptional({ description: '164.506(c)(4): the recipient also has a relationship with the individual' }) @IsOptional() @IsBoolean() recipientHasRelationship?: boolean;
  @ApiPropertyOptional({ enum: ['quality', 'fraud-abuse'] })
  @IsOptional() @IsIn(['quality', 'fraud-abuse'], { message: 'activity must be quality or fraud-abuse' }) activity?: 'quality' | 'fraud-abuse';
}

/** The patient's signed written direction to send their copy to someone else (164.524(c)(3)(ii)). */
export class DirectionDto {
  @ApiPropertyOptional({ example: 'Alex Rivera' }) @apply(...opt(200)) signedBy?: string;
  @ApiPropertyOptional({ example: '2026-11-20' }) @IsOptional() @IsCalendarDate() signedOn?: string;
  @ApiPropertyOptional({ example: 'Dr. Outside Clinic', description: 'The designated person (must name the recipient)' }) @apply(...opt(300)) recipient?: string;
  @ApiPropertyOptional({ example: '200 Elm St, Shelbyville', description: 'Where to send the copy' }) @apply(...opt(500)) sendTo?: string;
}

/** The fields of a request that establish its basis (CreateRoiRequestDto extends it). */
export class ReleaseBasisFieldsDto {
  @ApiPropertyOptional({
    enum: RECIPIENT_KINDS,
    description: 'Who receives the release. Default: individual (self), health-care-provider (provider), attorney, law-enforcement, other; an insurer must say health-plan or life-insurer. A life or disability insurer is not a health plan (164.103): authorization.',
  })
  @IsOptional() @IsIn(RECIPIENT_KINDS, { message: `recipientKind must be one of ${RECIPIENT_KINDS.join(', ')}` }) recipientKind?: (typeof RECIPIENT_KINDS)[number];
  @ApiPropertyOptional({ type: LegalProcessDto, description: 'Legal process desk: the order, subpoena, warrant or administrative request (164.512(e), (f)(1)(ii))' })
  @IsOptional() @ValidateNested() @Type(() => LegalProcessDto) legalProcess?: LegalProcessDto;
  @ApiPropertyOptional({ type: LawEnforcementDto }) @IsOptional() @ValidateNested() @Type(() => LawEnforcementDto) lawEnforcement?: LawEnforcementDto;
  @ApiPropertyOptional({ type: PublicHealthDto }) @IsOptional() @ValidateNested() @Type(() => PublicHealthDto) publicHealth?: PublicHealthDto;
  @ApiPropertyOptional({ type: OperationsDto }) @IsOptional() @ValidateNested() @Type(() => OperationsDto) operations?: OperationsDto;
  @ApiPropertyOptional({ type: DirectionDto, description: 'A self request naming a third-party recipient: the patient\'s signed written direction (164.524(c)(3)(ii))' })
  @IsOptional() @ValidateNested() @Type(() => DirectionDto) direction?: DirectionDto;
}

/** PUT /roi/requests/:id/basis-facts: the legal process desk completes the documents and assurances before validation. */
export class ReplaceBasisFactsDto {
  @ApiPropertyOptional({ type: LegalProcessDto }) @IsOptional() @ValidateNested() @Type(() => LegalProcessDto) legalProcess?: LegalProcessDto;
  @ApiPropertyOptional({ type: LawEnforcementDto }) @IsOptional() @ValidateNested() @Type(() => LawEnforcementDto) lawEnforcement?: LawEnforcementDto;
  @ApiPropertyOptional({ type: PublicHealthDto }) @IsOptional() @ValidateNested() @Type(() => PublicHealthDto) publicHealth?: PublicHealthDto;
  @ApiPropertyOptional({ type: OperationsDto }) @IsOptional() @ValidateNested() @Type(() => OperationsDto) operations?: OperationsDto;
  @ApiPropertyOptional({ type: DirectionDto }) @IsOptional() @ValidateNested() @Type(() => DirectionDto) direction?: DirectionDto;
  @ApiProperty({ description: 'The version you read' }) @IsInt() @Min(1) @Max(2147483647) version: number;
}

export class BasisProblemDto {
  @ApiProperty({ example: 'legalProcess.notice.objectionPeriodEnded' }) field: string;
  @ApiProperty({ type: [String] }) problems: string[];
}

export class BasisCheckDto {
  @ApiProperty() valid: boolean;
  @ApiProperty({ description: 'The rule the basis rests on' }) citation: string;
  @ApiProperty({ type: [BasisProblemDto], description: 'Every missing element of the basis\'s conditions' }) problems: BasisProblemDto[];
}
