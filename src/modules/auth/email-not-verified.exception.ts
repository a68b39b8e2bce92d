import { AppError } from '../../common/errors/app-error';

/** AUTH_REQUIRE_VERIFIED_EMAIL=true and the (correct) credentials are of an unverified email. */
export class EmailNotVerified extends AppError {
  constructor() {
    super(
      'email_not_verified',
      'Verify your email before signing in: open the link in the verification mail.',
    );
  }
}
