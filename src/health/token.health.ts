import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { AuthService } from '../auth/auth.service.js';

/** Reports the token's validity and remaining lifetime, never the token itself. */
@Injectable()
export class TokenHealthIndicator {
  constructor(
    private readonly auth: AuthService,
    private readonly health: HealthIndicatorService,
  ) {}

  check() {
    const status = this.auth.status();
    const details = {
      valid: status.valid,
      expiresInSeconds: status.expiresInSeconds,
      refreshes: status.refreshes,
      failures: status.failures,
      ...(status.lastError ? { lastError: status.lastError } : {}),
    };
    const session = this.health.check('token');
    return status.valid ? session.up(details) : session.down(details);
  }
}
