/**
 * A small loopback Acme: campaigns in memory, cursor paging two at a time, hold and release with the
 * vendor's state rules, and every request recorded. Node built-ins only, no code from functions/.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

type AcmeState = 'live' | 'on-hold' | 'draft' | 'archived';

interface AcmeCampaign {
  code: string;
  title: string;
  state: AcmeState;
}

interface AcmeSim {
  readonly url: string;
  readonly apiKey: string;
  readonly requests: { method: string; path: string }[];
  campaign(code: string): AcmeCampaign | undefined;
  close(): Promise<void>;
}

const PAGE = 2;

const startAcmeSim = async (campaigns: readonly AcmeCampaign[], apiKey = 'acme-key-not-real-0001'): Promise<AcmeSim> => {
  const store = new Map(campaigns.map((c) => [c.code, { ...c }]));
  const requests: { method: string; path: string }[] = [];
  const reply = (res: ServerResponse, status: number, body?: unknown): void => {
    res.writeHead(status, { 'Content-Type': 'application/json' });
    res.end(body === undefined ? '' : JSON.stringify(body));
  };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    req.resume();
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      requests.push({ method: req.method ?? '', path: url.pathname });
      if (req.headers['x-api-key'] !== apiKey) return reply(res, 401, { error: { message: 'bad api key' } });
      if (req.method === 'GET' && url.pathname === '/v2/campaigns') {
        const all = [...store.values()];
        const start = Number(url.searchParams.get('cursor') ?? 0);
        const next = start + PAGE < all.length ? String(start + PAGE) : undefined;
        return reply(res, 200, { campaigns: all.slice(start, start + PAGE), ...(next ? { next } : {}) });
      }
      const match = /^\/v2\/campaigns\/([^/]+)(?:\/(hold|release))?$/.exec(url.pathname);
      const campaign = match ? store.get(decodeURIComponent(match[1]!)) : undefined;
      if (!match || !campaign) return reply(res, 404, { error: { message: 'no such campaign' } });
      if (req.method === 'GET' && !match[2]) return reply(res, 200, { campaign });
      if (req.method === 'POST' && match[2] === 'hold') {
        if (campaign.state !== 'live') return reply(res, 409, { error: { message: `cannot hold a ${campaign.state} campaign` } });
        campaign.state = 'on-hold';
        return reply(res, 200, { campaign });
      }
      if (req.method === 'POST' && match[2] === 'release') {
        if (campaign.state !== 'on-hold') return reply(res, 409, { error: { message: `cannot release a ${campaign.state} campaign` } });
        campaign.state = 'live';
        return reply(res, 200, { campaign });
      }
      return reply(res, 405, { error: { message: 'method not allowed' } });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    apiKey,
    requests,
    campaign: (code) => store.get(code),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};

export { startAcmeSim };
export type { AcmeSim, AcmeCampaign };
