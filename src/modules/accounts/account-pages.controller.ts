import { Body, Controller, Get, Post, Query, Res } from '@nestjs/common';
import {
  ApiExcludeController,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiQuery,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from '../../common/auth/decorators';
import { TokenThrottle } from './account-throttle';
import { AccountPagesService, type Page } from './account-pages.service';

const send = (res: Response, page: Page): void => {
  // The pages carry a token: never cached, never sent on as a Referer (the layout says so too).
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.status(page.status).type('html').send(page.html);
};

const HTML = { description: 'An HTML page', schema: { type: 'string' } };

/**
 * The HTML pages mailed links open (GET: a form; POST, form-encoded: the action and its result).
 * For browsers, not API clients: left out of the OpenAPI document, whose routes take and answer
 * JSON (the JSON routes do the same under /auth); docs/accounts.md#pages describes them. The
 * operation decorators stay for a reader of this file.
 */
@ApiExcludeController()
@Public()
@Controller('account')
export class AccountPagesController {
  constructor(private readonly pages: AccountPagesService) {}

  @Get('verify-email')
  @ApiOperation({ summary: 'Page of the verification link: a button that verifies (POST)' })
  @ApiQuery({ name: 'token', required: true, type: String })
  @ApiProduces('text/html')
  @ApiOkResponse(HTML)
  verifyEmailForm(@Query('token') token: string | undefined, @Res() res: Response): void {
    send(res, this.pages.verifyEmailForm(token ?? ''));
  }

  @TokenThrottle()
  @Post('verify-email')
  @ApiOperation({ summary: 'Form post of the verification page (form-encoded `token`)' })
  @ApiProduces('text/html')
  @ApiOkResponse(HTML)
  async verifyEmail(@Body() body: unknown, @Res() res: Response): Promise<void> {
    send(res, await this.pages.verifyEmail(body));
  }

  @Get('reset-password')
  @ApiOperation({ summary: 'Page of the reset link: the new-password form' })
  @ApiQuery({ name: 'token', required: true, type: String })
  @ApiProduces('text/html')
  @ApiOkResponse(HTML)
  resetPasswordForm(@Query('token') token: string | undefined, @Res() res: Response): void {
    send(res, this.pages.resetPasswordForm(token ?? ''));
  }

  @TokenThrottle()
  @Post('reset-password')
  @ApiOperation({
    summary: 'Form post of the reset page (form-encoded `token`, `password`, `confirm`)',
  })
  @ApiProduces('text/html')
  @ApiOkResponse(HTML)
  async resetPassword(@Body() body: unknown, @Res() res: Response): Promise<void> {
    send(res, await this.pages.resetPassword(body));
  }

  @Get('confirm-email')
  @ApiOperation({ summary: 'Page of the email-change link: a button that confirms (POST)' })
  @ApiQuery({ name: 'token', required: true, type: String })
  @ApiProduces('text/html')
  @ApiOkResponse(HTML)
  confirmEmailForm(@Query('token') token: string | undefined, @Res() res: Response): void {
    send(res, this.pages.confirmEmailForm(token ?? ''));
  }

  @TokenThrottle()
  @Post('confirm-email')
  @ApiOperation({ summary: 'Form post of the email-change page (form-encoded `token`)' })
  @ApiProduces('text/html')
  @ApiOkResponse(HTML)
  async confirmEmail(@Body() body: unknown, @Res() res: Response): Promise<void> {
    send(res, await this.pages.confirmEmail(body));
  }
}
