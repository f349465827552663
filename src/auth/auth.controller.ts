import { Body, Controller, Get, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags, ApiTooManyRequestsResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { Response } from 'express';
import { AppRequest, contextOf, Ctx, RequestContext } from '../common/request-context';
import { AuthService } from './auth.service';
import { Authenticated, Public } from './decorators';
import { LoggedOutDto, LoginDto, LoginResponseDto, LogoutDto, MeResponseDto, RefreshDto } from './dto/login.dto';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Public()
  @Post('login')
  @HttpCode(200)
  @ApiOperation({ summary: 'Log in with a username and password; every attempt is audited' })
  @ApiOkResponse({ type: LoginResponseDto })
  @ApiUnauthorizedResponse({ description: 'Wrong username or password, or a disabled account (one message for all, audited)' })
  @ApiTooManyRequestsResponse({ description: 'Too many failed logins for this account or address; see Retry-After' })
  async login(@Body() dto: LoginDto, @Req() req: AppRequest, @Res({ passthrough: true }) res: Response) {
    try {
      return await this.auth.login(dto, contextOf(req));
    } catch (err) {
      const retryAfter = (err as { getResponse?: () => { retryAfter?: number } }).getResponse?.().retryAfter;
      if (retryAfter) res.setHeader('Retry-After', String(retryAfter));
      throw err;
    }
  }

  @Public()
  @Post('refresh')
  @HttpCode(200)
  @ApiOperation({ summary: 'Trade a refresh token for a new access token and a new refresh token (each refresh token is good once; a reused one revokes its family); audited' })
  @ApiOkResponse({ type: LoginResponseDto })
  @ApiUnauthorizedResponse({ description: 'The refresh token is invalid, expired, already used or revoked' })
  refresh(@Body() dto: RefreshDto, @Req() req: AppRequest) {
    return this.auth.refresh(dto, contextOf(req));
  }

  @Authenticated()
  @Post('logout')
  @HttpCode(200)
  @ApiOperation({ summary: 'End this session: the access token (and the refresh token, if given, with its family) stops working; audited' })
  @ApiOkResponse({ type: LoggedOutDto })
  logout(@Ctx() ctx: RequestContext, @Req() req: AppRequest, @Body() dto: LogoutDto) {
    return this.auth.logout(ctx, req.token!, dto);
  }

  @Authenticated()
  @Get('me')
  @ApiOperation({ summary: 'Who am I: my role and its current permissions' })
  @ApiOkResponse({ type: MeResponseDto })
  me(@Ctx() ctx: RequestContext): MeResponseDto {
    return this.auth.me(ctx.user);
  }
}
