import { Body, Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { CurrentUser, Public } from '../../../common/auth/decorators';
import type { AuthUser } from '../../../common/auth/role';
import { ApiProblems } from '../../../common/swagger/api-problems.decorator';
import { TokensDto } from '../dto/auth.dto';
import { RefreshCookie } from '../refresh-cookie';
import { clientOf } from '../sessions/client-info';
import {
  DisableTwoFactorDto,
  RecoveryCodesDto,
  TwoFactorCodeDto,
  TwoFactorEnrolmentDto,
  VerifyTwoFactorDto,
} from './two-factor.dto';
import { TwoFactorLogin } from './two-factor-login.service';
import { TwoFactorService } from './two-factor.service';

/** The refresh cookie's path, as AuthController sets it on login (it covers /auth/refresh). */
const COOKIE_PATH = '/auth';

@ApiTags('auth')
@Controller('auth/2fa')
export class TwoFactorController {
  constructor(
    private readonly twoFactor: TwoFactorService,
    private readonly login: TwoFactorLogin,
    private readonly cookie: RefreshCookie,
  ) {}

  @Post('enrol')
  @HttpCode(200)
  @ApiBearerAuth('access-token')
  @ApiOperation({
    summary: 'Start two-factor enrolment: a new TOTP secret, pending until confirmed',
    description:
      'The secret is shown only here; it is stored encrypted. Enrolling again replaces a pending one.',
  })
  @ApiOkResponse({ type: TwoFactorEnrolmentDto })
  @ApiProblems('token_invalid', 'token_expired', 'two_factor_already_enabled')
  enrol(@CurrentUser() user: AuthUser): Promise<TwoFactorEnrolmentDto> {
    return this.twoFactor.enrol(user);
  }

  @Post('confirm')
  @HttpCode(200)
  @ApiBearerAuth('access-token')
  @ApiOperation({
    summary: 'Turn two-factor on with a code from the app; returns the ten recovery codes, once',
  })
  @ApiOkResponse({ type: RecoveryCodesDto })
  @ApiProblems(
    400,
    'token_invalid',
    'token_expired',
    'two_factor_code_invalid',
    'two_factor_not_pending',
    415,
    429,
  )
  confirm(
    @CurrentUser() user: AuthUser,
    @Body() body: TwoFactorCodeDto,
  ): Promise<RecoveryCodesDto> {
    return this.twoFactor.confirm(user, body.code);
  }

  @Post('disable')
  @HttpCode(204)
  @ApiBearerAuth('access-token')
  @ApiOperation({ summary: 'Turn two-factor off: the password and a TOTP or recovery code' })
  @ApiNoContentResponse({ description: 'Two-factor is off' })
  @ApiProblems(
    400,
    'token_invalid',
    'token_expired',
    'two_factor_code_invalid',
    'two_factor_not_enabled',
    415,
    429,
  )
  async disable(@CurrentUser() user: AuthUser, @Body() body: DisableTwoFactorDto): Promise<void> {
    await this.twoFactor.disable(user, body);
  }

  @Public()
  @Post('verify')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Second step of sign-in: the login challenge and a TOTP code (or a recovery code)',
    description:
      'Answers like a login without two-factor: tokens in the body, refresh token also in the cookie.',
  })
  @ApiOkResponse({ type: TokensDto })
  @ApiProblems(400, 'two_factor_challenge_invalid', 'two_factor_code_invalid', 415, 429)
  async verify(
    @Body() body: VerifyTwoFactorDto,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<TokensDto> {
    const factor =
      body.code !== undefined ? { code: body.code } : { recoveryCode: body.recoveryCode };
    const tokens = await this.login.verify(body.challenge, factor, clientOf(req));
    this.cookie.set(res, COOKIE_PATH, tokens.refreshToken);
    return tokens;
  }
}
