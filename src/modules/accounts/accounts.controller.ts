import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiNoContentResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentUser, Public } from '../../common/auth/decorators';
import { AuthUser } from '../../common/auth/role';
import { ApiAuth, ApiProblems } from '../../common/swagger/api-problems.decorator';
import { AccountThrottle, TokenThrottle } from './account-throttle';
import { AccountsService } from './accounts.service';
import {
  AcceptedDto,
  AccountTokenDto,
  ChangeEmailDto,
  ForgotPasswordDto,
  ResetPasswordDto,
} from './dto/account.dto';

/** Email verification, password reset and email change (docs/accounts.md). */
@ApiTags('accounts')
@Controller()
export class AccountsController {
  constructor(private readonly accounts: AccountsService) {}

  @Public()
  @TokenThrottle()
  @Post('auth/verify-email')
  @HttpCode(204)
  @ApiOperation({ summary: 'Verify the email with the token from the verification mail' })
  @ApiNoContentResponse({ description: 'The email is verified' })
  @ApiProblems(400, 415, 429)
  verifyEmail(@Body() body: AccountTokenDto): Promise<void> {
    return this.accounts.verifyEmail(body.token);
  }

  @AccountThrottle('user')
  @Post('auth/verify-email/resend')
  @HttpCode(202)
  @ApiAuth()
  @ApiOperation({
    summary: 'Send the verification mail again',
    description: 'Same answer whether or not the email is already verified (then nothing is sent).',
  })
  @ApiAcceptedResponse({ type: AcceptedDto })
  @ApiProblems(429)
  resendVerification(@CurrentUser() user: AuthUser): Promise<AcceptedDto> {
    return this.accounts.resendVerification(user);
  }

  @Public()
  @AccountThrottle('email')
  @Post('auth/password/forgot')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Mail a password-reset link',
    description:
      'Always the same answer, in the same time, whether an account has this email or not.',
  })
  @ApiAcceptedResponse({ type: AcceptedDto })
  @ApiProblems(400, 415, 429)
  forgotPassword(@Body() body: ForgotPasswordDto): Promise<AcceptedDto> {
    return this.accounts.forgotPassword(body.email);
  }

  @Public()
  @TokenThrottle()
  @Post('auth/password/reset')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Set a new password with the token from the reset mail',
    description: 'Ends every session of the account: sign in again with the new password.',
  })
  @ApiNoContentResponse({ description: 'Password set; every session ended' })
  @ApiProblems(400, 415, 429)
  resetPassword(@Body() body: ResetPasswordDto): Promise<void> {
    return this.accounts.resetPassword(body);
  }

  @AccountThrottle('user')
  @Post('users/me/email')
  @HttpCode(202)
  @ApiAuth()
  @ApiOperation({
    summary: 'Ask to change the email',
    description:
      'Needs the current password. A confirmation link goes to the new address, a notice to the old one; nothing changes until the link is used.',
  })
  @ApiAcceptedResponse({ type: AcceptedDto })
  @ApiProblems(400, 'email_taken', 415, 429)
  requestEmailChange(
    @CurrentUser() user: AuthUser,
    @Body() body: ChangeEmailDto,
  ): Promise<AcceptedDto> {
    return this.accounts.requestEmailChange(user, body);
  }

  @Public()
  @TokenThrottle()
  @Post('auth/email/confirm')
  @HttpCode(204)
  @ApiOperation({ summary: 'Confirm an email change with the token mailed to the new address' })
  @ApiNoContentResponse({ description: 'The account now has the new, verified, email' })
  @ApiProblems(400, 'email_taken', 415, 429)
  confirmEmailChange(@Body() body: AccountTokenDto): Promise<void> {
    return this.accounts.confirmEmailChange(body.token);
  }
}
