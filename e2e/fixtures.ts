import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { type CommanderClient, createCommanderClient, unwrap } from '@commander/client';
import { type APIRequestContext, expect, type Page, test as base } from '@playwright/test';

import { E2E } from './playwright.config.js';

const SCREENSHOTS = path.join(path.dirname(fileURLToPath(import.meta.url)), 'screenshots');

export type Api = {
  /** A write token of the `default` workspace (made with the bootstrap token). */
  token: string;
  /** The typed API client (`@commander/client`) with that token: how specs call the API. */
  client: CommanderClient;
  /**
   * Raw HTTP (no token set), only for a spec that checks raw HTTP details: status codes of
   * refusals, odd requests.
   */
  request: APIRequestContext;
  /** The simulated dhctl's control API. */
  sim: <T = unknown>(method: 'GET' | 'POST' | 'DELETE', url: string, body?: unknown) => Promise<T>;
};

type Fixtures = {
  api: Api;
  /** Signs in through the sign-in page as the first administrator. */
  signIn: (page: Page) => Promise<void>;
  /** Saves a screenshot to e2e/screenshots/<spec>-<name>.png (not committed). */
  shot: (page: Page, name: string) => Promise<void>;
};

export const test = base.extend<Fixtures>({
  api: async ({ playwright }, use) => {
    const request = await playwright.request.newContext({ baseURL: E2E.baseURL });
    const bootstrap = bootstrapClient();
    const workspaces = await unwrap(bootstrap.GET('/api/v1/workspaces/'));
    const ws = workspaces.find((w) => w.slug === 'default');
    expect(ws, 'the default workspace').toBeTruthy();
    const { token } = await unwrap(
      bootstrap.POST('/api/v1/auth_tokens/', {
        body: { name: `e2e-${Date.now()}`, workspace_id: ws!.id, scope: 'write' },
      }),
    );
    const simRequest = await playwright.request.newContext({ baseURL: E2E.simURL });
    await use({
      token,
      client: createCommanderClient({ baseUrl: E2E.baseURL, token }),
      request,
      sim: async (method, url, body) => {
        const res = await simRequest.fetch(url, {
          method,
          ...(body === undefined ? {} : { data: body }),
        });
        expect(res.ok(), `${method} ${url}: ${res.status()} ${await res.text()}`).toBe(true);
        return (await res.json()) as never;
      },
    });
    await simRequest.dispose();
    await request.dispose();
  },
  signIn: async ({}, use) => {
    await use(async (page: Page) => {
      await page.goto('/');
      await page.getByLabel('Email').fill(E2E.adminEmail);
      await page.getByRole('textbox', { name: 'Password' }).fill(E2E.adminPassword);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await expect(page.getByRole('button', { name: /^User menu/ })).toBeVisible();
    });
  },
  shot: async ({}, use, testInfo) => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    const spec = path.basename(testInfo.file, '.spec.ts');
    await use(async (page: Page, name: string) => {
      await page.screenshot({
        path: path.join(SCREENSHOTS, `${spec}-${name}.png`),
        fullPage: true,
      });
    });
  },
});

/** A client with the bootstrap token (global: workspaces, users, groups, roles). */
export function bootstrapClient(): CommanderClient {
  return createCommanderClient({ baseUrl: E2E.baseURL, token: E2E.bootstrapToken });
}

export { expect, unwrap };
