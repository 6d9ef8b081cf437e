import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  Body,
  Controller,
  Get,
  HttpCode,
  NotFoundException,
  type OnModuleDestroy,
  Param,
  Post,
  Req,
  Res,
  ServiceUnavailableException,
  UseGuards,
} from '@nestjs/common';
import { sendHtmlPage } from '../common/html-page.js';
import { groupAttempts } from './feedback-verdicts.js';
import type { FeedMessage } from './sandbox-feed.js';
import { parseFaultCount, parseUtterance, parseVerdict } from './sandbox-input.js';
import { renderSandboxPage } from './sandbox-page.js';
import { SandboxRequestGuard } from './sandbox-request.guard.js';
import { SANDBOX_FAULTS, type SandboxFault, SandboxService } from './sandbox.service.js';

/** Live page connections at most; more get 503 (each holds a socket and a subscription). */
export const MAX_EVENT_CLIENTS = 20;
/** A page that lets this much queue up unread is too slow and is dropped (it reconnects by itself). */
export const MAX_BUFFERED_BYTES = 256 * 1024;
const HEARTBEAT_MS = 15_000;
/** Verdicts `GET /sandbox/api/feedback` lists (the simulator keeps the attempts behind them bounded). */
export const MAX_FEEDBACK_VERDICTS = 100;

/** Agent desktop preview (`GET /sandbox`), its live event stream and its control endpoints. */
@Controller('sandbox')
@UseGuards(SandboxRequestGuard)
export class SandboxController implements OnModuleDestroy {
  private readonly eventClients = new Set<() => void>();

  constructor(private readonly sandbox: SandboxService) {}

  @Get()
  page(@Res() res: ServerResponse): void {
    const nonce = randomBytes(16).toString('base64');
    sendHtmlPage(res, 200, renderSandboxPage(nonce), [
      "default-src 'none'",
      `script-src 'nonce-${nonce}'`,
      `style-src 'nonce-${nonce}'`,
      "connect-src 'self'",
      "img-src 'self' data:",
      "base-uri 'none'",
      "form-action 'none'",
      "frame-ancestors 'none'",
    ]);
  }

  /** Server-sent events: a `snapshot` first, then every change of the feed. */
  @Get('events')
  events(@Req() req: IncomingMessage, @Res() res: ServerResponse): void {
    if (this.eventClients.size >= MAX_EVENT_CLIENTS) {
      res.writeHead(503, { 'Content-Type': 'application/json', 'Retry-After': '5' });
      res.end(JSON.stringify({ statusCode: 503, message: 'too many preview pages open' }));
      return;
    }
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store, no-transform',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    let closed = false;
    const write = (event: string, data: unknown): void => {
      if (closed) return;
      if (res.writableLength > MAX_BUFFERED_BYTES) return close(); // a slow reader: drop it
      res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    };
    const unsubscribe = this.sandbox.feed.subscribe((message: FeedMessage) => write(message.type, message));
    const heartbeat = setInterval(() => !closed && res.write(': ping\n\n'), HEARTBEAT_MS);
    heartbeat.unref();
    const close = (): void => {
      if (closed) return;
      closed = true;
      unsubscribe();
      clearInterval(heartbeat);
      this.eventClients.delete(close);
      res.end();
    };
    this.eventClients.add(close);
    req.on('close', close);
    res.on('error', close);
    res.write('retry: 2000\n\n');
    write('snapshot', this.sandbox.feed.snapshot());
  }

  /** What the page shows (the same snapshot the event stream starts with). */
  @Get('api/state')
  state() {
    return this.sandbox.feed.snapshot();
  }

  @Get('api/conversations')
  conversations() {
    return this.sandbox.conversations().map((conversation) => ({
      id: conversation.id,
      title: conversation.title,
      durationMs: conversation.events.reduce((sum, step) => sum + step.delayMs, 0),
      expectedArticleIds: conversation.expectedArticleIds ?? [],
    }));
  }

  @Post('api/conversations/:id/start')
  @HttpCode(202)
  start(@Param('id') id: string) {
    const conversation = this.sandbox.conversations().find((candidate) => candidate.id === id);
    if (!conversation) throw new NotFoundException('no scripted conversation has this id');
    return { conversationId: conversation.id, interactionId: this.sandbox.startConversation(conversation) };
  }

  @Post('api/utterance')
  @HttpCode(202)
  utterance(@Body() body: unknown) {
    const input = parseUtterance(body);
    return { interactionId: this.sandbox.speak(input.text, input.interactionId) };
  }

  @Post('api/verdicts')
  @HttpCode(202)
  verdict(@Body() body: unknown) {
    const input = parseVerdict(body);
    const reached = this.sandbox.verdict(input.interactionId, input.insightId, input.verdict);
    if (reached === 0) throw new ServiceUnavailableException('the service is not connected to the stream right now');
    return { sent: input.verdict === 'ACCEPTED' ? 'INSIGHT_ACCEPTED' : 'INSIGHT_REJECTED', ...input };
  }

  /** What the simulated training endpoint received: one entry per verdict with its attempts, newest last. */
  @Get('api/feedback')
  feedback() {
    return groupAttempts(this.sandbox.cxone.received.feedback)
      .slice(-MAX_FEEDBACK_VERDICTS)
      .map((verdict) => ({
        ...verdict,
        firstAttemptAt: new Date(verdict.firstAttemptAt).toISOString(),
        lastAttemptAt: new Date(verdict.lastAttemptAt).toISOString(),
      }));
  }

  @Post('api/faults/:name')
  @HttpCode(200)
  fault(@Param('name') name: string, @Body() body: unknown) {
    if (!(SANDBOX_FAULTS as readonly string[]).includes(name)) {
      throw new NotFoundException(`unknown fault; one of: ${SANDBOX_FAULTS.join(', ')}`);
    }
    const count = parseFaultCount(body);
    return { fault: name, effect: this.sandbox.injectFault(name as SandboxFault, count) };
  }

  /** Open event streams would hold the HTTP server open on shutdown. */
  onModuleDestroy(): void {
    for (const close of [...this.eventClients]) close();
  }
}
