#!/usr/bin/env node
// Client CPU per REST call, for each step of tuning @nestjs/axios toward the service's hot path, against a
// local server in another process (so only the client's CPU is counted): a search-sized JSON POST, 20 in
// flight. node bench/http-client-micro.mjs [dist dir, default dist/] [requests, default 10000]
import { fork } from 'node:child_process';
import { Agent } from 'node:http';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { HttpService } from '@nestjs/axios';
import axios from 'axios';
import { lastValueFrom } from 'rxjs';

if (process.argv[2] === '--serve') {
  const { createServer } = await import('node:http');
  const hit = { id: 'kb-1', title: 'Reset a voicemail PIN', score: 0.5, snippet: 'x'.repeat(200) };
  const reply = JSON.stringify({ results: Array.from({ length: 5 }, (_, i) => ({ ...hit, id: `kb-${i}` })) });
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end(reply));
  });
  server.listen(0, '127.0.0.1', () => process.send(server.address().port));
} else {
  const dist = pathToFileURL(resolve(process.argv[2] ?? 'dist') + '/').href;
  const requests = Number(process.argv[3] ?? 10_000);
  const { HttpTransport } = await import(`${dist}cxone-api/http-transport.js`);
  const server = fork(fileURLToPath(import.meta.url), ['--serve']);
  const port = await new Promise((done) => server.once('message', done));
  const url = `http://127.0.0.1:${port}/knowledge/search`;
  const query = { query: 'how do I reset my voicemail pin', limit: 5 };
  const headers = { Accept: 'application/json', Authorization: 'Bearer bench' };
  const jsonHeaders = { ...headers, 'Content-Type': 'application/json' };

  const transport = new HttpTransport();
  const exchange = (method, target, body, timeoutMs) =>
    lastValueFrom(
      transport.exchange({
        method,
        url: new URL(target),
        headers: jsonHeaders,
        body,
        timeoutMs,
        maxResponseBytes: 2e6,
      }),
    );
  /** The service's node:http transport as an axios adapter: axios keeps its config, headers and interceptors. */
  const leanAdapter = async (config) => {
    const reply = await exchange(config.method.toUpperCase(), config.url, config.data, config.timeout);
    return { data: reply.body, status: reply.status, statusText: '', headers: reply.headers, config, request: null };
  };
  const keepAlive = new Agent({ keepAlive: true, maxSockets: 256 });
  const untuned = new HttpService(axios.create({ timeout: 5000 }));
  const withAgent = new HttpService(axios.create({ timeout: 5000, httpAgent: keepAlive, proxy: false }));
  const withAdapter = new HttpService(axios.create({ timeout: 5000, adapter: leanAdapter }));
  const trimmedAxios = axios.create({
    timeout: 5000,
    adapter: leanAdapter,
    validateStatus: null,
    transformRequest: [],
    transformResponse: [],
  });
  const trimmed = new HttpService(trimmedAxios);
  const body = () => JSON.stringify(query);
  const steps = [
    ['@nestjs/axios as configured by default', () => lastValueFrom(untuned.post(url, query, { headers }))],
    ['+ keep-alive agent, no proxy lookup', () => lastValueFrom(withAgent.post(url, query, { headers }))],
    ['+ node:http adapter (the transport under axios)', () => lastValueFrom(withAdapter.post(url, query, { headers }))],
    [
      '+ reused lean config (no transforms, any status is a reply)',
      () =>
        lastValueFrom(trimmed.request({ method: 'post', url, data: body(), headers: jsonHeaders })).then((r) =>
          JSON.parse(r.data),
        ),
    ],
    [
      'the same axios instance without HttpService',
      () =>
        trimmedAxios
          .request({ method: 'post', url, data: body(), headers: jsonHeaders })
          .then((r) => JSON.parse(r.data)),
    ],
    [
      'bare node:http transport (src/cxone-api/http-transport.ts)',
      () => exchange('POST', url, body(), 5000).then((r) => JSON.parse(r.body)),
    ],
  ];

  const measure = async (call, count) => {
    let started = 0;
    const cpu = process.cpuUsage();
    await Promise.all(
      Array.from({ length: 20 }, async () => {
        while (started++ < count) await call();
      }),
    );
    const used = process.cpuUsage(cpu);
    return (used.user + used.system) / count;
  };
  for (const [, call] of steps) await measure(call, 2000); // warm every path before measuring any
  console.log(`client CPU per request, ${requests} requests each, 20 in flight (Node ${process.version})`);
  for (const [name, call] of steps)
    console.log(`${(await measure(call, requests)).toFixed(0).padStart(5)} µs  ${name}`);
  server.kill();
  transport.onApplicationShutdown();
  keepAlive.destroy();
}
