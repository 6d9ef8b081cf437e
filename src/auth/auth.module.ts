import { HttpModule } from '@nestjs/axios';
import { type DynamicModule, Module, type Type } from '@nestjs/common';
import { AuthService } from './auth.service.js';
import { TOKEN_SOURCE, type TokenSource } from './token-source.js';

/** The access token, from the token source chosen in outside-systems.ts. */
@Module({})
export class AuthModule {
  static forRoot(tokenSource: Type<TokenSource>): DynamicModule {
    return {
      module: AuthModule,
      global: true,
      // The sign-in calls are few and not on the hot path: axios's conveniences are worth their cost here.
      imports: [HttpModule.register({ timeout: 10_000, maxRedirects: 0 })],
      providers: [tokenSource, { provide: TOKEN_SOURCE, useExisting: tokenSource }, AuthService],
      exports: [AuthService],
    };
  }
}
