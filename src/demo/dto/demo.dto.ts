import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
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

export class ScenarioResultDto {
  @ApiProperty() scenario: string;
  @ApiProperty() title: string;
  @ApiProperty({ type: [String] }) story: string[];
  @ApiProperty({ type: PlantedDto }) planted: PlantedDto;
  @ApiProperty({ type: [String], description: 'What the privacy officer should find (anomaly rules, verify answers)' }) lookFor: string[];
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'Scenario-specific: patients, grants, or the tamper SQL variants' }) details: Record<string, unknown>;
  @ApiProperty({ type: 'integer', description: 'The audit row recording that the scenario was planted, and by whom' }) recordedAs: number;
}
