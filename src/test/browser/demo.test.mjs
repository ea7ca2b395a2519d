// Browser test of the demo thread (issue 3), run by BrowserDemoIT:
//   node src/test/browser/demo.test.mjs http://127.0.0.1:<port>/ target/browser-demo.png
// Drives Debian's headless Chromium through playwright-core: two pages on the demo, a comment posted through the
// form of one appears in the other (and back), with the native WebSocket, then with SockJS forced to xhr-polling
// and to eventsource. Saves a screenshot of the last receiving page. Exits 0 on success, 1 with a message otherwise.
import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { chromium } from 'playwright-core';

const CHROMIUM = '/usr/bin/chromium';
const WAIT_MS = 15000;
const OVERALL_MS = 100000;

const base = process.argv[2];
const screenshot = process.argv[3] || 'target/browser-demo.png';
if (!base) {
  console.error('usage: node demo.test.mjs <base url, e.g. http://127.0.0.1:8080/> [screenshot.png]');
  process.exit(2);
}
if (!existsSync(CHROMIUM)) {
  console.error(`FAIL: ${CHROMIUM} not found (Debian: apt-get install chromium; scripts/test installs it as root)`);
  process.exit(1);
}

// A hung browser must not hang the build: the Java side has its own timeout, this one explains itself.
const watchdog = setTimeout(() => {
  console.error(`FAIL: browser test did not finish within ${OVERALL_MS / 1000} s`);
  process.exit(1);
}, OVERALL_MS);
watchdog.unref();

// null: the page's default (native WebSocket at /ws); otherwise the demo's ?transport= forces SockJS with it.
const MODES = [
  { name: 'websocket', transport: null, traffic: /\/ws(\?|$)/ },
  { name: 'sockjs/xhr-polling', transport: 'xhr-polling', traffic: /\/rt\/[^/]+\/[^/]+\/xhr(\?|$)/ },
  { name: 'sockjs/eventsource', transport: 'eventsource', traffic: /\/rt\/[^/]+\/[^/]+\/eventsource(\?|$)/ },
];

const problems = []; // page errors and console errors, printed on failure
const runId = Date.now().toString(36) + Math.random().toString(36).slice(2, 8);

function url(mode) {
  const u = new URL(base);
  if (mode.transport) {
    u.searchParams.set('transport', mode.transport);
  }
  return u.toString();
}

async function openPage(context, mode, label) {
  const page = await context.newPage();
  const traffic = [];
  page.on('request', (r) => traffic.push(r.url()));
  page.on('websocket', (ws) => traffic.push(ws.url()));
  page.on('pageerror', (e) => problems.push(`${mode.name} ${label}: page error: ${e.message}`));
  page.on('response', (r) => {
    if (r.status() >= 400) {
      problems.push(`${mode.name} ${label}: ${r.request().method()} ${r.url()} answered ${r.status()}`);
    }
  });
  page.on('console', (m) => {
    if (m.type() === 'error') {
      problems.push(`${mode.name} ${label}: console: ${m.text()}`);
    }
  });
  const response = await page.goto(url(mode), { waitUntil: 'load', timeout: WAIT_MS });
  if (!response || response.status() !== 200) {
    throw new Error(`${mode.name} ${label}: GET ${url(mode)} answered ${response ? response.status() : 'nothing'}`);
  }
  // Live: connected and the server confirmed the thread's subscription, so every post from now on reaches it.
  await page.waitForSelector('body[data-subscribed="thread:demo"]', { timeout: WAIT_MS }).catch(async () => {
    const status = await page.textContent('#status').catch(() => '?');
    throw new Error(`${mode.name} ${label}: not subscribed to thread:demo within ${WAIT_MS} ms (status: ${status})`);
  });
  return { page, traffic, label };
}

