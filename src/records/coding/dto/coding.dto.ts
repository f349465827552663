import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize, IsArray, IsDefined, IsIn, IsInt, IsObject, IsOptional, IsString, Length, Max, MaxLength, Min, ValidateNested,
} from 'class-validator';
import { PageQueryDto } from '../../../common/pagination';
import { IsTimestamp } from '../../../common/validators';
import { ABSTRACT_STATUSES, MAX_PROCEDURES, MAX_SECONDARY, POA_INDICATORS } from '../coding-abstract.rules';
import { QUERY_KINDS, QUERY_TOPICS } from '../query-rules';

/* Shapes only; the coding rules (code formats, POA, code systems by encounter class) are coding-abstract.rules.ts. */

export class AbstractDiagnosisDto {
  @ApiProperty({ example: 'I48.0', description: 'ICD-10-CM' }) @IsString() @Length(3, 8) code: string;
  @ApiProperty({ example: 'Paroxysmal atrial fibrillation' }) @IsString() @Length(1, 300) description: string;
  @ApiPropertyOptional({ enum: POA_INDICATORS, description: 'Present on admission: required for inpatient stays, absent otherwise' })
  @IsOptional() @IsString() @Length(1, 1) poa?: string;
}

export class AbstractProcedureDto {
  @ApiProperty({ enum: ['ICD-10-PCS', 'CPT', 'HCPCS'], description: 'ICD-10-PCS for inpatient stays; CPT or HCPCS otherwise' })
  @IsString() @Length(1, 20) codeSystem: string;
  @ApiProperty({ example: '02703ZZ' }) @IsString() @Length(1, 10) code: string;
  @ApiProperty() @IsString() @Length(1, 300) description: string;
  @ApiPropertyOptional({ example: '2026-11-21T09:30:00Z' }) @IsOptional() @IsTimestamp() performedAt?: string;
}

export class SaveCodingAbstractDto {
  @ApiProperty({ description: 'The version you read (0 before the first save): a stale version is 409' })
  @IsInt() @Min(0) @Max(2147483647) version: number;
  @ApiProperty({ enum: ABSTRACT_STATUSES }) @IsIn(ABSTRACT_STATUSES) status: (typeof ABSTRACT_STATUSES)[number];
  @ApiProperty({ type: AbstractDiagnosisDto }) @IsDefined() @IsObject() @ValidateNested() @Type(() => AbstractDiagnosisDto) principalDiagnosis: AbstractDiagnosisDto;
  @ApiProperty({ type: [AbstractDiagnosisDto] }) @IsArray() @ArrayMaxSize(MAX_SECONDARY) @IsObject({ each: true }) @ValidateNested({ each: true }) @Type(() => AbstractDiagnosisDto)
  secondaryDiagnoses: AbstractDiagnosisDto[];
  @ApiProperty({ type: [AbstractProcedureDto] }) @IsArray() @ArrayMaxSize(MAX_PROCEDURES) @IsObject({ each: true }) @ValidateNested({ each: true }) @Type(() => AbstractProcedureDto)
  procedures: AbstractProcedureDto[];
}

export class CodingAbstractDto {
  @ApiProperty() encounterId: number;
  @ApiProperty() patientId: number;
  @ApiProperty({ enum: ['inpatient', 'outpatient', 'emergency'] }) encounterClass: string;
  @ApiProperty({ description: '0 while the encounter is not coded' }) version: number;
  @ApiProperty({ enum: ['not-coded', ...ABSTRACT_STATUSES] }) status: string;
  @ApiProperty({ type: AbstractDiagnosisDto, nullable: true }) principalDiagnosis: AbstractDiagnosisDto | null;
  @ApiProperty({ type: [AbstractDiagnosisDto] }) secondaryDiagnoses: AbstractDiagnosisDto[];
  @ApiProperty({ type: [AbstractProcedureDto] }) procedures: AbstractProcedureDto[];
  @ApiProperty({ nullable: true, type: Number }) codedBy: number | null;
  @ApiProperty({ nullable: true, type: String }) codedByName: string | null;
  @ApiProperty({ nullable: true, type: String }) codedAt: string | null;
}

