import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { HttpModule } from '@nestjs/axios';
import { Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { AuthModule } from '../auth/auth.module.js';
import type { AppConfig } from '../config/app-config.js';
import { CxoneApiClient } from './cxone-api.client.js';

/** Keep-alive sockets: one TLS handshake per connection, not per card. */
const agentOptions = { keepAlive: true, maxSockets: 256, maxFreeSockets: 64 };

@Module({
  imports: [
    AuthModule,
    HttpModule.registerAsync({
      inject: [ConfigService],
      useFactory: (config: ConfigService<AppConfig, true>) => ({
        timeout: config.get('http', { infer: true }).timeoutMs,
        maxRedirects: 0,
        maxContentLength: 2 * 1024 * 1024,
        maxBodyLength: 1024 * 1024,
        httpAgent: new HttpAgent(agentOptions),
        httpsAgent: new HttpsAgent(agentOptions),
      }),
    }),
  ],
  providers: [CxoneApiClient],
  exports: [CxoneApiClient, AuthModule],
})
export class CxoneApiModule {}
