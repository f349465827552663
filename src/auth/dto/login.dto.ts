import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Length } from 'class-validator';
import { HumanText } from '../../common/validators';

export class LoginDto {
  @ApiProperty({ example: 'nurse.patel', maxLength: 100 })
  @IsString()
  @Length(1, 100)
  @HumanText()
  username: string;

  @ApiProperty({ example: 'hit-demo-2026', maxLength: 200, format: 'password' })
  @IsString()
  @Length(1, 200)
  password: string;
}

export class UserSummaryDto {
  @ApiProperty() id: number;
  @ApiProperty() username: string;
  @ApiProperty() displayName: string;
  @ApiProperty() role: string;
}

export class LoginResponseDto {
  @ApiProperty() accessToken: string;
  @ApiProperty({ enum: ['Bearer'] }) tokenType: 'Bearer';
  @ApiProperty({ description: 'Seconds until the token expires' }) expiresIn: number;
  @ApiProperty({ description: 'Trade it at POST /auth/refresh for a new access token (and a new refresh token: each is good once)' }) refreshToken: string;
  @ApiProperty({ description: 'Seconds until the refresh token expires' }) refreshExpiresIn: number;
  @ApiProperty({ type: UserSummaryDto }) user: UserSummaryDto;
}

export class RefreshDto {
  @ApiProperty({ description: 'The refresh token of the last login or refresh', minLength: 20, maxLength: 200 })
  @IsString()
  @Length(20, 200)
  refreshToken: string;
}

export class LogoutDto {
  @ApiPropertyOptional({ description: 'Also revoke this refresh token and every one rotated from the same login', minLength: 20, maxLength: 200 })
  @IsOptional()
  @IsString()
  @Length(20, 200)
  refreshToken?: string;
}

export class LoggedOutDto {
  @ApiProperty() loggedOut: true;
}

export class MeResponseDto {
  @ApiProperty({ type: UserSummaryDto }) user: UserSummaryDto;
  @ApiProperty() role: string;
  @ApiProperty({ type: [String] }) permissions: string[];
  @ApiProperty({ nullable: true, type: Number, description: 'The patient record this user is, if any' }) patientId: number | null;
}
