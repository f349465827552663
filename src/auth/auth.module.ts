import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { AuditDataModule } from '../audit/audit-data.module';
import { AuditModule } from '../audit/audit.module';
import { AuthController } from './auth.controller';
import { AuthGuard } from './auth.guard';
import { AuthService } from './auth.service';
import { LoginThrottle } from './login-throttle';
import { SessionsRepository } from './sessions.repository';
import { TokenService } from './token.service';
import { UsersController } from './users.controller';
import { UsersDataModule } from './users-data.module';
import { UsersService } from './users.service';

@Module({
  imports: [JwtModule.register({}), AuditModule, AuditDataModule, UsersDataModule],
  controllers: [AuthController, UsersController],
  providers: [AuthService, TokenService, LoginThrottle, UsersService, SessionsRepository, { provide: APP_GUARD, useClass: AuthGuard }],
  exports: [TokenService, UsersDataModule],
})
export class AuthModule {}
