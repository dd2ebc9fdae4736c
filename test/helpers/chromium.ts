import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Readable, Writable } from 'node:stream';

export const chromiumPath = process.env['KCM_CHROMIUM'] ?? '/usr/bin/chromium';

/** In CI (.ci/run installs chromium) a missing browser fails the browser tests instead of skipping them. */
export const chromiumAvailable = process.env['CI'] === 'true' || spawnSync(chromiumPath, ['--version']).status === 0;

type Message = { id?: number; method?: string; params?: Record<string, unknown>; result?: Record<string, unknown>; error?: { message: string }; sessionId?: string };

export interface LoadedPage {
  /** Console errors, uncaught exceptions and log entries of level error (a blocked resource shows here too). */
  consoleErrors: string[];
  /** Every URL the page asked for, its own document included. */
  requests: string[];
  /** alert/confirm/prompt dialogs that opened: a script ran. */
  dialogs: string[];
  evaluate<T>(expression: string): Promise<T>;
  /** A PNG of the whole page, or of its top `maxHeight` pixels. */
  screenshot(maxHeight?: number): Promise<Buffer>;
  close(): Promise<void>;
}

/**
 * Opens `file` in Debian's Chromium, headless, driven over the DevTools protocol on a pipe (fds 3 and 4): no
 * port, no dependency. Resolves once the page's load event fired.
 */
export async function openInChromium(file: string, options: { colorScheme?: 'light' | 'dark'; width?: number; height?: number } = {}): Promise<LoadedPage> {
  const profile = mkdtempSync(join(tmpdir(), 'kcm-chromium-'));
  const child: ChildProcess = spawn(
    chromiumPath,
    [
      '--headless',
      '--no-sandbox',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-gpu',
      '--no-first-run',
      '--no-default-browser-check',
      '--hide-scrollbars',
      '--remote-debugging-pipe',
      `--user-data-dir=${profile}`,
      'about:blank',
    ],
    { stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const input = child.stdio[3] as Writable;
  const output = child.stdio[4] as Readable;

  let nextId = 1;
  const pending = new Map<number, { resolve: (value: Record<string, unknown>) => void; reject: (error: Error) => void }>();
  const listeners: ((message: Message) => void)[] = [];
  let buffered = '';
  output.on('data', (chunk: Buffer) => {
    buffered += chunk.toString('utf8');
    let end: number;
    while ((end = buffered.indexOf('\0')) !== -1) {
      const message = JSON.parse(buffered.slice(0, end)) as Message;
      buffered = buffered.slice(end + 1);
      if (message.id !== undefined) {
        const waiter = pending.get(message.id);
        pending.delete(message.id);
        if (message.error) waiter?.reject(new Error(message.error.message));
        else waiter?.resolve(message.result ?? {});
      } else {
        for (const listener of listeners) listener(message);
      }
    }
  });
  child.once('exit', (code) => {
    for (const waiter of pending.values()) waiter.reject(new Error(`chromium exited (${code}): ${stderr.slice(-500)}`));
    pending.clear();
  });
  const send = (method: string, params: Record<string, unknown> = {}, sessionId?: string): Promise<Record<string, unknown>> =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject });
      input.write(`${JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) })}\0`);
    });

  const consoleErrors: string[] = [];
  const requests: string[] = [];
  const dialogs: string[] = [];
  let loaded: () => void = () => undefined;
  const load = new Promise<void>((resolve) => (loaded = resolve));
  listeners.push(({ method, params = {} }) => {
    if (method === 'Network.requestWillBeSent') requests.push(String((params['request'] as { url: string }).url));
    if (method === 'Log.entryAdded') {
      const entry = params['entry'] as { level: string; text: string; url?: string };
      if (entry.level === 'error') consoleErrors.push(`${entry.text}${entry.url ? ` (${entry.url})` : ''}`);
    }
    if (method === 'Runtime.consoleAPICalled' && params['type'] === 'error') consoleErrors.push(JSON.stringify(params['args']));
    if (method === 'Runtime.exceptionThrown') consoleErrors.push(JSON.stringify(params['exceptionDetails']));
    if (method === 'Page.javascriptDialogOpening') dialogs.push(String(params['message']));
    if (method === 'Page.loadEventFired') loaded();
  });

  const close = async (): Promise<void> => {
    await send('Browser.close').catch(() => undefined);
    await exited;
    rmSync(profile, { recursive: true, force: true });
  };
  try {
    const { targetId } = (await send('Target.createTarget', { url: 'about:blank' })) as { targetId: string };
    const { sessionId } = (await send('Target.attachToTarget', { targetId, flatten: true })) as { sessionId: string };
    const call = (method: string, params?: Record<string, unknown>) => send(method, params, sessionId);
    for (const domain of ['Page', 'Runtime', 'Log', 'Network']) await call(`${domain}.enable`);
    await call('Emulation.setDeviceMetricsOverride', { width: options.width ?? 1280, height: options.height ?? 900, deviceScaleFactor: 1, mobile: false });
    await call('Emulation.setEmulatedMedia', { features: [{ name: 'prefers-color-scheme', value: options.colorScheme ?? 'light' }] });
    await call('Page.navigate', { url: pathToFileURL(file).href });
    await load;
    return {
      consoleErrors,
      requests,
      dialogs,
      async evaluate<T>(expression: string): Promise<T> {
        const { result, exceptionDetails } = (await call('Runtime.evaluate', { expression, returnByValue: true })) as { result: { value: T }; exceptionDetails?: unknown };
        if (exceptionDetails) throw new Error(`evaluate failed: ${JSON.stringify(exceptionDetails)}`);
        return result.value;
      },
      async screenshot(maxHeight = Infinity): Promise<Buffer> {
        const { cssContentSize } = (await call('Page.getLayoutMetrics')) as { cssContentSize: { width: number; height: number } };
        const clip = { x: 0, y: 0, width: Math.ceil(cssContentSize.width), height: Math.ceil(Math.min(maxHeight, cssContentSize.height)), scale: 1 };
        const { data } = (await call('Page.captureScreenshot', { format: 'png', clip, captureBeyondViewport: true })) as { data: string };
        return Buffer.from(data, 'base64');
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
