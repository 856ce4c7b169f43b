import { afterEach, describe, expect, it } from 'vitest';
import { jsonReply, startSimServer } from '../../sim/http.js';
import type { SimServer, SimServerOptions } from '../../sim/http.js';

/** A toolkit server that echoes what its handler saw, with a vendor-ish error shape. */
function echoServer(overrides: Partial<SimServerOptions> = {}): Promise<SimServer> {
  return startSimServer({
    handle: (exchange) =>
      jsonReply(200, {
        path: exchange.pathname,
        body: exchange.body.kind === 'ok' ? exchange.body.text : 'tooLarge',
        bytes: exchange.body.bytes,
        inFlight: exchange.inFlight,
      }),
    errorReply: (status, message) => jsonReply(status, { error: message, code: status }),
    ...overrides,
  });
}

function streamOf(chunks: number, chunkBytes: number): ReadableStream<Uint8Array> {
  let sent = 0;
  return new ReadableStream({
    pull(controller) {
      if (sent === chunks) {
        controller.close();
        return;
      }
      sent += 1;
      controller.enqueue(new Uint8Array(chunkBytes).fill(97));
    },
  });
}

const settle = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('Simulator: http toolkit', () => {
  let server: SimServer | undefined;

  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('records each request with its query, parsed body, status and a redacted authorization header', async () => {
    // Prepare
    server = await echoServer();

    // Act
    const response = await fetch(`${server.url}/things/1?page=2&q=x`, {
      method: 'POST',
      headers: { authorization: 'Bearer secret-token-value', 'content-type': 'application/json', 'x-trace': 'abc' },
      body: JSON.stringify({ reason: 'night' }),
    });
    await response.json();

    // Assess
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(server.requests).toHaveLength(1);
    const [record] = server.requests;
    expect(record).toMatchObject({
      method: 'POST',
      path: '/things/1',
      query: { page: '2', q: 'x' },
      body: { reason: 'night' },
      bodyBytes: 18,
      status: 200,
    });
    expect(record?.headers.authorization).toBe('Bearer ***');
    expect(record?.headers['x-trace']).toBe('abc');
    expect(JSON.stringify(record)).not.toContain('secret-token-value');
    expect(record?.finishedAt).toBeGreaterThanOrEqual(record?.startedAt ?? Infinity);
  });

  it('records a body that is not JSON as its raw text, and an empty one as undefined', async () => {
    // Prepare
    server = await echoServer();

    // Act
    await (await fetch(`${server.url}/a`, { method: 'POST', body: 'not json' })).text();
    await (await fetch(`${server.url}/b`)).text();

    // Assess
    expect(server.requests.map((r) => r.body)).toEqual(['not json', undefined]);
  });

  it('keeps no bodies when recordBodies is off, but still counts their bytes', async () => {
    // Prepare
    server = await echoServer({ recordBodies: false });

    // Act
    await (await fetch(`${server.url}/a`, { method: 'POST', body: '{"a":1}' })).text();

    // Assess
    expect(server.requests[0]).toMatchObject({ body: undefined, bodyBytes: 7, status: 200 });
  });

  it('answers a status fault with the vendor error shape and given headers, for the matching method and path only', async () => {
    // Prepare
    server = await echoServer();
    server.inject({ method: 'post', path: /^\/campaigns\/\d+\/pause$/, fault: { status: 503, headers: { 'retry-after': '2' } } });

    // Act
    const other = await fetch(`${server.url}/campaigns/7/pause`);
    const faulted = await fetch(`${server.url}/campaigns/7/pause`, { method: 'POST' });
    const after = await fetch(`${server.url}/campaigns/7/pause`, { method: 'POST' });

    // Assess
    expect(other.status).toBe(200);
    expect(faulted.status).toBe(503);
    expect(faulted.headers.get('retry-after')).toBe('2');
    expect(await faulted.json()).toEqual({ error: 'injected fault', code: 503 });
    expect(after.status).toBe(200);
    expect(server.requests.map((r) => [r.status, r.fault])).toEqual([
      [200, undefined],
      [503, 'status'],
      [200, undefined],
    ]);
  });

  it('skips the first `after` matching requests and then faults `times` of them', async () => {
    // Prepare
    server = await echoServer();
    server.inject({ path: '/x', after: 1, times: 2, fault: { status: 500, body: { custom: true } } });

    // Act
    const statuses: number[] = [];
    for (let i = 0; i < 5; i += 1) {
      const response = await fetch(`${server.url}/x`);
      await response.text();
      statuses.push(response.status);
    }

    // Assess
    expect(statuses).toEqual([200, 500, 500, 200, 200]);
  });

  it('applies a fault with times Infinity until the faults are cleared', async () => {
    // Prepare
    server = await echoServer();
    server.inject({ times: Infinity, fault: { status: 502 } });

    // Act
    const before = await Promise.all([1, 2, 3].map(async () => (await fetch(`${server?.url}/y`)).status));
    server.clearFaults();
    const cleared = (await fetch(`${server.url}/y`)).status;

    // Assess
    expect(before).toEqual([502, 502, 502]);
    expect(cleared).toBe(200);
  });

  it('never answers a hung request, and records it with status 0 once the client gives up', async () => {
    // Prepare
    server = await echoServer();
    server.inject({ path: '/slow', fault: { kind: 'hang' } });

    // Act
    const attempt = fetch(`${server.url}/slow`, { signal: AbortSignal.timeout(150) });

    // Assess
    await expect(attempt).rejects.toThrow();
    await settle(20);
    expect(server.requests[0]).toMatchObject({ status: 0, fault: 'hang' });
    expect(server.requests[0]?.finishedAt).toBeGreaterThan(0);
  });

  it('closes promptly while a request hangs', async () => {
    // Prepare
    server = await echoServer();
    server.inject({ fault: { kind: 'hang' } });
    const attempt = fetch(`${server.url}/slow`).then(
      () => 'answered',
      () => 'failed',
    );
    await settle(50);

    // Act
    const started = Date.now();
    await server.close();

    // Assess
    expect(Date.now() - started).toBeLessThan(1000);
    expect(await attempt).toBe('failed');
  });

  it('resets the connection without an answer', async () => {
    // Prepare
    server = await echoServer();
    server.inject({ fault: { kind: 'reset' } });

    // Act
    const attempt = fetch(`${server.url}/z`);

    // Assess
    await expect(attempt).rejects.toThrow();
    await settle(20);
    expect(server.requests[0]).toMatchObject({ status: 0, fault: 'reset' });
  });

  it('acts on the request and then drops the connection for a lost fault', async () => {
    // Prepare
    const handled: string[] = [];
    server = await echoServer({
      handle: (exchange) => {
        handled.push(exchange.pathname);
        return jsonReply(204, undefined);
      },
    });
    server.inject({ fault: { kind: 'lost' } });

    // Act
    const attempt = fetch(`${server.url}/campaigns/1/pause`, { method: 'POST' });

    // Assess
    await expect(attempt).rejects.toThrow();
    await settle(20);
    expect(handled).toEqual(['/campaigns/1/pause']);
    expect(server.requests[0]).toMatchObject({ status: 0, fault: 'lost' });
  });

  it('sends a 200 whose JSON body is cut short for a malformed fault', async () => {
    // Prepare
    server = await echoServer();
    server.inject({ fault: { kind: 'malformed' } });

    // Act
    const response = await fetch(`${server.url}/list`);

    // Assess
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('application/json');
    await expect(response.json()).rejects.toThrow();
    expect(server.requests[0]?.fault).toBe('malformed');
  });

  it('delays a request and then handles it normally', async () => {
    // Prepare
    server = await echoServer();
    server.inject({ fault: { kind: 'delay', ms: 120 } });

    // Act
    const started = Date.now();
    const response = await fetch(`${server.url}/late`);

    // Assess
    expect(Date.now() - started).toBeGreaterThanOrEqual(110);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ path: '/late' });
    expect(server.requests[0]).toMatchObject({ status: 200, fault: 'delay' });
  });

  it('delivers the late answers at once when asked, after the client gave up, and the handler runs for each', async () => {
    // Prepare: the vendor would act only after an hour.
    const handled: string[] = [];
    server = await echoServer({
      handle: (exchange) => {
        handled.push(exchange.pathname);
        return jsonReply(200, {});
      },
    });
    server.inject({ times: 2, fault: { kind: 'delay', ms: 3_600_000 } });
    const gaveUp = await Promise.all(
      ['/late-1', '/late-2'].map((path) => fetch(`${server?.url}${path}`, { signal: AbortSignal.timeout(50) }).catch((error: unknown) => error)),
    );

    // Act
    const started = Date.now();
    await server.deliverLateAnswers();

    // Assess
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(gaveUp.every((outcome) => outcome instanceof Error)).toBe(true);
    expect(handled.sort()).toEqual(['/late-1', '/late-2']);
    expect(server.requests.map((r) => r.fault)).toEqual(['delay', 'delay']);
  });

  it('adds latencyMs to every response', async () => {
    // Prepare
    server = await echoServer({ latencyMs: 80 });

    // Act
    const started = Date.now();
    await (await fetch(`${server.url}/a`)).text();

    // Assess
    expect(Date.now() - started).toBeGreaterThanOrEqual(75);
  });

  it('refuses to buffer a body whose Content-Length reaches the cap', async () => {
    // Prepare
    server = await echoServer({ maxBodyBytes: 1000 });

    // Act
    const response = await fetch(`${server.url}/big`, { method: 'POST', body: 'x'.repeat(1000) });

    // Assess
    expect(await response.json()).toMatchObject({ body: 'tooLarge', bytes: 1000 });
    expect(server.requests[0]).toMatchObject({ body: undefined, bodyBytes: 1000 });
  });

  it('stops buffering a streamed body once it reaches the cap', async () => {
    // Prepare
    server = await echoServer({ maxBodyBytes: 4096 });

    // Act
    const response = await fetch(`${server.url}/stream`, {
      method: 'POST',
      body: streamOf(64, 1024),
      duplex: 'half',
    } as RequestInit);

    // Assess
    const answer = (await response.json()) as { body: string; bytes: number };
    expect(answer.body).toBe('tooLarge');
    expect(answer.bytes).toBeGreaterThanOrEqual(4096);
    expect(answer.bytes).toBeLessThan(64 * 1024);
  });

  it('counts requests in flight at arrival and remembers the most seen', async () => {
    // Prepare
    server = await echoServer({ latencyMs: 100, countsInFlight: (head) => head.pathname !== '/free' });

    // Act
    const answers = await Promise.all(
      ['/a', '/b', '/c', '/free'].map(async (path) => (await (await fetch(`${server?.url}${path}`)).json()) as { inFlight: number }),
    );

    // Assess
    expect(answers.slice(0, 3).map((a) => a.inFlight).sort()).toEqual([1, 2, 3]);
    expect(answers[3]?.inFlight).toBe(0);
    expect(server.maxInFlightSeen).toBe(3);
    expect(server.inFlight).toBe(0);
  });

  it('answers 500 in the vendor shape when the handler throws', async () => {
    // Prepare
    server = await startSimServer({
      handle: () => {
        throw new Error('boom');
      },
      errorReply: (status, message) => jsonReply(status, { error: message }),
    });

    // Act
    const response = await fetch(`${server.url}/x`);

    // Assess
    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({ error: 'simulator error: boom' });
  });

  it('forgets recorded requests on resetRequests', async () => {
    // Prepare
    server = await echoServer();
    await (await fetch(`${server.url}/a`)).text();

    // Act
    server.resetRequests();
    await (await fetch(`${server.url}/b`)).text();

    // Assess
    expect(server.requests.map((r) => r.path)).toEqual(['/b']);
  });

  it('refuses a fault rule that could never fire', async () => {
    // Prepare
    server = await echoServer();

    // Act
    const inject = (): void => server?.inject({ times: 0, fault: { status: 500 } });

    // Assess
    expect(inject).toThrow(RangeError);
  });
});
