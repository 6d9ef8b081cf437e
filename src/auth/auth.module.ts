import { HttpModule } from '@nestjs/axios';
import { Module } from '@nestjs/common';
import { AuthService } from './auth.service.js';
import { TokenAdapter } from './token.adapter.js';

@Module({
  imports: [HttpModule.register({ timeout: 10_000, maxRedirects: 0 })],
  providers: [TokenAdapter, AuthService],
  exports: [AuthService],
})
export class AuthModule {}
