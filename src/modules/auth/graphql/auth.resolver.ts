import { UseGuards } from '@nestjs/common';
import { Args, Context, Mutation, Resolver } from '@nestjs/graphql';
import { CurrentUser, Public } from '../../../common/auth/decorators';
import type { GraphqlContext } from '../../../common/auth/request-of';
import type { AuthUser } from '../../../common/auth/role';
import { UserModel } from '../../users/graphql/user.model';
import type { UserDto } from '../../users/dto/user.dto';
import { AuthThrottlerGuard } from '../auth-throttler.guard';
import { RefreshTokenInvalid } from '../auth.exceptions';
import { AuthService, isChallenge } from '../auth.service';
import type { TokensDto } from '../dto/auth.dto';
import { RefreshCookie } from '../refresh-cookie';
import { clientOf } from '../sessions/client-info';
import { TwoFactorRequired } from '../two-factor/two-factor.exceptions';
import { LoginInput } from './login.input';
import { RefreshInput } from './refresh.input';
import { RegisterInput } from './register.input';
import { TokensModel } from './tokens.model';

/** Browsers' refresh cookie for GraphQL clients is scoped to the endpoint that reads it. */
const COOKIE_PATH = '/graphql';

/**
 * /auth over GraphQL, with the same rules: rate-limited sign-up and sign-in, rotation and reuse
 * detection in AuthService, the refresh token in the body or an httpOnly cookie.
 */
@Resolver()
export class AuthResolver {
  constructor(
    private readonly auth: AuthService,
    private readonly cookie: RefreshCookie,
  ) {}

  @Public()
  @UseGuards(AuthThrottlerGuard)
  @Mutation(() => UserModel, { description: 'Create an account (role is always user).' })
  register(@Args('input') input: RegisterInput): Promise<UserDto> {
    return this.auth.register(input);
  }

  @Public()
  @UseGuards(AuthThrottlerGuard)
  @Mutation(() => TokensModel, {
    description:
      'Sign in; also sets the refresh cookie. Accounts with two-factor on are refused with two_factor_required: they sign in over REST (POST /auth/login, POST /auth/2fa/verify).',
  })
  async login(
    @Args('input') input: LoginInput,
    @Context() ctx: GraphqlContext,
  ): Promise<TokensDto> {
    const result = await this.auth.login(input.email, input.password, clientOf(ctx.req));
    // Two-factor sign-in is REST only (docs/auth.md): the challenge it returned expires unused.
    if (isChallenge(result)) throw new TwoFactorRequired();
    this.cookie.set(ctx.res, COOKIE_PATH, result.refreshToken);
    return result;
  }

  @Public()
  @Mutation(() => TokensModel, {
    description: 'Rotate the refresh token (input or cookie); a reused token ends its session.',
  })
  async refresh(
    @Context() ctx: GraphqlContext,
    @Args('input', { type: () => RefreshInput, nullable: true }) input?: RefreshInput,
  ): Promise<TokensDto> {
    const presented = input?.refreshToken ?? this.cookie.read(ctx.req);
    if (!presented) throw new RefreshTokenInvalid();
    try {
      const tokens = await this.auth.refresh(presented, clientOf(ctx.req));
      this.cookie.set(ctx.res, COOKIE_PATH, tokens.refreshToken);
      return tokens;
    } catch (error) {
      this.cookie.clear(ctx.res, COOKIE_PATH);
      throw error;
    }
  }

  @Public()
  @Mutation(() => Boolean, {
    description: 'End this session (refresh token from input or cookie).',
  })
  async logout(
    @Context() ctx: GraphqlContext,
    @Args('input', { type: () => RefreshInput, nullable: true }) input?: RefreshInput,
  ): Promise<boolean> {
    await this.auth.logout(input?.refreshToken ?? this.cookie.read(ctx.req));
    this.cookie.clear(ctx.res, COOKIE_PATH);
    return true;
  }

  @Mutation(() => Boolean, { description: 'End every session of the signed-in user.' })
  async logoutAll(@CurrentUser() user: AuthUser, @Context() ctx: GraphqlContext): Promise<boolean> {
    await this.auth.logoutAll(user);
    this.cookie.clear(ctx.res, COOKIE_PATH);
    return true;
  }
}