export class CodingAbstractVersionsDto {
  @ApiProperty() encounterId: number;
  @ApiProperty({ type: [CodingAbstractDto], description: 'Every saved version, oldest first (the history is append-only)' }) items: CodingAbstractDto[];
}

export class CreateQueryDto {
  @ApiProperty({ enum: QUERY_KINDS }) @IsString() @Length(1, 30) kind: string;
  @ApiPropertyOptional({ enum: QUERY_TOPICS, description: 'Required for yes/no queries (present-on-admission, ...)' })
  @IsOptional() @IsString() @Length(1, 60) topic?: string;
  @ApiProperty({ example: 'Based on the clinical indicators below, please clarify the type of the anemia being monitored.' })
  @IsString() @Length(1, 2000) question: string;
  @ApiProperty({ type: [String], example: ['Hemoglobin 6.9 g/dL on day 2 (11.2 on admission)', 'Transfused 2 units PRBC'] })
  @IsArray() @ArrayMaxSize(20) @IsString({ each: true }) @MaxLength(500, { each: true }) clinicalIndicators: string[];
  @ApiPropertyOptional({ type: [String], description: 'Multiple choice: the clinically supported options ("other" and "clinically undetermined" are added)' })
  @IsOptional() @IsArray() @ArrayMaxSize(10) @IsString({ each: true }) @Length(1, 300, { each: true }) options?: string[];
  @ApiPropertyOptional({ description: 'Default: the encounter\'s attending physician' })
  @IsOptional() @IsInt() @Min(1) @Max(2147483647) addresseeUserId?: number;
}

export class AnswerQueryDto {
  @ApiProperty({ description: 'The version you read' }) @IsInt() @Min(1) @Max(2147483647) version: number;
  @ApiPropertyOptional({ description: 'Multiple choice and yes/no: one of the query\'s options' }) @IsOptional() @IsString() @Length(1, 300) option?: string;
  @ApiProperty({ description: 'The provider\'s answer in their own words; it becomes a signed note of the encounter' })
  @IsString() @Length(1, 10_000) response: string;
}

export class QueryTransitionDto {
  @ApiProperty({ enum: ['withdraw', 'expire'], description: 'withdraw: the coder no longer needs an answer; expire: an overdue query closed unanswered' })
  @IsIn(['withdraw', 'expire']) action: 'withdraw' | 'expire';
  @ApiProperty() @IsInt() @Min(1) @Max(2147483647) version: number;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 500) reason?: string;
}

export class QueryListQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: ['open', 'answered', 'withdrawn', 'expired'] })
  @IsOptional() @IsIn(['open', 'answered', 'withdrawn', 'expired']) status?: string;
}

export class ProviderQueryDto {
  @ApiProperty() id: number;
  @ApiProperty() encounterId: number;
  @ApiProperty() patientId: number;
  @ApiProperty() askedBy: number;
  @ApiProperty() addresseeUserId: number;
  @ApiProperty({ enum: QUERY_KINDS }) kind: string;
  @ApiProperty({ nullable: true, type: String }) topic: string | null;
  @ApiProperty() question: string;
  @ApiProperty({ type: [String] }) clinicalIndicators: string[];
  @ApiProperty({ type: [String] }) options: string[];
  @ApiProperty({ enum: ['open', 'answered', 'withdrawn', 'expired'] }) status: string;
  @ApiProperty() createdAt: string;
  @ApiProperty({ description: 'createdAt + QUERY_OVERDUE_DAYS' }) dueAt: string;
  @ApiProperty({ description: 'Whole days open (until closed)' }) daysOpen: number;
  @ApiProperty() overdue: boolean;
  @ApiProperty({ nullable: true, type: String }) closedAt: string | null;
  @ApiProperty({ nullable: true, type: String }) answerOption: string | null;
  @ApiProperty({ nullable: true, type: String }) answerText: string | null;
  @ApiProperty({ nullable: true, type: Number, description: 'The signed note that holds the answer in the record' }) responseNoteId: number | null;
  @ApiProperty() version: number;
}

export class ProviderQueryListDto {
  @ApiProperty({ type: [ProviderQueryDto] }) items: ProviderQueryDto[];
}
