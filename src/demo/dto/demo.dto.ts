import { ApiProperty, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

export class ResetDemoDto {
  @ApiPropertyOptional({ minimum: 4, maximum: 5000, default: 200, description: 'Patients to seed (the classroom default is 200)' })
  @IsOptional()
  @IsInt({ message: 'patients must be a whole number' })
  @Min(4)
  @Max(5000)
  patients?: number;
}

export class ChainPointDto {
  @ApiProperty({ type: 'integer' }) seq: number;
  @ApiProperty() hash: string;
}

export class ResetResultDto {
  @ApiProperty({ enum: [true] }) reset: true;
  @ApiProperty({ type: 'integer' }) patients: number;
  @ApiProperty() seconds: number;
  @ApiProperty({ type: ChainPointDto, description: 'The first row of the new chain: the reset itself' }) chainStartsAt: ChainPointDto;
  @ApiProperty({ type: ChainPointDto, nullable: true, description: 'Where the wiped chain ended' }) previousHead: ChainPointDto | null;
}

export class ScenarioSummaryDto {
  @ApiProperty({ example: 'snooping' }) name: string;
  @ApiProperty() title: string;
  @ApiProperty() description: string;
}

export class PlantedDto {
  @ApiProperty({ type: 'integer', isArray: true, description: 'Sequence numbers of the planted audit rows' }) seqs: number[];
  @ApiProperty({ nullable: true, type: String, description: 'When the planted activity claims to have started' }) from: string | null;
  @ApiProperty({ nullable: true, type: String }) to: string | null;
}

/* details, per scenario */

export class SnoopingPatientsDto {
  @ApiProperty({ type: 'integer', description: 'The patient sharing nurse.patel\'s surname' }) sameSurname: number;
  @ApiProperty({ type: 'integer', description: 'The VIP on nobody\'s care team' }) vip: number;
  @ApiProperty({ type: 'integer', description: 'dr.okafor\'s own record' }) coworker: number;
}

export class WalkthroughStepDto {
  @ApiProperty({ example: 'Judge the grant inappropriate' }) step: string;
  @ApiProperty({ description: 'The call a class makes, as privacy.smith' }) call: string;
  @ApiProperty({ example: '45 CFR 164.404(a)(2)' }) citation: string;
}

export class SnoopingDetailsDto {
  @ApiProperty({ example: 'nurse.patel' }) actor: string;
  @ApiProperty({ type: SnoopingPatientsDto }) patients: SnoopingPatientsDto;
  @ApiProperty({ example: 'dr.okafor' }) coworkerUser: string;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'integer' }, description: 'The break-the-glass grant id, by patient id' }) grants: Record<string, number>;
  @ApiProperty({ type: [WalkthroughStepDto], description: 'How the scenario ends: the finding judged inappropriate becomes a breach incident (164.402-164.414)' }) walkthrough: WalkthroughStepDto[];
}

export class ScenarioGrantDto {
  @ApiProperty({ type: 'integer' }) grantId: number;
  @ApiProperty() user: string;
  @ApiProperty({ type: 'integer' }) patientId: number;
}

export class BreakGlassScenarioDetailsDto {
  @ApiProperty({ type: ScenarioGrantDto, description: 'The grant the privacy officer found justified' }) justified: ScenarioGrantDto;
  @ApiProperty({ type: ScenarioGrantDto, description: 'The grant nobody reviewed' }) unjustified: ScenarioGrantDto;
}

export class TamperTargetDto {
  @ApiProperty({ type: 'integer' }) seq: number;
  @ApiProperty({ nullable: true, type: String }) actor: string | null;
  @ApiProperty() action: string;
  @ApiProperty({ nullable: true, type: 'integer' }) patientId: number | null;
}

export class TamperExpectDto {
  @ApiProperty({ type: Boolean, enum: [false] }) valid: false;
  @ApiProperty({ enum: ['row-altered', 'row-missing', 'tail-truncated'] }) problem: string;
  @ApiProperty({ type: 'integer' }) firstBrokenSequence: number;
}

export class TamperVariantDto {
  @ApiProperty({ enum: ['alter', 'delete', 'cut-tail'] }) name: string;
  @ApiProperty() what: string;
  @ApiProperty({ description: 'The statements, for the sqlite3 (or psql) prompt' }) sql: string;
  @ApiProperty({ description: 'The whole command line, for a shell' }) command: string;
  @ApiProperty({ type: TamperExpectDto, description: 'What GET /audit/verify answers right after' }) expect: TamperExpectDto;
}

export class TamperDetailsDto {
  @ApiProperty({ enum: ['sqlite', 'postgres'] }) database: string;
  @ApiProperty({ type: TamperTargetDto }) target: TamperTargetDto;
  @ApiProperty({ type: [TamperVariantDto] }) variants: TamperVariantDto[];
}

export const SCENARIO_DETAILS_MODELS = [SnoopingDetailsDto, BreakGlassScenarioDetailsDto, TamperDetailsDto];

export class ScenarioResultDto {
  @ApiProperty() scenario: string;
  @ApiProperty() title: string;
  @ApiProperty({ type: [String] }) story: string[];
  @ApiProperty({ type: PlantedDto }) planted: PlantedDto;
  @ApiProperty({ type: [String], description: 'What the privacy officer should find (anomaly rules, verify answers)' }) lookFor: string[];
  @ApiProperty({
    oneOf: SCENARIO_DETAILS_MODELS.map((m) => ({ $ref: getSchemaPath(m) })),
    description: 'Scenario-specific: the patients and grants (snooping, break-glass), or the tamper SQL variants',
  })
  details: Record<string, unknown>;
  @ApiProperty({ type: 'integer', description: 'The audit row recording that the scenario was planted, and by whom' }) recordedAs: number;
}
