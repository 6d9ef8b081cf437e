import { Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { describe, expect, it } from 'vitest';
import { BUFFER_OPTIONS, DEFAULT_BUFFER_OPTIONS, type BufferOptions } from './buffer.options.js';
import { BufferModule } from './buffer.module.js';
import { BufferService } from './buffer.service.js';

const SETTINGS = Symbol('SETTINGS');
@Module({ providers: [{ provide: SETTINGS, useValue: { silence: 1500 } }], exports: [SETTINGS] })
class SettingsModule {}

describe(BufferModule.name, () => {
  it('register() provides BufferService with the options, defaults filled in', async () => {
    const app = await Test.createTestingModule({ imports: [BufferModule.register({ maxMs: 8000 })] }).compile();
    expect(app.get(BufferService)).toBeInstanceOf(BufferService);
    expect(app.get<BufferOptions>(BUFFER_OPTIONS)).toEqual({ ...DEFAULT_BUFFER_OPTIONS, maxMs: 8000 });
    await app.close();
  });

  it('forRootAsync() builds the options from injected providers', async () => {
    const app = await Test.createTestingModule({
      imports: [
        BufferModule.forRootAsync({
          imports: [SettingsModule],
          inject: [SETTINGS],
          useFactory: (s: { silence: number }) => ({ silenceMs: s.silence }),
        }),
      ],
    }).compile();
    expect(app.get<BufferOptions>(BUFFER_OPTIONS).silenceMs).toBe(1500);
    expect(app.get(BufferService).stats().interactions).toBe(0);
    await app.close();
  });

  it('refuses invalid options, naming every bad field', async () => {
    const compile = Test.createTestingModule({
      imports: [BufferModule.forRootAsync({ useFactory: () => ({ silenceMs: 0, maxMs: Number.NaN }) })],
    }).compile();
    await expect(compile).rejects.toThrow(/silenceMs=0, maxMs=NaN/);
    expect(() => BufferModule.register({ maxInteractions: 1.5 })).toThrow(/maxInteractions=1.5/);
  });
});
