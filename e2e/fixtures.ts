import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { type APIRequestContext, expect, type Page, test as base } from '@playwright/test';

import { E2E } from './playwright.config.js';

const SCREENSHOTS = path.join(path.dirname(fileURLToPath(import.meta.url)), 'screenshots');

export type Api = {
  /** A write token of the `default` workspace (made with the bootstrap token). */
  token: string;
  request: APIRequestContext;
  get: <T = unknown>(url: string) => Promise<T>;
  post: <T = unknown>(url: string, body: unknown) => Promise<T>;
  put: <T = unknown>(url: string, body: unknown) => Promise<T>;
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
    const bootstrap = { 'x-auth-token': E2E.bootstrapToken };
    const workspaces = (await (
      await request.get('/api/v1/workspaces', { headers: bootstrap })
    ).json()) as { id: string; slug: string }[];
    const ws = workspaces.find((w) => w.slug === 'default');
    const created = await request.post('/api/v1/auth_tokens', {
      headers: bootstrap,
      data: { name: `e2e-${Date.now()}`, workspace_id: ws?.id, scope: 'write' },
    });
    expect(created.status()).toBe(201);
    const token = ((await created.json()) as { token: string }).token;
    const headers = { 'x-auth-token': token };
    const call = async <T>(
      method: 'get' | 'post' | 'put',
      url: string,
      body?: unknown,
    ): Promise<T> => {
      const res = await request[method](url, {
        headers,
        ...(body === undefined ? {} : { data: body }),
      });
      expect(res.ok(), `${method.toUpperCase()} ${url}: ${res.status()} ${await res.text()}`).toBe(
        true,
      );
      return (await res.json()) as T;
    };
    const simRequest = await playwright.request.newContext({ baseURL: E2E.simURL });
    await use({
      token,
      request,
      get: (url) => call('get', url),
      post: (url, body) => call('post', url, body),
      put: (url, body) => call('put', url, body),
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

export { expect };