async function postAndExpect(mode, from, to, text) {
  await from.page.fill('#name', `${from.label} (${mode.name})`);
  await from.page.fill('#message', text);
  const [response] = await Promise.all([
    from.page.waitForResponse((r) => r.url().endsWith('/demo/post'), { timeout: WAIT_MS }),
    from.page.click('button[type=submit]'),
  ]);
  if (response.status() !== 202) {
    throw new Error(`${mode.name}: POST /demo/post from ${from.label} answered ${response.status()}: `
      + `${await response.text().catch(() => '')}`);
  }
  await to.page.waitForFunction(
    (t) => Array.from(document.querySelectorAll('#comments .text')).some((e) => e.textContent === t),
    text, { timeout: WAIT_MS },
  ).catch(() => {
    throw new Error(`${mode.name}: "${text}" posted in ${from.label} did not appear in ${to.label} within ${WAIT_MS} ms`);
  });
  const latency = (await to.page.textContent('#latency')).trim();
  if (!/^\d+ ms$/.test(latency)) {
    throw new Error(`${mode.name}: ${to.label} shows latency "${latency}", expected "<n> ms"`);
  }
  return latency;
}

async function clientsAtLeast(mode, side, n) {
  await side.page.waitForFunction(
    (min) => Number(document.getElementById('clients').textContent) >= min, n, { timeout: WAIT_MS },
  ).catch(async () => {
    const shown = await side.page.textContent('#clients').catch(() => '?');
    throw new Error(`${mode.name}: ${side.label} shows ${shown} connected clients, expected at least ${n}`);
  });
  return Number(await side.page.textContent('#clients'));
}

async function run() {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run', '--disable-quic'],
  });
  const summary = [];
  try {
    for (let i = 0; i < MODES.length; i++) {
      const mode = MODES[i];
      // One context per page: two separate tabs' worth of state, nothing shared but the server.
      const contexts = [await browser.newContext({ viewport: { width: 900, height: 700 } }),
        await browser.newContext({ viewport: { width: 900, height: 700 } })];
      try {
        const a = await openPage(contexts[0], mode, 'page A');
        const b = await openPage(contexts[1], mode, 'page B');
        for (const side of [a, b]) {
          const shown = (await side.page.textContent('#transport')).trim();
          if (shown !== (mode.transport ? `sockjs/${mode.transport}` : 'websocket')) {
            throw new Error(`${mode.name}: ${side.label} says transport "${shown}"`);
          }
        }
        const latencyB = await postAndExpect(mode, a, b, `hello from A over ${mode.name} ${runId}`);
        const latencyA = await postAndExpect(mode, b, a, `and back from B over ${mode.name} ${runId}`);
        for (const side of [a, b]) {
          if (!side.traffic.some((u) => mode.traffic.test(u))) {
            throw new Error(`${mode.name}: ${side.label} made no request matching ${mode.traffic}; it made: `
              + side.traffic.join(' '));
          }
        }
        const clients = await clientsAtLeast(mode, b, 2);
        summary.push(`${mode.name}: ok (latency A->B ${latencyB}, B->A ${latencyA}, clients ${clients})`);
        if (i === MODES.length - 1) {
          mkdirSync(dirname(screenshot), { recursive: true });
          await b.page.screenshot({ path: screenshot, fullPage: true });
        }
      } finally {
        for (const c of contexts) {
          await c.close().catch(() => {});
        }
      }
    }
  } finally {
    await browser.close().catch(() => {});
  }
  return summary;
}

try {
  const summary = await run();
  for (const line of summary) {
    console.log(line);
  }
  if (problems.length) {
    console.log('browser notes (not failures):\n  ' + problems.join('\n  '));
  }
  console.log(`PASS: demo browser test, ${MODES.length} transports, 2 pages each; screenshot ${screenshot}`);
  process.exit(0);
} catch (e) {
  console.error(`FAIL: ${e.message}`);
  if (problems.length) {
    console.error('browser errors:\n  ' + problems.join('\n  '));
  }
  process.exit(1);
}
