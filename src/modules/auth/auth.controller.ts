import { Body, Controller, HttpCode, Post, Req, Res, UseGuards } from '@nestjs/common';
import {
  ApiBody,
  ApiExtraModels,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { CurrentUser, Public } from '../../common/auth/decorators';
import { AuthUser } from '../../common/auth/role';
import { ApiAuth, ApiProblems } from '../../common/swagger/api-problems.decorator';
import { UserDto } from '../users/dto/user.dto';
import { AuthThrottlerGuard } from './auth-throttler.guard';
import { RefreshTokenInvalid } from './auth.exceptions';
import { AuthService, isChallenge, type LoginResult } from './auth.service';
import { RefreshCookie } from './refresh-cookie';
import { LoginDto, RefreshDto, RegisterDto, TokensDto } from './dto/auth.dto';
import { clientOf } from './sessions/client-info';
import { TwoFactorChallengeDto } from './two-factor/two-factor.dto';

const COOKIE_PATH = '/auth';

const refs = (model: new () => object): { $ref: string } => ({ $ref: getSchemaPath(model) });

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly cookie: RefreshCookie,
  ) {}

  @Public()
  @UseGuards(AuthThrottlerGuard)
  @Post('register')
  @ApiOperation({ summary: 'Create an account (role is always `user`)' })
  @ApiCreatedResponse({ type: UserDto })
  @ApiProblems(400, 'email_taken', 415, 429)
  register(@Body() body: RegisterDto): Promise<UserDto> {
    return this.auth.register(body);
  }

  @Public()
  @UseGuards(AuthThrottlerGuard)
  @Post('login')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Sign in: access token in the body, refresh token in body and cookie',
    description:
      'With two-factor on, the answer is a `TwoFactorChallengeDto` instead (no tokens, no cookie): ' +
      'send its `challenge` with a code to `POST /auth/2fa/verify`.',
  })
  @ApiExtraModels(TokensDto, TwoFactorChallengeDto)
  @ApiOkResponse({
    description: 'The tokens, or the two-factor challenge (`twoFactorRequired: true`)',
    schema: { oneOf: [refs(TokensDto), refs(TwoFactorChallengeDto)] },
  })
  @ApiProblems(400, 'invalid_credentials', 'email_not_verified', 415, 429)
  async login(
    @Body() body: LoginDto,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<LoginResult> {
    const result = await this.auth.login(body.email, body.password, clientOf(req));
    if (!isChallenge(result)) this.cookie.set(res, COOKIE_PATH, result.refreshToken);
    return result;
  }

  @Public()
  @Post('refresh')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Rotate the refresh token (cookie or body) and get a new access token',
    description:
      'Presenting a refresh token that was already used revokes every token of its session.',
  })
  @ApiBody({ type: RefreshDto, required: false })
  @ApiOkResponse({ type: TokensDto })
  @ApiProblems(400, 'refresh_token_invalid', 415)
  async refresh(
    @Body() body: RefreshDto,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<TokensDto> {
    const presented = body.refreshToken ?? this.cookie.read(req);
    if (!presented) throw new RefreshTokenInvalid();
    try {
      const tokens = await this.auth.refresh(presented, clientOf(req));
      this.cookie.set(res, COOKIE_PATH, tokens.refreshToken);
      return tokens;
    } catch (error) {
      this.cookie.clear(res, COOKIE_PATH);
      throw error;
    }
  }

  @Public()
  @Post('logout')
  @HttpCode(204)
  @ApiOperation({ summary: 'End this session (refresh token from cookie or body)' })
  @ApiBody({ type: RefreshDto, required: false })
  @ApiNoContentResponse({ description: 'Signed out' })
  @ApiProblems(400, 415)
  async logout(
    @Body() body: RefreshDto,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<void> {
    await this.auth.logout(body.refreshToken ?? this.cookie.read(req));
    this.cookie.clear(res, COOKIE_PATH);
  }

  @Post('logout-all')
  @HttpCode(204)
  @ApiAuth()
  @ApiOperation({ summary: 'End every session of the signed-in user' })
  @ApiNoContentResponse({ description: 'All sessions ended' })
  async logoutAll(
    @CurrentUser() user: AuthUser,
    @Res({ passthrough: true }) res: Response,
  ): Promise<void> {
    await this.auth.logoutAll(user);
    this.cookie.clear(res, COOKIE_PATH);
  }
}
