#!/usr/bin/env node
// In-process ingest micro-benchmark: StreamFrameParser alone, and parser + BufferService, on one core.
// node bench/parser-micro.mjs [dist dir, default dist/]   (profile: node --cpu-prof bench/parser-micro.mjs)
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import { Subject } from 'rxjs';

const dist = pathToFileURL(resolve(process.argv[2] ?? 'dist') + '/').href;
const { StreamFrameParser } = await import(`${dist}stream/stream-frame.parser.js`);
const { BufferService } = await import(`${dist}buffer/buffer.service.js`);

const parser = new StreamFrameParser();
const frames = [];
for (let i = 0; i < 10_000; i++) {
  const frame = {
    type: 'TRANSCRIPT_FRAGMENT',
    interactionId: `bench-ingest-${String(i).padStart(6, '0')}`,
    speaker: 'AGENT',
    text: 'so the thing is my card',
    timestamp: new Date().toISOString(),
    sequence: i,
  };
  frames.push(Buffer.from(JSON.stringify(frame)));
}

function measure(label, each) {
  const rounds = 20;
  let best = Infinity;
  for (let r = 0; r < 5; r++) {
    const t = process.hrtime.bigint();
    for (let k = 0; k < rounds; k++) for (const f of frames) each(f);
    best = Math.min(best, Number(process.hrtime.bigint() - t) / (rounds * frames.length));
  }
  console.log(
    `${label}: ${(best / 1000).toFixed(2)} µs/event = ${Math.round(1e9 / best).toLocaleString('en')} events/s`,
  );
}

measure('parse + validate', (f) => parser.parse(f));
const buffer = new BufferService({
  silenceMs: 600_000,
  maxMs: 600_000,
  maxUtteranceChars: 4000,
  maxInteractions: 1_000_000,
});
const events = new Subject();
buffer.utterances(events).subscribe();
measure('parse + validate + buffer', (f) => {
  const parsed = parser.parse(f);
  if (parsed.ok) events.next(parsed.event);
});
process.exit(0);
